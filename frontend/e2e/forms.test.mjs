// A rejected form as a person meets it: the browser lands back at the form's
// own address (post/redirect/get) with what was typed, the error summary has
// the focus and names each field, its links lead to the fields, the title
// says there are errors, and reloading sends nothing again. axe-core runs on
// the rejected form at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPerson, createSpace, launch, screenshot, signIn, unique, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const focusedId = (page) => page.evaluate(() => document.activeElement?.id ?? '');

async function questionsIn(page, spacePath) {
  const slug = spacePath.split('/').pop();
  const res = await page.request.get(`/api/v1/questions?space=${encodeURIComponent(slug)}`);
  assert.equal(res.status(), 200);
  return (await res.json()).total;
}

for (const width of [1280, 360]) {
  test(`a rejected question returns to its form with the errors at ${width}px`, { timeout: 120_000 }, async () => {
    const asker = createPerson({ agency: createAgency() });
    const spaceName = `Formulare ${unique('f')}`;
    await withPage(browser, { width }, `forms-rejected-${width}`, async (page) => {
      await signIn(page, asker, '/bereiche/neu');
      const spacePath = await createSpace(page, spaceName);

      await page.goto('/fragen/neu');
      const body = `Einzelheiten, die niemand zweimal tippt ${unique('t')}`;
      await page.getByLabel('Einzelheiten (Markdown)').fill(body);
      await page.getByLabel('Bereich', { exact: true }).selectOption({ label: spaceName });
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/fragen'),
        page.getByRole('button', { name: 'Frage stellen' }).click(),
      ]);
      assert.equal(answer.status(), 303, 'the rejected POST is answered with a redirect');
      await page.waitForURL((u) => u.pathname === '/fragen/neu');
      await page.locator('#error-summary').waitFor();

      // The summary has the focus, names the field and says what is wrong.
      await waitUntil(async () => (await focusedId(page)) === 'error-summary', 'the error summary takes the focus', { seconds: 5 });
      assert.match(await page.title(), /^Fehler: .+ – Fachnetz$/);
      const link = page.locator('#error-summary a', { hasText: 'Ihre Frage in einem Satz: Bitte füllen Sie dieses Feld aus.' });
      await link.waitFor();
      assert.equal(await page.getByLabel('Einzelheiten (Markdown)').inputValue(), body, 'what was typed is kept');
      assert.equal(await page.getByLabel('Ihre Frage in einem Satz').getAttribute('aria-invalid'), 'true');
      await checkA11y(page, `rejected ask form at ${width}px`);
      await screenshot(page, `forms-rejected-ask-${width}`);

      // Its link leads to the field, with the keyboard.
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('href')), '#f-title');
      await page.keyboard.press('Enter');
      await waitUntil(async () => (await focusedId(page)) === 'f-title', 'the link moves the focus to the field', { seconds: 5 });

      // A reload asks for the form's address again: nothing is sent, the
      // form is empty, and no question exists.
      await page.reload();
      assert.equal(new URL(page.url()).pathname, '/fragen/neu');
      assert.equal(await page.locator('#error-summary').count(), 0, 'the errors are shown once');
      assert.doesNotMatch(await page.title(), /^Fehler/);
      assert.equal(await questionsIn(page, spacePath), 0, 'no question from the rejected form');

      // Corrected, it is saved once.
      const title = `Wie melde ich eine Barriere ${unique('q')}`;
      await page.getByLabel('Ihre Frage in einem Satz').fill(title);
      await page.getByLabel('Bereich', { exact: true }).selectOption({ label: spaceName });
      await page.getByRole('button', { name: 'Frage stellen' }).click();
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.reload();
      assert.equal(await questionsIn(page, spacePath), 1, 'one question, however often the page is reloaded');
    });
  });
}

// A browser that sends no Referer cannot be led back; the rejected form is
// answered directly with 422, filled in, and the page's script puts the focus
// on the summary (after the redirect the address's #error-summary does that).
test('without a Referer the rejected form is answered directly, the summary focused', { timeout: 60_000 }, async () => {
  const asker = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'forms-no-referer', async (page) => {
    await signIn(page, asker, '/bereiche/neu');
    // As with a browser set to send no Referer.
    await page.evaluate(() => {
      const meta = document.createElement('meta');
      meta.name = 'referrer';
      meta.content = 'no-referrer';
      document.head.append(meta);
    });
    await page.locator('#f-description').fill('Ohne Namen');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/bereiche'),
      page.getByRole('button', { name: 'Bereich anlegen' }).click(),
    ]);
    assert.equal(answer.status(), 422);
    await page.locator('#error-summary').waitFor();
    await waitUntil(async () => (await focusedId(page)) === 'error-summary', 'the script focuses the error summary', { seconds: 5 });
    assert.match(await page.title(), /^Fehler: /);
    await page.locator('#error-summary a[href="#f-name"]', { hasText: /^Name: / }).waitFor();
  });
});

// A group of checkboxes: the summary names it by its legend, and its link
// moves the focus to the first checkbox.
test('the summary link of a group of checkboxes focuses its first checkbox', { timeout: 60_000 }, async () => {
  const owner = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'forms-checkboxes', async (page) => {
    await signIn(page, owner, '/bereiche/neu');
    const spacePath = await createSpace(page, `Haken ${unique('h')}`);
    await page.goto(`${spacePath}/webhooks`);
    await page.getByLabel('Adresse (URL)').fill('https://example.org/eingang');
    for (const box of await page.locator('input[name="events"]').all()) await box.uncheck();
    await page.getByRole('button', { name: 'Webhook einrichten' }).click();
    const link = page.locator('#error-summary a[href="#f-events"]');
    await link.waitFor();
    assert.match(await link.innerText(), /^Ereignisse: /);
    await link.click();
    await waitUntil(async () => (await focusedId(page)).startsWith('f-event-'), 'the first checkbox has the focus', { seconds: 5 });
    await checkA11y(page, 'rejected webhook form');
  });
});

// The same at the sign-in form, which has no session yet: the page is bound to
// the browser's CSRF cookie, the e-mail address comes back, the password not.
test('a rejected sign-in returns to its form without the password', { timeout: 60_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 360 }, 'forms-signin-360', async (page) => {
    await page.goto('/anmelden');
    await page.getByLabel(/E-Mail/).fill(person.email);
    await page.getByLabel(/^Passwort$/).fill('ganz-falsch');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/anmelden'),
      page.getByRole('button', { name: /^Anmelden$/ }).click(),
    ]);
    assert.equal(answer.status(), 303, 'the rejected sign-in is answered with a redirect');
    await page.locator('#error-summary').waitFor();
    assert.equal(new URL(page.url()).pathname, '/anmelden');
    assert.match(await page.title(), /^Fehler: /);
    await waitUntil(async () => (await focusedId(page)) === 'error-summary', 'the error summary takes the focus', { seconds: 5 });
    assert.equal(await page.getByLabel(/E-Mail/).inputValue(), person.email);
    assert.equal(await page.getByLabel(/^Passwort$/).inputValue(), '');
    await checkA11y(page, 'rejected sign-in at 360px');
  });
});
