// "Wer kennt sich aus?": the expert search page passes axe at both widths, with
// and without results, and answers in words, never with numbers; the
// directory finds people by skill the same way, and offers a next step.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPerson, launch, signIn, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const width of [1280, 360]) {
  test(`expert search at ${width}px`, { timeout: 60_000 }, async () => {
    // make test seeds the demo content: people of "lfd" declared skills in Vergaberecht.
    const person = createPerson({ agency: 'lfd' });
    await withPage(browser, { width }, `experts-${width}`, async (page) => {
      await signIn(page, person, '/experten');
      await visit(page, '/experten', `experts-empty-${width}`);
      await page.getByLabel('Thema').fill('Vergabe');
      await page.getByRole('button', { name: 'Fachleute finden' }).click();
      await page.getByRole('heading', { level: 2 }).first().waitFor();
      await visit(page, '/experten?q=Vergabe', `experts-results-${width}`);
      assert.ok((await page.locator('.expert').count()) > 0, 'the seeded experts are found');
      const text = await page.locator('main').innerText();
      assert.doesNotMatch(text, /score|punkte/i, 'no scores are shown');
      // The directory finds the same people by a typo; nobody found offers
      // the nearest topic and asking.
      await visit(page, '/personen?kenntnis=Vergabb', `people-typo-${width}`);
      assert.ok((await page.locator('tbody tr').count()) > 0, 'the directory forgives the typo');
      for (const path of ['/personen?kenntnis=Vrgberct', '/experten?q=Vrgberct']) {
        await visit(page, path, `people-none-${width}`);
        await page.getByRole('link', { name: 'Vergaberecht' }).click();
        await page.waitForURL(/Vergaberecht/);
      }
    });
  });
}
