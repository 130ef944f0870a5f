// The wiki as a person uses it: a space, a page with a wiki link, a table and an
// image, edits, history, diff, restore, backlinks, the review queue; axe-core on
// every page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPage, createPerson, createSpace, launch, png, screenshot, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

for (const width of [1280, 360]) {
  test(`write, attach, edit, compare, restore and find backlinks at ${width}px`, { timeout: 180_000 }, async () => {
    const person = createPerson({ agency: createAgency(), roles: ['knowledge-manager'] });
    await withPage(browser, { width }, `wiki-${width}`, async (page) => {
      await signIn(page, person, '/bereiche');
      const spacePath = await createSpace(page, `Referat ${unique('r')}`);

      // The link target first, so that the link resolves.
      const targetPath = await createPage(page, spacePath, 'Reisekostenrecht', 'Grundlagen des Reisekostenrechts.');

      await page.goto(`${spacePath}/neu`);
      await visit(page, `${spacePath}/neu`, `wiki-new-${width}`);
      await page.getByLabel('Titel').fill('Dienstreise beantragen');
      const first = [
        '## Ablauf',
        '',
        'Siehe [[Reisekostenrecht]] und [[Gibt es noch nicht]].',
        '',
        '| Schritt | Wer |',
        '| --- | --- |',
        '| Antrag | Beschäftigte |',
        '| Genehmigung | Vorgesetzte |',
        '',
        '![Ablaufskizze](bild.png)',
      ].join('\n');
      await page.getByLabel('Text (Markdown)').fill(first);
      // The preview shows the rendered table without saving.
      await page.getByRole('button', { name: 'Vorschau' }).click();
      await page.getByRole('heading', { name: 'Vorschau', level: 2 }).waitFor();
      await page.locator('.preview table').waitFor();
      assert.equal(await page.locator('.preview table').count(), 1);
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dienstreise beantragen' }).waitFor();
      const pagePath = new URL(page.url()).pathname;

      assert.equal(await page.locator('.markdown table').count(), 1, 'the table is rendered');
      assert.equal(await page.locator('.markdown a.wikilink:not(.wikilink--missing)', { hasText: 'Reisekostenrecht' }).getAttribute('href'), targetPath);
      assert.equal(await page.locator('.markdown a.wikilink--missing').count(), 1, 'the missing page is marked');

      await page.getByLabel('Datei anhängen').setInputFiles({ name: 'bild.png', mimeType: 'image/png', buffer: png });
      await page.getByRole('button', { name: 'Hochladen' }).click();
      await page.getByRole('link', { name: 'bild.png' }).waitFor();
      const imageURL = await page.getByRole('link', { name: 'bild.png' }).getAttribute('href');
      const image = await page.request.get(imageURL);
      assert.equal(image.status(), 200);
      assert.equal(image.headers()['content-type'], 'image/png');
      await visit(page, pagePath, `wiki-view-${width}`);

      // Edit: the image now points at the attachment.
      await page.getByRole('link', { name: 'Bearbeiten' }).first().click();
      await visit(page, `${pagePath}/bearbeiten`, `wiki-edit-${width}`);
      await page.getByLabel('Text (Markdown)').fill(first.replace('(bild.png)', `(${imageURL})`).replace('Vorgesetzte', 'Referatsleitung'));
      await page.getByLabel('Kurze Beschreibung der Änderung').fill('Genehmigung durch die Referatsleitung');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('cell', { name: 'Referatsleitung' }).waitFor();
      assert.equal(await page.locator('.markdown img').evaluate((img) => img.complete && img.naturalWidth), 1, 'the attached image shows inline');

      // History and diff.
      await page.getByRole('link', { name: 'Versionen' }).first().click();
      await visit(page, `${pagePath}/versionen`, `wiki-history-${width}`);
      await page.getByRole('button', { name: 'Ausgewählte Versionen vergleichen' }).click();
      await page.locator('del', { hasText: 'Vorgesetzte' }).waitFor();
      await page.locator('ins', { hasText: 'Referatsleitung' }).first().waitFor();
      await visit(page, page.url().replace(/^https?:\/\/[^/]+/, ''), `wiki-diff-${width}`);

      // Restore the first revision: a third revision with the first text.
      await page.goto(`${pagePath}/versionen/1`);
      await visit(page, `${pagePath}/versionen/1`, `wiki-revision-${width}`);
      await page.getByRole('button', { name: 'Version 1 wiederherstellen' }).click();
      await page.getByRole('cell', { name: 'Vorgesetzte' }).waitFor();
      await page.goto(`${pagePath}/versionen`);
      assert.equal(await page.getByRole('rowheader').count(), 3, 'restoring added a revision');

      // The page is among the backlinks of its link target.
      await page.goto(targetPath);
      const backlinks = page.getByRole('region', { name: 'Seiten, die hierher verweisen' }).or(page.locator('section', { has: page.getByRole('heading', { name: 'Seiten, die hierher verweisen' }) }));
      await backlinks.getByRole('link', { name: 'Dienstreise beantragen' }).first().click();
      await page.waitForURL((u) => u.pathname === pagePath);

      // The review queue of a knowledge manager.
      await visit(page, '/pruefung', `wiki-review-${width}`);
      await visit(page, spacePath, `wiki-space-${width}`);
    });
  });
}

test('the editor keeps the text and shows both versions on a conflict', { timeout: 90_000 }, async () => {
  const agency = createAgency();
  const person = createPerson({ agency });
  await withPage(browser, { width: 1280 }, 'wiki-conflict', async (page) => {
    await signIn(page, person, '/bereiche');
    const spacePath = await createSpace(page, `Konflikt ${unique('k')}`);
    const pagePath = await createPage(page, spacePath, 'Urlaubsplanung', 'Erste Fassung.');
    await page.goto(`${pagePath}/bearbeiten`);
    // Someone else saves meanwhile (the same person in a second tab).
    const other = await page.context().newPage();
    await other.goto(`${pagePath}/bearbeiten`);
    await other.getByLabel('Text (Markdown)').fill('Fassung aus dem anderen Tab.');
    await other.getByRole('button', { name: 'Speichern' }).click();
    await other.getByText('Fassung aus dem anderen Tab.').waitFor();
    await other.close();

    await page.getByLabel('Text (Markdown)').fill('Meine eigene Fassung.');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('heading', { name: `Ihre Änderungen überschneiden sich mit denen von ${person.name}` }).waitFor();
    // The form holds both versions, the person's own first; both are shown side by side.
    assert.equal(await page.getByLabel('Text (mit beiden Fassungen der überschneidenden Stellen)').inputValue(), 'Meine eigene Fassung.\n\nFassung aus dem anderen Tab.\n');
    await page.locator('.conflict-part pre', { hasText: 'Fassung aus dem anderen Tab.' }).waitFor();
    await page.locator('.conflict-part pre', { hasText: 'Meine eigene Fassung.' }).waitFor();
    await checkA11y(page, 'the conflict page');
    await screenshot(page, 'wiki-conflict');
  });
});
