// The main tasks with the keyboard alone: asking a question, answering it
// (as a colleague) and editing a wiki page, each from the page a person starts
// on, with Tab, Shift+Tab, arrow keys, Enter and typing; no clicks. Setting
// up (signing in, a space, its members, a page) uses the shared helpers.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPage, createPerson, createSpace, launch, signIn, unique, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Presses Tab (or Shift+Tab) until the focused element matches selector. */
async function tabTo(page, selector, what, { back = false, max = 120 } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  assert.fail(`${back ? 'Shift+Tab' : 'Tab'} never reached ${what}`);
}

/** Chooses an option of the focused select with the arrow keys. */
async function chooseWithArrows(page, label) {
  const texts = await page.evaluate(() => [...document.activeElement.options].map((o) => o.text));
  const target = texts.indexOf(label);
  assert.ok(target >= 0, `no option ${label} in ${texts.join(', ')}`);
  await page.keyboard.press('Home');
  for (let i = 0; i < target; i++) await page.keyboard.press('ArrowDown');
  assert.equal(await page.evaluate(() => document.activeElement.selectedOptions[0]?.text), label);
}

const focused = (page) => page.evaluate(() => document.activeElement?.id ?? '');

for (const width of [1280, 360]) {
  test(`ask, answer and edit a page with the keyboard alone at ${width}px`, { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const asker = createPerson({ agency });
    const colleague = createPerson({ agency });
    const spaceName = `Tastatur ${unique('k')}`;
    const title = `Wie beantrage ich Bildungsurlaub ${unique('q')}`;
    const answer = 'Mit dem Antrag im Personalportal, sechs Wochen vorher.';
    let question;
    let pagePath;

    await withPage(browser, { width }, `keyboard-asker-${width}`, async (page) => {
      await signIn(page, asker, '/bereiche/neu');
      const spacePath = await createSpace(page, spaceName);
      await page.goto(`${spacePath}/einstellungen`);
      await page.getByLabel('Person oder Gruppe', { exact: true }).fill(colleague.handle);
      await page.getByRole('button', { name: 'Hinzufügen' }).click();
      await page.getByRole('rowheader', { name: new RegExp(colleague.name) }).waitFor();
      pagePath = await createPage(page, spacePath, `Urlaub ${unique('p')}`, 'Der erste Absatz.');

      // Ask: from the board's list to the form, fill it in, send it.
      await page.goto('/fragen');
      await tabTo(page, 'a[href="/fragen/neu"]', 'the link to ask a question');
      await Promise.all([page.waitForURL('**/fragen/neu'), page.keyboard.press('Enter')]);
      await tabTo(page, '#f-title', 'the title field');
      await page.keyboard.type(title);
      await tabTo(page, '#f-body', 'the text of the question');
      await page.keyboard.type('Wie lange vorher muss ich ihn stellen?');
      await tabTo(page, '#f-space', 'the space');
      await chooseWithArrows(page, spaceName);
      await tabTo(page, 'button[value="ask"]', 'the button to ask');
      await Promise.all([page.waitForURL((u) => /^\/fragen\/\d+$/.test(u.pathname)), page.keyboard.press('Enter')]);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      question = new URL(page.url()).pathname;
    });

    // Answer, as the colleague.
    await withPage(browser, { width }, `keyboard-answer-${width}`, async (page) => {
      await signIn(page, colleague, question);
      await tabTo(page, 'form[action*="/antworten"] textarea', 'the answer field');
      await page.keyboard.type(answer);
      await tabTo(page, 'form[action*="/antworten"] button.kern-btn--primary', 'the button to send the answer');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      await page.locator('article.answer', { hasText: answer }).waitFor();
      assert.equal(new URL(page.url()).pathname, question);
    });

    // Edit the page: the "Bearbeiten" link, the end of the text, "Speichern".
    await withPage(browser, { width }, `keyboard-edit-${width}`, async (page) => {
      await signIn(page, asker, pagePath);
      await tabTo(page, `a[href="${pagePath}/bearbeiten"]`, 'the link to edit the page');
      await Promise.all([page.waitForURL(`**${pagePath}/bearbeiten`), page.keyboard.press('Enter')]);
      await tabTo(page, '#f-body', 'the text of the page');
      await page.keyboard.press('Control+End');
      await page.keyboard.type('\nEin zweiter Absatz, mit der Tastatur geschrieben.');
      await tabTo(page, 'button[value="save"]', 'the button to save');
      // Going back with Shift+Tab reaches the text again: the order runs both ways.
      await tabTo(page, '#f-body', 'the text, backwards', { back: true });
      assert.equal(await focused(page), 'f-body');
      await tabTo(page, 'button[value="save"]', 'the button to save');
      await Promise.all([page.waitForURL((u) => u.pathname === pagePath), page.keyboard.press('Enter')]);
      await page.getByText('Ein zweiter Absatz, mit der Tastatur geschrieben.').waitFor();
    });
  });
}
