// The phone menu: on narrow screens the header's links, search field and
// account links fold behind one button (a disclosure: aria-expanded on the
// button, the menu shown or hidden). Escape closes it and returns to the
// button. Without this script the menu simply stays open.
(() => {
  const toggle = document.querySelector('.site-menu-toggle');
  const menu = document.getElementById('site-menu');
  if (!toggle || !menu) return;
  const header = toggle.closest('.site-header');
  header.classList.add('site-header--menu');
  toggle.hidden = false;

  const setOpen = (open) => {
    toggle.setAttribute('aria-expanded', String(open));
    menu.classList.toggle('site-menu--open', open);
  };
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    setOpen(open);
    if (open) menu.querySelector('a, input, button')?.focus();
  });
  menu.addEventListener('keydown', (e) => {
    // The search field's own Escape closes its suggestions first.
    if (e.key !== 'Escape' || e.defaultPrevented || toggle.getAttribute('aria-expanded') !== 'true') return;
    if (getComputedStyle(toggle).display === 'none') return;
    setOpen(false);
    toggle.focus();
  });
})();
