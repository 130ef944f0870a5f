// The organisation chart as a tree (WAI-ARIA Authoring Practices, tree
// view): one Tab stop, arrow keys move between the units, Right and Left
// expand and collapse, Home and End jump, a typed letter finds the next unit
// of that name, Enter opens the unit's people. The links of the focused unit
// (its heads, its people) follow it in the Tab order. Without this script
// the chart stays a nested list of links, every unit shown, and no role
// promises keys that would not work.
(() => {
  const tree = document.querySelector('[data-org-tree]');
  if (!tree) return;
  const keys = document.querySelector('[data-org-keys]');
  if (keys) {
    keys.hidden = false;
    tree.setAttribute('aria-describedby', keys.id);
  }

  // The boxes are the tree items, with their level and place declared:
  // an item that contained the list below it would take that list's text
  // for its own. The list items and inner lists only arrange them.
  tree.setAttribute('role', 'tree');
  const li = (item) => item.parentElement;
  const childList = (item) => li(item).querySelector(':scope > ul');
  const firstChild = (item) => childList(item)?.querySelector(':scope > li > .org-chart__box');
  const parentItem = (item) => {
    const up = li(item).parentElement.closest('li');
    return up && tree.contains(up) ? up.querySelector(':scope > .org-chart__box') : null;
  };
  function parents(item) {
    const out = [];
    for (let p = parentItem(item); p; p = parentItem(p)) out.push(p);
    return out;
  }
  const items = [...tree.querySelectorAll('li > .org-chart__box')];
  if (!items.length) return;
  for (const item of items) {
    li(item).setAttribute('role', 'none');
    const siblings = [...li(item).parentElement.children];
    item.setAttribute('role', 'treeitem');
    item.setAttribute('aria-level', String(parents(item).length + 1));
    item.setAttribute('aria-setsize', String(siblings.length));
    item.setAttribute('aria-posinset', String(siblings.indexOf(li(item)) + 1));
    // Named by what the box shows: the unit, its heads, its people.
    const parts = item.querySelectorAll('.org-chart__name, .org-chart__heads, [id$="-people"]');
    item.setAttribute('aria-labelledby', [...parts].map((el) => el.id).join(' '));
    item.tabIndex = -1;
    for (const link of item.querySelectorAll('a')) link.tabIndex = -1;
    const list = childList(item);
    if (list) {
      list.setAttribute('role', 'none');
      // The top two levels start open: the house and its departments.
      item.setAttribute('aria-expanded', String(parents(item).length < 2));
    }
  }

  const expanded = (item) => item.getAttribute('aria-expanded') === 'true';
  // Visible: no collapsed unit above it.
  const visible = () => items.filter((item) => parents(item).every(expanded));

  let active = null;
  function activate(item, focus = true) {
    if (active && active !== item) {
      active.tabIndex = -1;
      for (const link of active.querySelectorAll('a')) link.tabIndex = -1;
    }
    active = item;
    item.tabIndex = 0;
    for (const link of item.querySelectorAll('a')) link.tabIndex = 0;
    if (focus) item.focus();
  }
  activate(items[0], false);

  function setExpanded(item, open) {
    if (!childList(item)) return;
    item.setAttribute('aria-expanded', String(open));
  }

  function move(from, step) {
    const list = visible();
    const next = list[list.indexOf(from) + step];
    if (next) activate(next);
  }

  function typeahead(from, ch) {
    const list = visible();
    const start = list.indexOf(from);
    const name = (item) => item.querySelector('.org-chart__name').textContent.trim().toLocaleLowerCase();
    for (let i = 1; i <= list.length; i++) {
      const item = list[(start + i) % list.length];
      if (name(item).startsWith(ch)) {
        activate(item);
        return;
      }
    }
  }

  tree.addEventListener('keydown', (e) => {
    const item = e.target;
    // Keys on a link inside a unit are the link's own (Enter follows it).
    if (item.getAttribute('role') !== 'treeitem' || e.altKey || e.ctrlKey || e.metaKey) return;
    const list = childList(item);
    switch (e.key) {
      case 'ArrowDown':
        move(item, 1);
        break;
      case 'ArrowUp':
        move(item, -1);
        break;
      case 'ArrowRight':
        if (list && !expanded(item)) setExpanded(item, true);
        else if (list) activate(firstChild(item));
        break;
      case 'ArrowLeft':
        if (list && expanded(item)) setExpanded(item, false);
        else if (parentItem(item)) activate(parentItem(item));
        break;
      case 'Home':
        activate(visible()[0]);
        break;
      case 'End':
        activate(visible().at(-1));
        break;
      case 'Enter': {
        const people = item.querySelector('[data-org-people]');
        if (people) people.click();
        else if (list) setExpanded(item, !expanded(item));
        break;
      }
      default:
        if (e.key.length === 1 && e.key.trim() !== '') {
          typeahead(item, e.key.toLocaleLowerCase());
          break;
        }
        return;
    }
    e.preventDefault();
  });

  // Focus by mouse or by Shift+Tab back from a unit's link moves the Tab
  // stop along.
  tree.addEventListener('focusin', (e) => {
    const item = e.target.closest('[role="treeitem"]');
    if (item && item !== active) activate(item, false);
  });

  // A click on a unit's box (not on one of its links) opens or closes it.
  tree.addEventListener('click', (e) => {
    const item = e.target.closest('[role="treeitem"]');
    if (!item || e.target.closest('a')) return;
    setExpanded(item, !expanded(item));
    activate(item);
  });
})();
