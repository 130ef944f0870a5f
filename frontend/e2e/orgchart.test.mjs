// The organisation chart: boxes joined by lines at 1280 px, an indented tree
// at 360 px that never scrolls the page sideways, axe-clean at both; an ARIA
// tree for the keyboard (arrows, Home, End, Enter opens a unit's people);
// without JavaScript a plain nested list with every unit and its link.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseURL, checkA11y, createPerson, launch, screenshot, signIn, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The accessible name and state of the focused element. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    const name = (el.getAttribute('aria-labelledby') || '')
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent.trim())
      .join(' ');
    return { role: el.getAttribute('role'), name: name || el.textContent.trim(), expanded: el.getAttribute('aria-expanded') };
  });
}

async function noSideways(page, what) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `${what}: the page is ${scroll} px wide in a ${inner} px window`);
}

/** The boxes of the units named, as on screen. */
async function box(page, name) {
  const b = await page.locator('.org-chart__box', { has: page.locator('.org-chart__name', { hasText: name }) }).first().boundingBox();
  assert.ok(b, `no box for ${name}`);
  return b;
}

// make test seeds the demo content: the agency "lfd" has seven units, each
// below the top with a head and people.
describe('organisation chart', () => {
  for (const width of [1280, 360]) {
    test(`chart of the demo agency at ${width} px`, { timeout: 90_000 }, async () => {
      const person = createPerson({ agency: 'lfd' });
      await withPage(browser, { width }, `orgchart-${width}`, async (page) => {
        await signIn(page, person, '/organisation');
        await visit(page, '/organisation', `orgchart-${width}`);
        await noSideways(page, `/organisation at ${width}`);
        const tree = page.getByRole('tree', { name: /Organisation/ });
        await tree.waitFor();
        assert.ok((await tree.getByRole('treeitem').count()) >= 7, 'the seeded units are tree items');
        assert.ok((await page.locator('.org-chart__heads a[href^="/personen/"]').count()) >= 6, 'the heads are shown and linked');
        const house = await box(page, 'Landesamt für Digitalisierung');
        const z = await box(page, 'Abteilung Z');
        const one = await box(page, 'Abteilung 1');
        const z1 = await box(page, 'Referat Z1');
        if (width === 1280) {
          // Top-down: departments side by side below the house, their units below them.
          assert.ok(z.y > house.y + house.height && Math.abs(z.y - one.y) < 2, 'departments stand side by side below the house');
          assert.ok(z1.y > z.y + z.height, 'units stand below their department');
        } else {
          // Indented: each level further right, one box below the other.
          assert.ok(z.x > house.x && z1.x > z.x, 'each level is indented');
          assert.ok(z.y > one.y + one.height, 'units follow each other downwards');
          assert.ok(z.x + z.width <= width, 'a box fits the screen');
        }
        // Collapsed, a department hides its units; the page stays clean.
        await page.getByRole('treeitem', { name: /^Abteilung Z/ }).locator('.org-chart__name').first().click();
        assert.equal(await page.getByRole('treeitem', { name: /^Referat Z1/ }).isVisible(), false, 'a collapsed unit hides the units below');
        await checkA11y(page, `orgchart-collapsed-${width}`);
        await screenshot(page, `orgchart-collapsed-${width}`);
        await noSideways(page, `collapsed chart at ${width}`);
      });
    });
  }

  test('keyboard only: into the tree, arrows between units, Right expands, Enter opens the people', { timeout: 90_000 }, async () => {
    const person = createPerson({ agency: 'lfd' });
    for (const width of [1280, 360]) {
      await withPage(browser, { width }, `orgchart-keys-${width}`, async (page) => {
        await signIn(page, person, '/organisation');
        await page.goto('/organisation');
        await page.getByRole('tree').waitFor();
        // From the start of the content, Tab reaches the tree: its first unit.
        await page.locator('#main').focus();
        await page.keyboard.press('Tab');
        let f = await focused(page);
        assert.equal(f.role, 'treeitem');
        assert.match(f.name, /^Landesamt für Digitalisierung/);
        await page.keyboard.press('ArrowDown');
        f = await focused(page);
        assert.match(f.name, /^Abteilung 1/, 'Down moves to the next unit');
        assert.equal(f.expanded, 'true');
        await page.keyboard.press('ArrowLeft');
        assert.equal((await focused(page)).expanded, 'false', 'Left collapses');
        await page.keyboard.press('ArrowDown');
        assert.match((await focused(page)).name, /^Abteilung Z/, 'Down skips the units of a collapsed one');
        await page.keyboard.press('ArrowUp');
        await page.keyboard.press('ArrowRight');
        assert.equal((await focused(page)).expanded, 'true', 'Right expands');
        await page.keyboard.press('ArrowRight');
        assert.match((await focused(page)).name, /^Referat 11/, 'Right on an open unit moves to its first unit');
        await page.keyboard.press('ArrowLeft');
        assert.match((await focused(page)).name, /^Abteilung 1/, 'Left moves to the unit above');
        await page.keyboard.press('End');
        assert.match((await focused(page)).name, /^Referat Z2/, 'End moves to the last unit shown');
        await page.keyboard.press('Home');
        assert.match((await focused(page)).name, /^Landesamt/, 'Home moves to the first unit');
        await page.keyboard.press('r');
        assert.match((await focused(page)).name, /^Referat 11/, 'a letter moves to the next unit of that name');
        // The unit's own links follow it in the Tab order, then the tree is left.
        await page.keyboard.press('Tab');
        const head = await page.evaluate(() => document.activeElement.closest('.org-chart__heads') !== null);
        assert.ok(head, 'Tab reaches the head of the focused unit');
        await page.keyboard.press('Shift+Tab');
        assert.match((await focused(page)).name, /^Referat 11/);
        const headName = (await page.getByRole('treeitem', { name: /^Referat 11/ }).locator('.org-chart__heads a').first().innerText()).trim();
        await Promise.all([page.waitForURL(/\/personen\?einheit=\d+/), page.keyboard.press('Enter')]);
        await page.getByRole('heading', { level: 1 }).waitFor();
        await page.getByRole('link', { name: headName }).first().waitFor();
        await checkA11y(page, `orgchart-people-${width}`);
        await noSideways(page, `the people of a unit at ${width}`);
      });
    }
  });

  test('without JavaScript the chart is a nested list of every unit with its link', { timeout: 60_000 }, async () => {
    const person = createPerson({ agency: 'lfd' });
    for (const width of [1280, 360]) {
      const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport: { width, height: 800 }, javaScriptEnabled: false });
      try {
        const page = await context.newPage();
        await signIn(page, person, '/organisation');
        await page.goto('/organisation');
        assert.equal(await page.locator('[role="tree"], [role="treeitem"]').count(), 0, 'no tree roles without the script');
        const units = page.locator('ul.org-chart__list li');
        const n = await units.count();
        assert.ok(n >= 7, `${n} units`);
        for (let i = 0; i < n; i++) {
          const unit = units.nth(i);
          assert.ok(await unit.locator('.org-chart__name').first().isVisible(), `unit ${i} is shown`);
          const people = unit.locator(':scope > .org-chart__box a[href^="/personen?einheit="]');
          assert.equal(await people.count(), 1, `unit ${i} links to its people`);
          assert.ok(await people.isVisible());
        }
        assert.equal(await page.locator('[data-org-keys]').isVisible(), false, 'the key help stays hidden');
        await noSideways(page, `/organisation without JavaScript at ${width}`);
        await screenshot(page, `orgchart-nojs-${width}`);
        const link = page
          .locator('.org-chart__box', { has: page.locator('.org-chart__name', { hasText: 'Referat Z1' }) })
          .locator('a[href^="/personen?einheit="]');
        await Promise.all([page.waitForURL(/\/personen\?einheit=/), link.click()]);
        await page.getByRole('heading', { level: 1 }).waitFor();
        assert.ok((await page.locator('a[href^="/personen/"]').count()) > 0, 'the unit lists its people');
      } finally {
        await context.close();
      }
      // axe needs JavaScript itself: it checks the list as the page has it
      // when the chart's own script does not arrive.
      await withPage(browser, { width }, `orgchart-noscript-${width}`, async (page) => {
        await page.route(/\/js\/orgchart/, (route) => route.abort());
        await signIn(page, person, '/organisation');
        await page.goto('/organisation');
        assert.equal(await page.locator('[role="tree"]').count(), 0);
        await checkA11y(page, `orgchart-noscript-${width}`);
      });
    }
  });
});
