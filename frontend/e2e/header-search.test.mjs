// The search field in the header of every page, as a person uses it with
// the keyboard alone: suggestions appear while typing and are announced,
// arrow down and Enter open one, Enter without a choice opens the search
// page; axe-core with the suggestions open at 1280 and 360 px; without
// JavaScript the field is a plain form to /suche.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseURL, checkA11y, createAgency, createPage, createPerson, createSpace, launch, screenshot, signIn, unique, visit, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// A word no other page has: letters only, so that it stays one token.
const rareWord = () => `Zuwendung${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;

// Two pages titled with the word, indexed before the test types, and a
// third page to start from.
async function pagesWith(page, word) {
  const spacePath = await createSpace(page, `Förderreferat ${unique('f')}`);
  await createPage(page, spacePath, `${word} Antrag`, 'Wie der Antrag gestellt wird.');
  await createPage(page, spacePath, `${word} Nachweis`, 'Was nach Ablauf einzureichen ist.');
  const start = await createPage(page, spacePath, 'Übersicht', 'Was das Referat tut.');
  await waitUntil(
    async () => (await (await page.request.get(`/api/v1/search?q=${word}`)).json()).total === 2,
    'the new pages are indexed',
  );
  return start;
}

// Tab from the top of the page until the header's search field has the
// focus: it is reachable by keyboard at every width, and in sight on a
// phone too (beside the menu, not in it).
async function tabToSearch(page) {
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(() => document.activeElement?.id === 'site-search-q')) return;
  }
  assert.fail('Tab never reached the search field in the header');
}

for (const width of [1280, 360]) {
  test(`header search with suggestions, keyboard only, at ${width}px`, { timeout: 150_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    const word = rareWord();
    await withPage(browser, { width }, `header-search-${width}`, async (page) => {
      const asked = [];
      page.on('request', (req) => {
        const u = new URL(req.url());
        if (u.pathname === '/suche/vorschlaege') asked.push(u.searchParams.get('q'));
      });
      await signIn(page, person, '/bereiche/neu');
      const wikiPage = await pagesWith(page, word);

      await visit(page, wikiPage, `header-search-page-${width}`);
      await tabToSearch(page);
      const field = page.getByRole('combobox', { name: 'Im Fachnetz suchen' });
      assert.equal(await field.getAttribute('aria-expanded'), 'false');
      // One letter asks nothing, even after a pause longer than the debounce.
      await page.keyboard.type(word.slice(0, 1));
      await page.waitForTimeout(600);
      assert.deepEqual(asked, [], 'no suggestions are asked for one letter');
      await page.keyboard.type(word.slice(1), { delay: 20 });

      const list = page.getByRole('listbox', { name: 'Vorschläge' });
      const options = list.getByRole('option');
      await options.filter({ hasText: `${word} Antrag` }).waitFor({ timeout: 10_000 });
      await options.filter({ hasText: `${word} Nachweis` }).waitFor();
      assert.equal(await options.count(), 2);
      assert.equal(await field.getAttribute('aria-expanded'), 'true');
      assert.equal(await field.getAttribute('aria-activedescendant'), null, 'nothing is chosen before an arrow key');
      await waitUntil(async () => /2 Vorschläge/.test(await page.locator('#site-search-status').textContent()), 'the number of suggestions is announced');
      assert.ok(asked.every((q) => Array.from(q).length >= 2), `every request had two letters or more: ${asked}`);
      await checkA11y(page, `header search with suggestions at ${width}px`);
      await screenshot(page, `header-search-suggestions-${width}`);

      // Escape closes the list and keeps the text.
      await page.keyboard.press('Escape');
      await list.waitFor({ state: 'hidden' });
      assert.equal(await field.getAttribute('aria-expanded'), 'false');
      assert.equal(await field.inputValue(), word);

      // Arrow down opens the list again, a second marks the first
      // suggestion; Enter opens its page.
      await page.keyboard.press('ArrowDown');
      await options.first().waitFor();
      await page.keyboard.press('ArrowDown');
      const activeId = await field.getAttribute('aria-activedescendant');
      assert.ok(activeId, 'the field names the chosen option');
      const chosen = page.locator(`[id="${activeId}"]`);
      assert.equal(await chosen.getAttribute('aria-selected'), 'true');
      const title = (await chosen.locator('.editor-suggest__label').textContent()).trim();
      await Promise.all([page.waitForURL((u) => u.pathname !== wikiPage), page.keyboard.press('Enter')]);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();

      // Enter without a choice opens the search page with the results.
      await tabToSearch(page);
      await page.keyboard.type(word, { delay: 20 });
      await options.first().waitFor({ timeout: 10_000 });
      await Promise.all([page.waitForURL((u) => u.pathname === '/suche'), page.keyboard.press('Enter')]);
      assert.equal(new URL(page.url()).searchParams.get('q'), word);
      await page.getByRole('link', { name: `${word} Nachweis` }).waitFor();
      await visit(page, `/suche?q=${word}`, `header-search-results-${width}`);
    });
  });
}

test('without JavaScript the header search is a form to /suche', { timeout: 120_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  const word = rareWord();
  const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  try {
    await signIn(page, person, '/bereiche/neu');
    const wikiPage = await pagesWith(page, word);
    await page.goto(wikiPage);
    const field = page.getByRole('searchbox', { name: 'Im Fachnetz suchen' });
    await field.fill(word);
    await Promise.all([page.waitForURL((u) => u.pathname === '/suche'), field.press('Enter')]);
    assert.equal(new URL(page.url()).searchParams.get('q'), word);
    await page.getByRole('link', { name: `${word} Antrag` }).waitFor();
    await screenshot(page, 'header-search-without-javascript');
  } finally {
    await context.close();
  }
});
