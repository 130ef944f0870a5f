// The search field in every page's header: while typing, the top titles
// of the search appear as suggestions in the combobox of suggest.js
// (loaded first). Enter on a chosen suggestion opens it; Enter without a
// choice submits the form to the search page, which is all the field does
// without JavaScript.
(function () {
  'use strict';

  function setup(form) {
    var ns = window.Fachnetz;
    var input = form.querySelector('input[name="q"]');
    var list = form.querySelector('[role="listbox"]');
    var status = form.querySelector('[aria-live]');
    if (!ns || !ns.suggest || !input || !list || !status || input.getAttribute('role') === 'combobox') return;
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    ns.suggest.combobox(input, list, status, ns.suggest.messagesOf(form), function () {
      var q = input.value.trim();
      // One letter would match half the index: ask from two on.
      return Array.from(q).length >= 2 ? { url: form.dataset.siteSearch, q: q } : null;
    }, function (item) {
      // Only addresses of this site: a suggestion never leads elsewhere.
      if (/^\/(?![\/\\])/.test(item.url || '')) window.location.assign(item.url);
    }, null, { autoSelect: false, tabChooses: false });
    // Arrow down on a closed list opens it again (after Escape, say).
    input.addEventListener('keydown', function (ev) {
      if (ev.key === 'ArrowDown' && input.getAttribute('aria-expanded') === 'false' && !ev.altKey) {
        input.dispatchEvent(new Event('input'));
      }
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-site-search]'), setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
