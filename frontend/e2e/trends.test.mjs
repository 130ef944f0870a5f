// The trends and content-gap page of knowledge managers passes axe at both widths;
// other people do not get it at all.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPerson, launch, signIn, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const width of [1280, 360]) {
  test(`trends and content gaps at ${width}px`, { timeout: 60_000 }, async () => {
    const agency = createAgency();
    const manager = createPerson({ agency, roles: ['knowledge-manager'] });
    await withPage(browser, { width }, `trends-${width}`, async (page) => {
      await signIn(page, manager, '/trends');
      await visit(page, '/trends', `trends-agency-${width}`);
      await page.getByRole('heading', { name: 'Suchen ohne Ergebnis' }).waitFor();
      await visit(page, '/trends?scope=instance', `trends-instance-${width}`);
      // A new agency has no released figures: the start page shows no
      // empty trend panel.
      await visit(page, '/', `trends-home-${width}`);
      assert.equal(await page.getByRole('heading', { name: 'Gefragt diese Woche' }).count(), 0, 'no trend panel without figures');
    });
  });
}

test('other people get no trends page', { timeout: 60_000 }, async () => {
  const person = createPerson();
  await withPage(browser, { width: 1280 }, 'trends-denied', async (page) => {
    await signIn(page, person, '/');
    const res = await page.goto('/trends');
    assert.equal(res.status(), 404);
  });
});
