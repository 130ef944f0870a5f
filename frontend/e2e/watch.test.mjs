// Watching by keyboard alone: a page, its space and a topic each have one
// watch button; focusing it and pressing Enter (or Space) starts watching,
// the button then says so, and the same key stops it again. axe-core runs
// on every page in both states at both widths.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPage, createPerson, createSpace, launch, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// toggle focuses the button named from, presses key and waits for the
// page to come back with the button named to, focused by keyboard again.
async function toggle(page, from, to, key) {
  const button = page.getByRole('button', { name: from, exact: true });
  await button.focus();
  assert.equal(await button.evaluate((el) => el === document.activeElement), true, `${from} takes the focus`);
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/beobachten'),
    page.keyboard.press(key),
  ]);
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: to, exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: from, exact: true }).count(), 0, `${from} is gone once pressed`);
}

test('watch and unwatch a page, a space and a topic by keyboard', { timeout: 180_000 }, async () => {
  const agency = createAgency();
  // The writer of the page watches it already; a colleague does the watching.
  const writer = createPerson({ agency, roles: ['admin', 'knowledge-manager'] });
  const person = createPerson({ agency });
  const tag = unique('w').replace(/[^a-z0-9]/gi, '').slice(-8);
  let spacePath;
  let pagePath;
  let topicPath;

  await withPage(browser, { width: 1280 }, 'watch-setup', async (page) => {
    await signIn(page, writer, '/bereiche/neu');
    spacePath = await createSpace(page, `Beobachtungsbereich ${tag}`, { visibility: 'organisation' });
    pagePath = await createPage(page, spacePath, `Beobachtete Seite ${tag}`, 'Ein Text, den jemand verfolgt.');
    await page.goto('/themen/verwalten/neu');
    await page.getByLabel('Name', { exact: true }).fill(`Beobachtungsthema ${tag}`);
    await page.getByRole('button', { name: 'Thema anlegen' }).click();
    await page.getByRole('heading', { level: 1, name: `Thema bearbeiten: Beobachtungsthema ${tag}` }).waitFor();
    topicPath = '/themen/' + new URL(page.url()).pathname.split('/').filter(Boolean).pop();
  });

  const items = [
    { name: 'page', path: () => pagePath, watch: 'Seite beobachten', unwatch: 'Seite nicht mehr beobachten' },
    { name: 'space', path: () => spacePath, watch: 'Bereich beobachten', unwatch: 'Bereich nicht mehr beobachten' },
    { name: 'topic', path: () => topicPath, watch: 'Thema beobachten', unwatch: 'Thema nicht mehr beobachten' },
  ];
  for (const [width, key] of [
    [1280, 'Enter'],
    [360, 'Space'],
  ]) {
    await withPage(browser, { width }, `watch-${width}`, async (page) => {
      await signIn(page, person, pagePath);
      for (const item of items) {
        await visit(page, item.path(), `watch-${item.name}-${width}`);
        await toggle(page, item.watch, item.unwatch, key);
        assert.equal(new URL(page.url()).pathname, item.path(), 'watching comes back to the same page');
        await checkA11y(page, `watch-${item.name}-watching-${width}`);
        await toggle(page, item.unwatch, item.watch, key);
        await checkA11y(page, `watch-${item.name}-unwatched-${width}`);
      }
    });
  }
});
