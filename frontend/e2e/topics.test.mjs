// The topic tree and the glossary, curated by a knowledge manager and
// browsed by everyone, with axe-core on every page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createAgency, createPerson, launch, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('topics and glossary', () => {
  test('a knowledge manager curates the tree and the glossary; pages pass axe at 1280 and 360 px', { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const manager = createPerson({ agency, roles: ['knowledge-manager'] });
    const member = createPerson({ agency });
    const tag = unique('t').replace(/[^a-z0-9]/gi, '').slice(-8);
    const parentName = `Digitalisierung ${tag}`;
    const childName = `Onlinezugang ${tag}`;
    const renamed = `Onlinezugangsgesetz ${tag}`;
    const synonym = `OZG ${tag}`;
    const term = `Ärztliches Attest ${tag}`;
    let topicPath;
    let termSlug;

    await withPage(browser, { width: 1280 }, 'topics-manager', async (page) => {
      await signIn(page, manager, '/themen/verwalten');
      await visit(page, '/themen/verwalten', 'topics-manage-empty-1280');
      await page.getByRole('link', { name: 'Neues Thema' }).click();
      await page.getByLabel('Name', { exact: true }).fill(parentName);
      await page.getByRole('button', { name: 'Thema anlegen' }).click();
      await page.getByRole('heading', { level: 1, name: `Thema bearbeiten: ${parentName}` }).waitFor();

      // A subtopic; an empty name is refused first, with nothing lost.
      await page.goto('/themen/verwalten/neu');
      await page.getByLabel('Übergeordnetes Thema').selectOption({ label: parentName });
      await page.getByLabel('Synonyme').fill(synonym);
      await page.getByRole('button', { name: 'Thema anlegen' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Synonyme').inputValue(), synonym);
      await page.getByLabel('Name', { exact: true }).fill(childName);
      await page.getByRole('button', { name: 'Thema anlegen' }).click();
      await page.getByRole('heading', { level: 1, name: `Thema bearbeiten: ${childName}` }).waitFor();
      const editPath = new URL(page.url()).pathname;
      await visit(page, editPath, 'topics-edit-1280');

      // Rename: the address stays.
      await page.getByLabel('Name', { exact: true }).fill(renamed);
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: `Thema bearbeiten: ${renamed}` }).waitFor();
      assert.equal(new URL(page.url()).pathname, editPath);
      topicPath = editPath.replace('/themen/verwalten/', '/themen/');

      // A synonym that another topic already has is refused with a clear message.
      await page.getByLabel('Neues Synonym').fill(parentName.toUpperCase());
      await page.getByRole('button', { name: 'Synonym hinzufügen' }).click();
      await page.getByText(`ist bereits Name oder Synonym des Themas „${parentName}“`).first().waitFor();

      // A glossary term with an abbreviation.
      await page.goto('/glossar/verwalten/neu');
      await page.getByLabel('Begriff').fill(term);
      await page.getByLabel('Abkürzungen').fill('AA');
      await page.getByLabel('Erklärung').fill('Eine Bescheinigung einer Ärztin oder eines Arztes.');
      await page.getByRole('button', { name: 'Begriff anlegen' }).click();
      await page.getByRole('heading', { level: 1, name: `Begriff bearbeiten: ${term}` }).waitFor();
      termSlug = new URL(page.url()).pathname.split('/').pop();
    });

    for (const width of [1280, 360]) {
      await withPage(browser, { width }, `topics-pages-${width}`, async (page) => {
        await signIn(page, manager, '/themen');
        await visit(page, '/themen', `topics-tree-${width}`);
        await page.getByRole('link', { name: parentName }).waitFor();
        await visit(page, `/themen?q=${encodeURIComponent(renamed)}`, `topics-tree-filtered-${width}`);
        await page.getByRole('link', { name: renamed }).waitFor();
        await visit(page, topicPath, `topics-show-${width}`);
        await page.getByRole('heading', { level: 1, name: renamed }).waitFor();
        await page.getByText(synonym).first().waitFor();
        await page.getByRole('navigation', { name: 'Themenpfad' }).getByRole('link', { name: parentName }).waitFor();
        await visit(page, '/themen/verwalten', `topics-manage-${width}`);
        await visit(page, topicPath.replace('/themen/', '/themen/verwalten/'), `topics-edit-${width}`);
        await visit(page, '/themen/verwalten/neu', `topics-new-${width}`);
        await visit(page, '/glossar', `glossary-${width}`);
        await page.locator(`dt#${termSlug}`).getByText('AA').waitFor();
        await page.getByRole('navigation', { name: 'Glossar nach Anfangsbuchstaben' }).getByRole('link', { name: 'A', exact: true }).waitFor();
        await visit(page, '/glossar/verwalten', `glossary-manage-${width}`);
        await visit(page, `/glossar/verwalten/${termSlug}`, `glossary-edit-${width}`);
      });
    }

    await withPage(browser, { width: 1280 }, 'topics-member', async (page) => {
      await signIn(page, member, '/themen');
      await visit(page, '/themen', 'topics-tree-member');
      const res = await page.goto('/themen/verwalten');
      assert.equal(res.status(), 404);
      const glossary = await page.goto('/glossar/verwalten');
      assert.equal(glossary.status(), 404);
      await visit(page, '/glossar', 'glossary-member');
    });
  });
});
