// Two people edit the same page at once. Changes to different paragraphs
// are merged without a conflict screen; changes to the same paragraph show
// both versions side by side, and saving the conflict form as it comes
// keeps both texts. A new page shows that it is not reviewed yet. axe-core
// on the conflict page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPerson, launch, newPage, screenshot, signIn, unique } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const text = ['Erster Absatz über Fristen.', 'Zweiter Absatz über Zuständigkeiten.', 'Dritter Absatz über Rückfragen.'].join('\n\n');

async function openEditor(page, pagePath) {
  await page.goto(`${pagePath}/bearbeiten`);
  return page.getByLabel('Text (Markdown)');
}

async function change(page, field, from, to) {
  const value = await field.inputValue();
  assert.ok(value.includes(from), `the editor lacks ${from}`);
  await field.fill(value.replace(from, to));
}

test('concurrent edits are merged; overlapping ones keep both texts', { timeout: 180_000 }, async () => {
  const agency = createAgency();
  const anna = createPerson({ agency });
  const bernd = createPerson({ agency });
  const a = await newPage(browser, { width: 1280 });
  const b = await newPage(browser, { width: 1280 });
  try {
    await signIn(a, anna, '/bereiche/neu');
    const spaceName = `Bauamt ${unique('b')}`;
    await a.getByLabel('Name', { exact: true }).fill(spaceName);
    await a.getByLabel('Privat').check();
    await a.getByRole('button', { name: 'Bereich anlegen' }).click();
    await a.getByRole('heading', { level: 1, name: spaceName }).waitFor();
    const spacePath = new URL(a.url()).pathname;
    await a.getByRole('link', { name: 'Einstellungen' }).click();
    await a.getByLabel('Person oder Gruppe', { exact: true }).fill(bernd.handle);
    await a.getByRole('button', { name: 'Hinzufügen' }).click();
    await a.getByRole('rowheader', { name: new RegExp(bernd.name) }).waitFor();

    await a.goto(`${spacePath}/neu`);
    await a.getByLabel('Titel').fill('Fristen im Bauamt');
    await a.getByLabel('Text (Markdown)').fill(text);
    await a.getByRole('button', { name: 'Speichern' }).click();
    await a.getByRole('heading', { level: 1, name: 'Fristen im Bauamt' }).waitFor();
    const pagePath = new URL(a.url()).pathname;
    // Nobody has confirmed the new page yet.
    await a.getByText('Nicht geprüft').waitFor();
    assert.equal(await a.getByText('gültig bis').count(), 0, 'a new page claims to be reviewed');

    // Both open the editor; each changes a different paragraph.
    await signIn(b, bernd, pagePath);
    const fieldA = await openEditor(a, pagePath);
    const fieldB = await openEditor(b, pagePath);
    await change(a, fieldA, 'Erster Absatz', 'Erster Absatz (von Anna)');
    await change(b, fieldB, 'Dritter Absatz', 'Dritter Absatz (von Bernd)');
    await a.getByRole('button', { name: 'Speichern' }).click();
    await a.getByRole('heading', { level: 1, name: 'Fristen im Bauamt' }).waitFor();
    await b.getByRole('button', { name: 'Speichern' }).click();
    await b.getByRole('heading', { level: 1, name: 'Fristen im Bauamt' }).waitFor();
    assert.equal(new URL(b.url()).pathname, pagePath, 'the second save did not land on the page');
    await b.locator('#merged').getByText(`mit den Änderungen von ${anna.name}`).waitFor();
    await b.locator('.markdown').getByText('Erster Absatz (von Anna)').waitFor();
    await b.locator('.markdown').getByText('Dritter Absatz (von Bernd)').waitFor();

    // Both change the same paragraph.
    const againA = await openEditor(a, pagePath);
    const againB = await openEditor(b, pagePath);
    await change(a, againA, 'Zweiter Absatz über Zuständigkeiten.', 'Zuständig ist Referat 2 (Anna).');
    await change(b, againB, 'Zweiter Absatz über Zuständigkeiten.', 'Zuständig ist Referat 3 (Bernd).');
    await a.getByRole('button', { name: 'Speichern' }).click();
    await a.getByRole('heading', { level: 1, name: 'Fristen im Bauamt' }).waitFor();
    await b.getByRole('button', { name: 'Speichern' }).click();
    await b.getByRole('heading', { name: new RegExp(`überschneiden sich mit denen von ${anna.name}`) }).waitFor();
    const parts = b.locator('.conflict-part');
    assert.equal(await parts.count(), 1, 'one overlapping part');
    await parts.locator('pre', { hasText: 'Referat 3 (Bernd)' }).waitFor();
    await parts.locator('pre', { hasText: 'Referat 2 (Anna)' }).waitFor();
    await parts.getByText(new RegExp(`Fassung von ${anna.name} \\(Version 4\\)`)).waitFor();
    const merged = await b.locator('textarea[name="body"]').inputValue();
    for (const want of ['Erster Absatz (von Anna)', 'Referat 2 (Anna)', 'Referat 3 (Bernd)', 'Dritter Absatz (von Bernd)']) {
      assert.ok(merged.includes(want), `the conflict form's text lacks ${want}`);
    }
    assert.equal(await b.getByRole('button', { name: 'Zusammengeführten Text speichern' }).count(), 0);
    await checkA11y(b, 'conflict page at 1280px');
    await screenshot(b, 'merge-conflict-1280');
    await b.setViewportSize({ width: 360, height: 800 });
    await checkA11y(b, 'conflict page at 360px');
    await screenshot(b, 'merge-conflict-360');

    // The default action keeps both texts.
    await b.getByRole('button', { name: 'Mit beiden Fassungen speichern' }).click();
    await b.getByRole('heading', { level: 1, name: 'Fristen im Bauamt' }).waitFor();
    await b.locator('.markdown').getByText('Referat 2 (Anna)').waitFor();
    await b.locator('.markdown').getByText('Referat 3 (Bernd)').waitFor();
  } finally {
    await a.context().close();
    await b.context().close();
  }
});
