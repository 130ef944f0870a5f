// Pages keep their identity: a save from an editor opened before a moderator
// moved the page lands on the moved page and says so; a page renamed while
// three pages in two spaces link to it is still where every link leads.
// axe-core on the pages shown, at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPage, createPerson, createSpace, launch, newPage, screenshot, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const slugOf = (spacePath) => spacePath.split('/').pop();

for (const width of [1280, 360]) {
  test(`a save after a move lands on the moved page; a renamed page keeps its links at ${width}px`, { timeout: 240_000 }, async () => {
    const agency = createAgency();
    const moderator = createPerson({ agency, roles: ['admin'] });
    const colleague = createPerson({ agency });
    await withPage(browser, { width }, `links-${width}`, async (page) => {
      await signIn(page, moderator, '/bereiche');
      const from = await createSpace(page, `Referat ${unique('a')}`, { visibility: 'organisation' });
      const to = await createSpace(page, `Zentrale ${unique('b')}`, { visibility: 'organisation' });
      const pagePath = await createPage(page, from, 'Umzugsplanung', 'Erste Fassung.');

      // The colleague opens the editor before the move.
      const other = await newPage(browser, { width });
      try {
        await signIn(other, colleague, `${pagePath}/bearbeiten`);
        await other.getByLabel('Text (Markdown)').fill('Die Fassung der Kollegin, geschrieben während des Umzugs.');

        await page.goto(`${pagePath}/verschieben?bereich=${slugOf(to)}`);
        await page.getByRole('button', { name: 'Verschieben', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Umzugsplanung' }).waitFor();
        const movedPath = new URL(page.url()).pathname;
        assert.ok(movedPath.startsWith(`${to}/seiten/`), `moved to ${movedPath}`);

        await other.getByRole('button', { name: 'Speichern' }).click();
        await other.getByRole('heading', { level: 1, name: 'Umzugsplanung' }).waitFor();
        assert.equal(new URL(other.url()).pathname, movedPath, 'the save lands on the moved page');
        await other.getByRole('status').filter({ hasText: 'Die Seite wurde inzwischen nach' }).waitFor();
        assert.match(await other.getByRole('status').filter({ hasText: 'verschoben' }).innerText(), /Ihre Änderungen sind dort gespeichert/);
        assert.equal(await other.locator('.markdown').innerText(), 'Die Fassung der Kollegin, geschrieben während des Umzugs.');
        await checkA11y(other, `links-moved-notice-${width}`);
        await screenshot(other, `links-moved-notice-${width}`);
      } finally {
        await other.context().close();
      }
      // One page, in the new space only.
      await page.goto(from);
      assert.equal(await page.locator('main a', { hasText: 'Umzugsplanung' }).count(), 0, 'no second page in the old space');

      // Three pages in two spaces link to a page that is then renamed.
      const target = await createPage(page, from, 'Reisekosten', 'Was erstattet wird.');
      const linkers = [
        await createPage(page, from, 'Dienstreise', 'Siehe [[Reisekosten]].'),
        await createPage(page, from, 'Fortbildung', 'Die [[Reisekosten|Kosten der Reise]] trägt das Amt.'),
        await createPage(page, to, 'Abrechnung', `Nach [[${slugOf(from)}:Reisekosten]].`),
      ];
      await page.goto(`${target}/bearbeiten`);
      await page.getByLabel('Titel').fill('Reise- und Spesenkosten');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reise- und Spesenkosten' }).waitFor();

      for (const [i, linker] of linkers.entries()) {
        await visit(page, linker, `links-linker-${i}-${width}`);
        assert.equal(await page.locator('.markdown a.wikilink--missing').count(), 0, `${linker} offers to create the page`);
        await page.locator('.markdown a.wikilink').click();
        await page.getByRole('heading', { level: 1, name: 'Reise- und Spesenkosten' }).waitFor();
        assert.equal(new URL(page.url()).pathname, target, `${linker} leads to the renamed page`);
      }
      for (const linker of linkers) {
        assert.equal(await page.locator(`a[href="${linker}"]`).count() > 0, true, `the backlinks list ${linker}`);
      }
      await checkA11y(page, `links-renamed-${width}`);
    });
  });
}
