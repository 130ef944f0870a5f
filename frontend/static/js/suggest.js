// Suggestion lists: the ARIA 1.2 combobox the editor uses after "@" and
// "[[", and the person picker on plain handle inputs (page owner, space
// members, invitations to answer). Shared through Fachnetz.suggest.
(function () {
  'use strict';

  var ns = (window.Fachnetz = window.Fachnetz || {});

  // caretPoint finds where the caret is drawn in a text area, by copying
  // its text up to the caret into an invisible twin with the same styles.
  function caretPoint(ta, pos) {
    var cs = getComputedStyle(ta);
    var twin = document.createElement('div');
    ['boxSizing', 'width', 'fontFamily', 'fontSize', 'fontWeight', 'lineHeight', 'letterSpacing', 'paddingTop',
      'paddingRight', 'paddingBottom', 'paddingLeft', 'borderTopWidth', 'borderRightWidth', 'borderBottomWidth',
      'borderLeftWidth', 'tabSize', 'wordSpacing'].forEach(function (p) { twin.style[p] = cs[p]; });
    twin.style.position = 'absolute';
    twin.style.visibility = 'hidden';
    twin.style.whiteSpace = 'pre-wrap';
    twin.style.overflowWrap = 'break-word';
    twin.style.top = '0';
    twin.style.left = '-9999px';
    twin.textContent = ta.value.slice(0, pos);
    var mark = document.createElement('span');
    mark.textContent = '\u200b';
    twin.appendChild(mark);
    document.body.appendChild(twin);
    var point = { top: mark.offsetTop + mark.offsetHeight - ta.scrollTop, left: mark.offsetLeft - ta.scrollLeft };
    document.body.removeChild(twin);
    return point;
  }

  // Combobox follows the ARIA 1.2 combobox pattern: the field keeps the
  // focus, aria-activedescendant names the option in view, the count of
  // results goes to a polite live region. find(field) tells what to look
  // up ({url, q, start, end}) or null; take(item, context) applies a choice.
  // opts.autoSelect (default true) marks the first option as soon as the
  // list opens, so that Enter takes it; without it Enter keeps its own
  // meaning (submitting a search) until an arrow key chooses.
  // opts.tabChooses (default true) lets Tab take the marked option.
  function Combobox(field, list, status, messages, find, take, place, opts) {
    opts = opts || {};
    var autoSelect = opts.autoSelect !== false, tabChooses = opts.tabChooses !== false;
    var items = [], active = -1, context = null, timer = 0, seq = 0;
    var idBase = list.id + '-opt-';
    function close() {
      list.hidden = true;
      list.textContent = '';
      items = [];
      active = -1;
      context = null;
      field.removeAttribute('aria-activedescendant');
      if (field.getAttribute('role') === 'combobox') field.setAttribute('aria-expanded', 'false');
    }
    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) {
        li.setAttribute('aria-selected', String(i === j));
        li.classList.toggle('editor-suggest__option--active', i === j);
      });
      if (i >= 0) {
        field.setAttribute('aria-activedescendant', idBase + i);
        list.children[i].scrollIntoView({ block: 'nearest' });
      } else {
        field.removeAttribute('aria-activedescendant');
      }
    }
    function announce(n) {
      var msg = n === 0 ? messages.none : n === 1 ? messages.one : messages.many.replace('{n}', n);
      status.textContent = '';
      setTimeout(function () { status.textContent = msg; }, 50);
    }
    function show(found, ctx) {
      list.textContent = '';
      items = found;
      context = ctx;
      if (!found.length) {
        close();
        announce(0);
        return;
      }
      found.forEach(function (item, i) {
        var li = document.createElement('li');
        li.id = idBase + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        li.className = 'editor-suggest__option';
        var label = document.createElement('span');
        label.className = 'editor-suggest__label';
        label.textContent = item.label;
        li.appendChild(label);
        if (item.detail) {
          var detail = document.createElement('span');
          detail.className = 'editor-suggest__detail';
          detail.textContent = ' ' + item.detail;
          li.appendChild(detail);
        }
        li.addEventListener('mousedown', function (ev) { ev.preventDefault(); });
        li.addEventListener('click', function () { choose(i); });
        list.appendChild(li);
      });
      list.hidden = false;
      if (place) place(ctx);
      if (field.getAttribute('role') === 'combobox') field.setAttribute('aria-expanded', 'true');
      mark(autoSelect ? 0 : -1);
      announce(found.length);
    }
    function choose(i) {
      var item = items[i], ctx = context;
      close();
      if (item) take(item, ctx);
    }
    function lookup() {
      var ctx = find(field);
      if (!ctx) {
        if (!list.hidden) close();
        return;
      }
      var mine = ++seq;
      fetch(ctx.url + (ctx.url.indexOf('?') < 0 ? '?' : '&') + 'q=' + encodeURIComponent(ctx.q), {
        headers: { Accept: 'application/json' }, credentials: 'same-origin'
      }).then(function (r) {
        return r.ok ? r.json() : { items: [] };
      }).then(function (body) {
        if (mine === seq && document.activeElement === field) show(body.items || [], ctx);
      }).catch(function () {});
    }
    field.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(lookup, 200);
    });
    field.addEventListener('keydown', function (ev) {
      if (list.hidden) return;
      if (ev.key === 'ArrowDown') mark((active + 1) % items.length);
      else if (ev.key === 'ArrowUp') mark(active < 0 ? items.length - 1 : (active - 1 + items.length) % items.length);
      else if ((ev.key === 'Enter' || (ev.key === 'Tab' && tabChooses)) && active >= 0) choose(active);
      else if (ev.key === 'Escape') close();
      else return;
      ev.preventDefault();
      ev.stopPropagation();
    });
    field.addEventListener('blur', function () { setTimeout(close, 150); });
    return { close: close };
  }

  function messagesOf(root) {
    return { none: root.dataset.msgNone || '', one: root.dataset.msgOne || '', many: root.dataset.msgMany || '' };
  }

  // The person picker: the same people suggestions on a plain text input
  // that takes a handle (page owner, space members, invitations).
  var pickers = 0;
  function setupPicker(wrapper) {
    var input = wrapper.querySelector('input[type="text"]');
    if (!input || input.getAttribute('role') === 'combobox') return;
    var id = input.id || 'person-picker-' + ++pickers;
    var list = document.createElement('ul');
    list.id = id + '-suggest';
    list.className = 'editor-suggest editor-suggest--picker';
    list.setAttribute('role', 'listbox');
    list.hidden = true;
    // Named apart from the field, so that the field's label names the
    // field alone.
    list.setAttribute('aria-label', wrapper.dataset.msgLabel || '');
    var status = document.createElement('div');
    status.className = 'kern-sr-only';
    status.setAttribute('aria-live', 'polite');
    status.setAttribute('aria-atomic', 'true');
    wrapper.classList.add('person-picker');
    input.after(list);
    wrapper.appendChild(status);
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);
    input.setAttribute('autocomplete', 'off');
    Combobox(input, list, status, messagesOf(wrapper), function () {
      var q = input.value.trim().replace(/^@/, '');
      return q ? { url: wrapper.dataset.personPicker || '/personenvorschlaege', q: q } : null;
    }, function (item) {
      input.value = item.handle;
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
  }

  ns.suggest = { combobox: Combobox, caretPoint: caretPoint, messagesOf: messagesOf };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-person-picker]'), setupPicker);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
