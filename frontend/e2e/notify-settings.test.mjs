// The notification settings, as a person uses them with the keyboard
// alone: reach the page from the account page, choose how mentions and
// watched items arrive, give a Matrix ID; a malformed one is refused with
// the form refilled and the error announced; axe-core at 1280 and 360 px.
// Also the space's chat settings and the one-click unsubscribe page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPerson, createSpace, launch, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// Tab until the element matching selector has the focus.
async function tabTo(page, selector, what) {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s), selector)) return;
  }
  assert.fail(`Tab never reached ${what}`);
}

for (const width of [1280, 360]) {
  test(`notification settings by keyboard at ${width}px`, { timeout: 120_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    await withPage(browser, { width }, `notify-settings-${width}`, async (page) => {
      await signIn(page, person, '/konto');
      await tabTo(page, 'a[href="/konto/benachrichtigungen"]', 'the link to the notification settings');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/konto/benachrichtigungen');
      await visit(page, '/konto/benachrichtigungen', `notify-settings-page-${width}`);

      // Defaults: mentions at once by e-mail, watched items daily.
      const mentionMail = page.getByRole('group', { name: 'Erwähnungen' }).getByLabel('Per E-Mail');
      assert.equal(await mentionMail.inputValue(), 'immediate');
      assert.equal(await page.getByRole('group', { name: 'Beobachtetes' }).getByLabel('Per E-Mail').inputValue(), 'daily');

      // A select is changed by keyboard: focus it, then arrow keys.
      await tabTo(page, '#f-watched-email', 'the e-mail choice for watched items');
      await page.keyboard.press('ArrowDown'); // daily → weekly
      await tabTo(page, '#f-matrix_id', 'the Matrix ID field');
      await page.keyboard.type('erika');
      await tabTo(page, 'form[action="/konto/benachrichtigungen"] button[type=submit]', 'the save button');
      await page.keyboard.press('Enter');
      await page.waitForLoadState('load');
      const summary = page.locator('#error-summary');
      assert.match(await summary.innerText(), /Matrix-ID hat die Form/);
      assert.equal(await page.locator('#f-matrix_id').inputValue(), 'erika', 'the form keeps what was typed');
      assert.equal(await page.locator('#f-watched-email').inputValue(), 'weekly', 'the form keeps the choices');
      assert.equal(await page.locator('#f-matrix_id').getAttribute('aria-invalid'), 'true');

      await page.locator('#f-matrix_id').fill('@erika.muster:matrix.example.org');
      await tabTo(page, 'form[action="/konto/benachrichtigungen"] button[type=submit]', 'the save button');
      await page.keyboard.press('Enter');
      await page.waitForURL('**/konto/benachrichtigungen?gespeichert=1');
      assert.match(await page.getByRole('status').innerText(), /gespeichert/);
      assert.equal(await page.locator('#f-watched-email').inputValue(), 'weekly');
      assert.equal(await page.locator('#f-matrix_id').inputValue(), '@erika.muster:matrix.example.org');
      await visit(page, '/konto/benachrichtigungen?gespeichert=1', `notify-settings-saved-${width}`);
    });
  });

  test(`a space's chat room and video link at ${width}px`, { timeout: 120_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    await withPage(browser, { width }, `space-chat-${width}`, async (page) => {
      await signIn(page, person, '/bereiche/neu');
      const spacePath = await createSpace(page, `Projekt Chat ${unique('c')}`);
      await page.goto(`${spacePath}/einstellungen`);
      await page.getByLabel('Matrix-Raum').fill('kein Raum');
      await page.getByLabel('Link zur Videokonferenz').fill('https://jitsi.example.org/projekt');
      await page.getByRole('button', { name: 'Chatraum speichern' }).click();
      await page.waitForLoadState('load');
      assert.match(await page.locator('#error-summary').innerText(), /!id:server oder #alias:server/);
      assert.equal(await page.getByLabel('Link zur Videokonferenz').inputValue(), 'https://jitsi.example.org/projekt');
      await page.getByLabel('Matrix-Raum').fill('#projekt-chat:matrix.example.org');
      await page.getByRole('button', { name: 'Chatraum speichern' }).click();
      await page.waitForURL('**/einstellungen?gespeichert=1#chat');
      assert.equal(await page.getByLabel('Matrix-Raum').inputValue(), '#projekt-chat:matrix.example.org');
      await visit(page, `${spacePath}/einstellungen`, `space-chat-settings-${width}`);
      await visit(page, spacePath, `space-chat-home-${width}`);
      assert.equal(await page.getByRole('link', { name: 'Zum Chatraum' }).getAttribute('href'), 'https://matrix.to/#/%23projekt-chat:matrix.example.org');
      assert.equal(await page.getByRole('link', { name: 'Zur Videokonferenz' }).getAttribute('href'), 'https://jitsi.example.org/projekt');
    });
  });
}
