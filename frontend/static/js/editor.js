// The Markdown editor: toolbar, live preview (through htmx attributes the
// template sets) and suggestions after "@" and "[[" (with the combobox of
// suggest.js, loaded first). Everything here enhances forms that work
// without it.
//
// Other scripts hook in through the one namespace object:
//   Fachnetz.editor.onReady(fn)    fn({root, textarea}) for every editor,
//                                   also those ready before fn was given
//   Fachnetz.editor.insertAtCursor(textarea, text)
// and each editor root dispatches "editor:ready" (bubbling) when set up.
(function () {
  'use strict';

  var ns = (window.Fachnetz = window.Fachnetz || {});
  var ready = [];
  var listeners = [];

  // replaceRange puts text in place of value[start:end] so that the
  // browser's undo can take it back, then selects [selStart, selEnd].
  function replaceRange(ta, start, end, text, selStart, selEnd) {
    ta.focus();
    ta.setSelectionRange(start, end);
    var done = false;
    try {
      done = document.execCommand('insertText', false, text);
    } catch (e) {
      done = false;
    }
    if (!done || ta.value.slice(start, start + text.length) !== text) {
      ta.setRangeText(text, start, end, 'end');
      ta.dispatchEvent(new Event('input', { bubbles: true }));
    }
    if (selStart !== undefined) ta.setSelectionRange(selStart, selEnd === undefined ? selStart : selEnd);
  }

  function insertAtCursor(ta, text) {
    var s = ta.selectionStart;
    replaceRange(ta, s, ta.selectionEnd, text, s + text.length);
  }

  // wrap surrounds the selection (or a sample text, then selected).
  function wrap(ta, left, right, sample) {
    var s = ta.selectionStart, e = ta.selectionEnd;
    var sel = ta.value.slice(s, e) || sample;
    replaceRange(ta, s, e, left + sel + right, s + left.length, s + left.length + sel.length);
  }

  // prefixLines puts a marker before every line the selection touches.
  function prefixLines(ta, marker, sample) {
    var v = ta.value, s = ta.selectionStart, e = ta.selectionEnd;
    var from = v.lastIndexOf('\n', s - 1) + 1;
    var to = v.indexOf('\n', e > s && v[e - 1] === '\n' ? e - 1 : e);
    if (to < 0) to = v.length;
    var lines = v.slice(from, to).split('\n');
    var out = lines.map(function (line, i) {
      return marker(i) + (line || (lines.length === 1 ? sample : ''));
    }).join('\n');
    if (lines.length === 1 && !lines[0]) {
      var m = marker(0);
      replaceRange(ta, from, to, out, from + m.length, from + out.length);
    } else {
      replaceRange(ta, from, to, out, from, from + out.length);
    }
  }

  // block inserts text on lines of its own.
  function block(ta, text, selFrom, selLen) {
    var v = ta.value, s = ta.selectionStart, e = ta.selectionEnd;
    var before = s > 0 && v[s - 1] !== '\n' ? '\n\n' : (s > 1 && v[s - 2] !== '\n' ? '\n' : '');
    if (s === 0) before = '';
    var after = v[e] === '\n' || e === v.length ? '\n' : '\n\n';
    var ins = before + text + after;
    var at = s + before.length + selFrom;
    replaceRange(ta, s, e, ins, at, at + selLen);
  }

  var actions = {
    heading: function (ta, t) { prefixLines(ta, function () { return '## '; }, t); },
    bold: function (ta, t) { wrap(ta, '**', '**', t); },
    italic: function (ta, t) { wrap(ta, '_', '_', t); },
    ul: function (ta, t) { prefixLines(ta, function () { return '- '; }, t); },
    ol: function (ta, t) { prefixLines(ta, function (i) { return (i + 1) + '. '; }, t); },
    task: function (ta, t) { prefixLines(ta, function () { return '- [ ] '; }, t); },
    link: function (ta, t) {
      var s = ta.selectionStart, e = ta.selectionEnd;
      var sel = ta.value.slice(s, e) || t;
      var text = '[' + sel + '](https://)';
      var url = s + sel.length + 3;
      replaceRange(ta, s, e, text, url, url + 8);
    },
    wikilink: function (ta, t) { wrap(ta, '[[', ']]', t); },
    table: function (ta, t) {
      var cols = t.split('|');
      var head = '| ' + cols.join(' | ') + ' |';
      var rule = '|' + cols.map(function () { return ' --- '; }).join('|') + '|';
      var row = '|' + cols.map(function () { return '   '; }).join('|') + '|';
      block(ta, head + '\n' + rule + '\n' + row, 2, cols[0].length);
    },
    image: function (ta, t) {
      var s = ta.selectionStart, e = ta.selectionEnd;
      var alt = ta.value.slice(s, e) || t;
      replaceRange(ta, s, e, '![' + alt + '](bild.png)', s + 2, s + 2 + alt.length);
    },
    code: function (ta, t) {
      var sel = ta.value.slice(ta.selectionStart, ta.selectionEnd);
      if (sel.indexOf('\n') >= 0) block(ta, '```\n' + sel + '\n```', 4, sel.length);
      else wrap(ta, '`', '`', t);
    }
  };

  // The toolbar follows the ARIA toolbar pattern: one tab stop, arrow
  // keys move between the buttons, the text area keeps the focus after an
  // action so that writing goes on.
  function setupToolbar(root, ta) {
    var bar = root.querySelector('.editor-toolbar');
    if (!bar) return;
    var buttons = Array.prototype.slice.call(bar.querySelectorAll('button'));
    bar.hidden = false;
    function focusAt(i) {
      buttons.forEach(function (b, j) { b.tabIndex = i === j ? 0 : -1; });
      buttons[i].focus();
    }
    bar.addEventListener('keydown', function (ev) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      var n = buttons.length, to = -1;
      if (ev.key === 'ArrowRight' || ev.key === 'ArrowDown') to = (i + 1) % n;
      else if (ev.key === 'ArrowLeft' || ev.key === 'ArrowUp') to = (i - 1 + n) % n;
      else if (ev.key === 'Home') to = 0;
      else if (ev.key === 'End') to = n - 1;
      if (to >= 0) {
        ev.preventDefault();
        focusAt(to);
      }
    });
    buttons.forEach(function (b, i) {
      b.addEventListener('click', function () {
        buttons.forEach(function (o, j) { o.tabIndex = i === j ? 0 : -1; });
        var act = actions[b.dataset.md];
        if (act) act(ta, b.dataset.text || '');
      });
    });
    ta.addEventListener('keydown', function (ev) {
      if (!(ev.ctrlKey || ev.metaKey) || ev.altKey || ev.shiftKey) return;
      var k = ev.key.toLowerCase();
      var name = k === 'b' ? 'bold' : k === 'i' ? 'italic' : k === 'k' ? 'link' : '';
      var b = name && bar.querySelector('[data-md="' + name + '"]');
      if (b) {
        ev.preventDefault();
        actions[name](ta, b.dataset.text || '');
      }
    });
  }

  // The live preview is announced only when asked for ("Vorschau"), not
  // on every pause in typing.
  function setupPreview(root, ta) {
    var out = root.querySelector('.editor-preview');
    if (!out) return;
    var form = ta.form;
    root.classList.add('editor-box--live');
    out.setAttribute('aria-live', 'off');
    ta.addEventListener('htmx:beforeRequest', function () { out.setAttribute('aria-busy', 'true'); });
    ta.addEventListener('htmx:afterSettle', function () {
      out.removeAttribute('aria-busy');
      if (out.getAttribute('aria-live') === 'polite') {
        setTimeout(function () { out.setAttribute('aria-live', 'off'); }, 1000);
      }
    });
    var button = form && form.querySelector('[data-editor-preview]');
    var narrow = window.matchMedia('(max-width: 63.99em)');
    // On a phone the preview takes the text's place; "Vorschau" switches
    // between the two and says which is shown.
    function show(preview) {
      root.classList.toggle('editor-box--show-preview', preview);
      if (!button) return;
      if (narrow.matches) button.setAttribute('aria-pressed', String(preview));
      else button.removeAttribute('aria-pressed');
    }
    function refresh() {
      out.setAttribute('aria-live', 'polite');
      ta.dispatchEvent(new CustomEvent('editor:preview'));
    }
    if (button) {
      show(false);
      narrow.addEventListener('change', function () { show(false); });
      button.addEventListener('click', function (ev) {
        ev.preventDefault();
        var showing = root.classList.contains('editor-box--show-preview');
        if (narrow.matches) show(!showing);
        if (!showing || !narrow.matches) refresh();
        if (narrow.matches && showing) ta.focus();
      });
    }
  }

  // Mentions: "@" after a space or at the start, then letters of a
  // handle; wiki links: "[[" then anything up to the caret on that line.
  function setupMentions(root, ta) {
    var list = root.querySelector('.editor-suggest');
    var status = root.querySelector('[id$="-suggest-status"]');
    if (!list || !status) return;
    var people = root.dataset.peopleUrl, pages = root.dataset.pagesUrl;
    function find() {
      if (ta.selectionStart !== ta.selectionEnd) return null;
      var pos = ta.selectionStart;
      var before = ta.value.slice(Math.max(0, pos - 120), pos);
      var m = people && /(^|[\s(])@([\p{L}\p{N}._-]{0,60})$/u.exec(before);
      if (m) return { url: people, q: m[2], start: pos - m[2].length - 1, end: pos, kind: 'person' };
      m = pages && /\[\[([^\[\]\n|]{0,100})$/.exec(before);
      if (m) return { url: pages, q: m[1], start: pos - m[1].length - 2, end: pos, kind: 'page' };
      return null;
    }
    function take(item, ctx) {
      var text = item.insert;
      var end = ctx.end;
      if (ctx.kind === 'page' && ta.value.slice(end, end + 2) === ']]') end += 2;
      if (ctx.kind === 'person') text += ' ';
      replaceRange(ta, ctx.start, end, text, ctx.start + text.length);
    }
    function place(ctx) {
      var p = ns.suggest.caretPoint(ta, ctx.end);
      var top = Math.min(Math.max(p.top, 0), ta.clientHeight) + ta.offsetTop + 4;
      list.style.setProperty('--suggest-top', top + 'px');
      list.style.setProperty('--suggest-left', Math.min(p.left, Math.max(0, ta.clientWidth - 260)) + 'px');
    }
    ns.suggest.combobox(ta, list, status, ns.suggest.messagesOf(root), find, take, place);
  }

  function setup(root) {
    var ta = root.querySelector('textarea');
    if (!ta || root.dataset.editorReady) return;
    root.dataset.editorReady = '1';
    root.classList.add('editor-box--js');
    setupToolbar(root, ta);
    setupPreview(root, ta);
    if (ns.suggest) setupMentions(root, ta);
    var detail = { root: root, textarea: ta };
    ready.push(detail);
    listeners.forEach(function (fn) { fn(detail); });
    root.dispatchEvent(new CustomEvent('editor:ready', { bubbles: true, detail: detail }));
  }

  ns.editor = {
    insertAtCursor: insertAtCursor,
    replaceRange: replaceRange,
    onReady: function (fn) {
      listeners.push(fn);
      ready.forEach(function (d) { fn(d); });
    }
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-editor]'), setup);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
