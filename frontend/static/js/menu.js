// The header's disclosures: the phone menu and the account menu are
// <details> elements, which open and close without this script. It adds
// what <details> lacks: Escape closes the innermost open one and returns
// the focus to its summary; a click or focus elsewhere closes the account
// menu, as a menu of a desktop application would. Browsers that cannot
// show a closed <details>' content on wide screens (no ::details-content)
// get the phone menu opened there, so that the links stay in the header.
(() => {
  const header = document.querySelector('.site-header');
  if (!header) return;
  const menu = header.querySelector('.site-menu');
  const account = header.querySelector('.account-menu');

  const wide = window.matchMedia('(min-width: 48rem)');
  const styled = window.CSS?.supports?.('selector(::details-content)') ?? false;
  const openWhenWide = () => {
    if (menu && !styled && wide.matches) menu.open = true;
  };
  openWhenWide();
  wide.addEventListener?.('change', openWhenWide);

  header.addEventListener('keydown', (e) => {
    // The search field's own Escape closes its suggestions first.
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    const open = e.target.closest('details[open]');
    if (!open) return;
    const summary = open.querySelector(':scope > summary');
    if (!summary || getComputedStyle(summary).display === 'none') return;
    open.open = false;
    summary.focus();
    e.preventDefault();
  });

  if (account) {
    const closeIfOutside = (e) => {
      if (account.open && !account.contains(e.target)) account.open = false;
    };
    document.addEventListener('click', closeIfOutside);
    document.addEventListener('focusin', closeIfOutside);
  }
})();
