// The Markdown editor as a writer uses it: it fills the screen, its toolbar
// works by keyboard alone, the preview follows the text, "@" and "[[" offer
// people and pages, it works without JavaScript, and the Q&A forms use it too;
// axe-core with the preview and with the suggestions open, at 1280 and 360 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseURL, checkA11y, createAgency, createPerson, createSpace, launch, screenshot, signIn, unique, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const text = (page) => page.locator('#f-body').inputValue();

// Wait until the text area's value passes check: the editor changes it
// through the browser's editing commands, after key presses.
async function waitForText(page, check, what) {
  const until = Date.now() + 10_000;
  let v = await text(page);
  while (!check(v)) {
    if (Date.now() > until) assert.fail(`${what}: the text is ${JSON.stringify(v)}`);
    await page.waitForTimeout(50);
    v = await text(page);
  }
}

async function inViewport(locator, height = 800) {
  const box = await locator.boundingBox();
  return box !== null && box.y < height && box.y + box.height > 0;
}

for (const width of [1280, 360]) {
  test(`the editor at ${width}px: toolbar, live preview, suggestions, accessibility`, { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const writer = createPerson({ agency });
    const colleague = createPerson({ agency, name: `Cornelia ${unique('k').replace(/[^a-z]/g, '')}` });
    await withPage(browser, { width }, `editor-${width}`, async (page) => {
      await signIn(page, writer, '/bereiche/neu');
      const spacePath = await createSpace(page, `Referat ${unique('r')}`);
      // The colleague invited to answer below must be able to read the
      // question: an invitation nobody can read is refused.
      await page.goto(`${spacePath}/einstellungen`);
      await page.getByLabel('Person oder Gruppe').fill(colleague.handle);
      await page.getByRole('button', { name: 'Hinzufügen', exact: true }).click();
      await page.locator('#mitglieder').getByText(`@${colleague.handle}`).waitFor();
      await page.goto(`${spacePath}/neu`);
      await page.getByLabel('Titel').fill('Reisekostenrecht');
      await page.getByLabel('Text (Markdown)').fill('Grundlagen.');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: 'Reisekostenrecht' }).waitFor();

      await page.goto(`${spacePath}/neu`);
      const area = page.locator('#f-body');
      if (width === 1280) {
        const box = await area.boundingBox();
        assert.ok(box.height >= 400, `the text area is ${box.height}px tall in an 800px window`);
      } else {
        const box = await area.boundingBox();
        assert.ok(box.width <= 360 && box.height >= 200, `the text area at 360px: ${JSON.stringify(box)}`);
      }

      // The toolbar by keyboard alone: Tab from the title into it, arrow to
      // "Fett", Enter; the text area has the focus again with the markup.
      await page.getByLabel('Titel').fill('Dienstreise');
      await page.getByLabel('Titel').focus();
      await page.keyboard.press('Tab');
      const toolbar = page.getByRole('toolbar', { name: 'Textformatierung' });
      assert.equal(await toolbar.evaluate((el) => el.contains(document.activeElement)), true, 'Tab leads into the toolbar');
      await page.keyboard.press('ArrowRight');
      const focused = await page.evaluate(() => document.activeElement.textContent.trim());
      assert.match(focused, /Fett/);
      await page.keyboard.press('Enter');
      await waitForText(page, (v) => /\*\*fetter Text\*\*/.test(v), 'bold by keyboard');
      assert.equal(await page.evaluate(() => document.activeElement.id), 'f-body', 'the text area keeps the focus');
      // Typing goes on where the sample text was selected.
      await page.keyboard.type('Reiseantrag');
      await waitForText(page, (v) => v.includes('**Reiseantrag**'), 'typing over the selected sample');

      // The live preview follows the text.
      await area.press('End');
      await area.pressSequentially('\n\n## Ablauf der Reise\n');
      if (width === 360) await page.getByRole('button', { name: 'Vorschau' }).click();
      await page.locator('#f-body-preview h2', { hasText: 'Ablauf der Reise' }).waitFor();
      await page.locator('#f-body-preview strong', { hasText: 'Reiseantrag' }).waitFor();
      await checkA11y(page, `editor with preview ${width}`);
      await screenshot(page, `editor-preview-${width}`);
      if (width === 360) {
        await page.getByRole('button', { name: 'Vorschau' }).click();
        await area.waitFor({ state: 'visible' });
      }

      // "@" offers a colleague; Enter writes the handle.
      await area.focus();
      await area.press('End');
      await area.pressSequentially(`Fragen an @${colleague.handle.slice(0, -1)}`);
      const option = page.locator('#f-body-suggest').getByRole('option', { name: new RegExp(colleague.name) });
      await option.waitFor();
      assert.ok(await area.getAttribute('aria-activedescendant'), 'the text area names the active option');
      await page.locator('#f-body-suggest-status').filter({ hasText: /Vorschl/ }).waitFor();
      await checkA11y(page, `editor with suggestions ${width}`);
      await screenshot(page, `editor-suggestions-${width}`);
      await area.press('ArrowDown');
      await area.press('ArrowUp');
      const chosen = await page.locator('[role="option"][aria-selected="true"]').textContent();
      if (!chosen.includes(colleague.name)) {
        // The writer is suggested too (same agency); pick the colleague.
        await area.press('ArrowDown');
      }
      await area.press('Enter');
      await waitForText(page, (v) => /@person-\S+ $/.test(v), 'the handle after Enter');
      assert.ok((await text(page)).endsWith(`@${colleague.handle} `), `handle inserted: ${await text(page)}`);
      assert.equal(await page.getByRole('listbox').isVisible(), false, 'the list closes after the choice');

      // "[[" offers pages; Escape closes, Enter takes.
      await area.pressSequentially('und [[Reisek');
      await page.locator('#f-body-suggest').getByRole('option', { name: /Reisekostenrecht/ }).waitFor();
      await area.press('Escape');
      assert.equal(await page.getByRole('listbox').isVisible(), false, 'Escape closes the list');
      await area.pressSequentially('o');
      await page.locator('#f-body-suggest').getByRole('option', { name: /Reisekostenrecht/ }).waitFor();
      await area.press('Enter');
      await waitForText(page, (v) => v.endsWith('und [[Reisekostenrecht]]'), 'the wiki link after Enter');

      // The page saves what the editor wrote.
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: 'Dienstreise' }).waitFor();
      await page.locator('.markdown strong', { hasText: 'Reiseantrag' }).waitFor();
      await page.locator('.markdown a', { hasText: 'Reisekostenrecht' }).first().waitFor();

      // The ask form and the answer box use the same editor.
      await page.goto('/fragen/neu');
      await page.locator('[data-editor] [role="toolbar"]').waitFor();
      await page.getByLabel('Ihre Frage in einem Satz').fill('Wie rechne ich eine Dienstreise ab?');
      await page.getByLabel(/Einzelheiten/).fill('Mit _Belegen_?');
      await page.locator('#f-body-preview em', { hasText: 'Belegen' }).waitFor({ state: 'attached' });
      await page.getByRole('button', { name: 'Frage stellen' }).click();
      await page.getByRole('heading', { level: 1, name: 'Wie rechne ich eine Dienstreise ab?' }).waitFor();
      const answer = page.locator('form[action*="/antworten"]');
      await answer.locator('[data-editor] [role="toolbar"]').waitFor();
      await answer.getByLabel(/Antwort/).first().fill('Mit dem **Formular**.');
      await answer.locator('.editor-preview strong', { hasText: 'Formular' }).waitFor({ state: 'attached' });

      // The person picker serves the invitation to answer: a combobox on
      // the handle field, with the same people.
      const invitee = page.getByRole('combobox', { name: /Person zum Antworten einladen/ });
      await invitee.pressSequentially(colleague.handle.slice(0, -1));
      await page.locator('#f-handle-suggest').getByRole('option', { name: new RegExp(colleague.name) }).click();
      assert.equal(await invitee.inputValue(), colleague.handle);
      await page.getByRole('button', { name: 'Einladen', exact: true }).click();
      await page.getByText('Die Einladung ist verschickt.').waitFor();
    });
  });
}

test('without JavaScript the preview keeps the text and the editor in view', { timeout: 120_000 }, async () => {
  const writer = createPerson({ agency: createAgency() });
  const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  try {
    await signIn(page, writer, '/bereiche/neu');
    const spacePath = await createSpace(page, `Referat ${unique('r')}`);
    await page.goto(`${spacePath}/neu`);
    await page.getByLabel('Titel').fill('Ohne Skript');
    await page.getByLabel('Text (Markdown)').fill('Ein **kräftiges** Wort.');
    await page.getByRole('button', { name: 'Vorschau' }).click();
    await page.waitForURL(/#f-body-editor$/);
    await page.locator('.preview strong', { hasText: 'kräftiges' }).waitFor();
    assert.equal(await page.getByLabel('Titel').inputValue(), 'Ohne Skript');
    assert.equal(await page.locator('#f-body').inputValue(), 'Ein **kräftiges** Wort.');
    assert.ok(await inViewport(page.locator('#f-body')), 'the text area is in view after the preview');
    assert.ok(await inViewport(page.locator('.preview strong')), 'the preview is in view beside it');
    await screenshot(page, 'editor-preview-without-javascript');
  } finally {
    await context.close();
  }
});
