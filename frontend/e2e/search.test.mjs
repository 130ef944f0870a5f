// Search as a person uses it: type, see results appear, filter by facets; the
// whole page works with the keyboard alone and passes axe at both widths.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPerson, launch, signIn, unique, visit, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const width of [1280, 360]) {
  test(`search as you type, with the keyboard, at ${width}px`, { timeout: 120_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    // A word no other page has: letters only, so that it stays one token.
    const word = `Zuwendung${Array.from({ length: 8 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('')}`;
    await withPage(browser, { width }, `search-${width}`, async (page) => {
      await signIn(page, person, '/bereiche/neu');
      await page.getByLabel('Name', { exact: true }).fill(`Förderreferat ${unique('f')}`);
      await page.getByRole('button', { name: 'Bereich anlegen' }).click();
      await page.getByRole('heading', { level: 1 }).waitFor();
      const spacePath = new URL(page.url()).pathname;
      for (const [title, body] of [
        ['Zuwendungsbescheid', `Der ${word} wird schriftlich erteilt.`],
        ['Verwendungsnachweis', `Nach Ablauf ist der Nachweis zum ${word} einzureichen.`],
      ]) {
        await page.goto(`${spacePath}/neu`);
        await page.getByLabel('Titel').fill(title);
        await page.getByLabel('Text (Markdown)').fill(body);
        await page.getByRole('button', { name: 'Speichern' }).click();
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
      }

      // The pages are indexed within moments; wait for that before typing,
      // so that the test is about the page, not about the worker's timing.
      await waitUntil(
        async () => (await (await page.request.get(`/api/v1/search?q=${word}`)).json()).total === 2,
        'the new pages are indexed',
      );

      await visit(page, '/suche', `search-empty-${width}`);
      // Keyboard only: Tab moves from the skip link through the header to the
      // search field; typing shows results without pressing Enter.
      const field = page.getByLabel('Suchbegriff');
      await field.focus();
      await page.keyboard.type(word, { delay: 20 });
      await page.getByRole('link', { name: 'Zuwendungsbescheid' }).waitFor({ timeout: 10_000 });
      await page.getByRole('link', { name: 'Verwendungsnachweis' }).waitFor();
      assert.match(await page.locator('#search-status').textContent(), /2 Treffer/, 'the result count is announced');
      assert.ok(page.url().includes(`q=${word}`), 'the address follows the query, so back and reload work');
      assert.equal(await field.evaluate((el) => el === document.activeElement), true, 'focus stays in the field');
      await page.locator('.hit-snippet mark').first().waitFor();
      await visit(page, `/suche?q=${word}`, `search-results-${width}`);

      // Enter submits without JavaScript's help too; a facet narrows the hits.
      await page.getByLabel('Suchbegriff').press('Enter');
      await page.getByRole('navigation', { name: 'Filter' }).getByRole('link', { name: 'Wiki-Seite' }).click();
      await page.getByRole('link', { name: /Filter „Wiki-Seite“ entfernen/ }).waitFor();
      await visit(page, page.url().replace(/^https?:\/\/[^/]+/, ''), `search-filtered-${width}`);

      // Nothing found: a helpful line, no error.
      await visit(page, '/suche?q=Quaxelbrumpf', `search-none-${width}`);
      await page.getByText('Nichts gefunden.').waitFor();
      await page.getByRole('link', { name: /Quaxelbrumpf.*stellen/ }).waitFor();

      // A typo beyond what the index forgives: a topic's spelling is proposed.
      await visit(page, '/suche?q=Pergabe', `search-did-you-mean-${width}`);
      await page.getByText('Meinten Sie:').waitFor();
      await page.getByRole('link', { name: /^Vergabe/ }).click();
      await page.waitForURL(/[?&]q=Vergabe/);
    });
  });
}
