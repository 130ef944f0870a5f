// Writing never loses a word: the editor keeps a draft on the server, offers it
// again when the editor is reopened, keeps the text through an expired session,
// and takes pasted images as attachments, also on a page not created yet.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPage, createPerson, createSpace, launch, png, signIn, unique, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function sql(statement) {
  const db = process.env.FACHNETZ_DATABASE_URL;
  if (!db) throw new Error('FACHNETZ_DATABASE_URL is not set: run the browser tests through scripts/test.sh');
  execFileSync('psql', [db, '-v', 'ON_ERROR_STOP=1', '-qc', statement]);
}

// The session passes its idle time-out on the server: the browser keeps its cookie.
function expireSessions(person) {
  sql(`UPDATE sessions SET idle_expires_at = now() - interval '1 minute' WHERE account_id = (SELECT id FROM accounts WHERE email = '${person.email}')`);
}

// The server forgets the session, as after signing out in another tab.
function deleteSessions(person) {
  sql(`DELETE FROM sessions WHERE account_id = (SELECT id FROM accounts WHERE email = '${person.email}')`);
}

const body = (page) => page.locator('form.editor textarea[name=body]');

for (const width of [1280, 360]) {
  test(`a draft survives closing the tab and an expired session at ${width}px`, { timeout: 180_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    await withPage(browser, { width }, `drafts-${width}`, async (page) => {
      await signIn(page, person, '/bereiche');
      const spacePath = await createSpace(page, `Referat ${unique('d')}`);
      const pagePath = await createPage(page, spacePath, 'Dienstreisen', 'Erste Fassung.');

      await page.goto(`${pagePath}/bearbeiten`);
      await body(page).fill('Erste Fassung.\n\nAbrechnung binnen sechs Monaten.');
      // Saved a few seconds after typing stops; the status says when.
      await page.locator('[data-draft-status]', { hasText: 'Entwurf gespeichert' }).waitFor();

      // Close the tab, open the editor again in a new one.
      const again = await page.context().newPage();
      await page.close();
      await again.goto(`${pagePath}/bearbeiten`);
      await again.getByRole('heading', { level: 2, name: /^Entwurf vom / }).waitFor();
      assert.equal(await body(again).inputValue(), 'Erste Fassung.', 'the draft is offered, not forced on the form');
      await checkA11y(again, `draft-prompt-${width}`);
      await again.getByRole('link', { name: 'Entwurf wiederherstellen' }).click();
      await again.getByText('Ihr Entwurf ist wiederhergestellt').waitFor();
      assert.equal(await body(again).inputValue(), 'Erste Fassung.\n\nAbrechnung binnen sechs Monaten.');

      // The session ends on the server while the person writes on.
      await body(again).fill('Erste Fassung.\n\nAbrechnung binnen sechs Monaten. Belege im Original.');
      expireSessions(person);
      await again.getByRole('button', { name: 'Speichern' }).click();
      await again.waitForURL((u) => u.pathname === '/anmelden');
      await again.getByLabel(/E-Mail/).fill(person.email);
      await again.getByLabel(/^Passwort$/).fill(person.password);
      await Promise.all([again.waitForURL((u) => u.pathname === `${pagePath}/bearbeiten`), again.getByRole('button', { name: 'Anmelden' }).click()]);
      await again.getByText('Ihre Sitzung war abgelaufen').waitFor();
      assert.equal(await body(again).inputValue(), 'Erste Fassung.\n\nAbrechnung binnen sechs Monaten. Belege im Original.', 'nothing is lost');
      await checkA11y(again, `draft-expired-${width}`);
      await again.getByRole('button', { name: 'Speichern' }).click();
      await again.getByRole('heading', { level: 1, name: 'Dienstreisen' }).waitFor();
      await again.getByText('Belege im Original.').waitFor();

      // Saved: the draft is gone.
      await again.goto(`${pagePath}/bearbeiten`);
      assert.equal(await again.getByRole('heading', { name: /^Entwurf vom / }).count(), 0, 'no draft after saving');
    });
  });
}

test('after signing in again in another tab, the first tab keeps its text', { timeout: 150_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'drafts-other-tab', async (page) => {
    await signIn(page, person, '/bereiche');
    const spacePath = await createSpace(page, `Referat ${unique('t')}`);
    const pagePath = await createPage(page, spacePath, 'Reisekosten', 'Erste Fassung.');
    await page.goto(`${pagePath}/bearbeiten`);
    await body(page).fill('Erste Fassung.\n\nBelege binnen sechs Monaten.');
    await page.locator('[data-draft-status]', { hasText: 'Entwurf gespeichert' }).waitFor();

    // Signed out elsewhere, signed in again in another tab: this tab's form has the old CSRF token.
    deleteSessions(person);
    const other = await page.context().newPage();
    await signIn(other, person, '/bereiche');
    await other.close();

    await body(page).fill('Erste Fassung.\n\nBelege binnen sechs Monaten im Original.');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByText('Ihre Sitzung war abgelaufen').waitFor();
    assert.equal(await body(page).inputValue(), 'Erste Fassung.\n\nBelege binnen sechs Monaten im Original.', 'nothing is lost');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('heading', { level: 1, name: 'Reisekosten' }).waitFor();
    await page.getByText('binnen sechs Monaten im Original.').waitFor();
  });
});

// The session row is gone (deleted in the database): nobody can tell whose
// text it is, so after sign-in the editor offers it instead of filling it in.
test('after the session was deleted in the database the kept text is offered and restored', { timeout: 150_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'drafts-deleted-session', async (page) => {
    await signIn(page, person, '/bereiche');
    const spacePath = await createSpace(page, `Referat ${unique('s')}`);
    const pagePath = await createPage(page, spacePath, 'Fortbildung', 'Erste Fassung.');
    await page.goto(`${pagePath}/bearbeiten`);
    const typed = 'Erste Fassung.\n\nAnmeldung über die Personalstelle.';
    await body(page).fill(typed);
    deleteSessions(person);
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.waitForURL((u) => u.pathname === '/anmelden');
    await page.getByLabel(/E-Mail/).fill(person.email);
    await page.getByLabel(/^Passwort$/).fill(person.password);
    await Promise.all([page.waitForURL((u) => u.pathname === `${pagePath}/bearbeiten`), page.getByRole('button', { name: 'Anmelden' }).click()]);
    await page.getByText('niemandem sicher zuzuordnen').waitFor();
    await checkA11y(page, 'draft-kept-offer');
    await page.getByRole('link', { name: 'Entwurf wiederherstellen' }).click();
    await page.getByText('Ihr Entwurf ist wiederhergestellt').waitFor();
    assert.equal(await body(page).inputValue(), typed, 'nothing is lost');
    await page.getByRole('button', { name: 'Speichern' }).click();
    await page.getByRole('heading', { level: 1, name: 'Fortbildung' }).waitFor();
    await page.getByText('Anmeldung über die Personalstelle.').waitFor();
  });
});

test('an image pasted into the editor of a new page shows in the preview and on the saved page', { timeout: 120_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'drafts-paste', async (page) => {
    await signIn(page, person, '/bereiche');
    const spacePath = await createSpace(page, `Referat ${unique('p')}`);
    await page.goto(`${spacePath}/neu`);
    await page.getByLabel('Titel').fill('Ablauf mit Skizze');
    await body(page).fill('Der Ablauf:\n\n');
    await body(page).evaluate((ta, b64) => {
      const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const data = new DataTransfer();
      data.items.add(new File([bytes], 'image.png', { type: 'image/png' }));
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
      ta.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, png.toString('base64'));
    await page.locator('[data-upload-status]', { hasText: 'hochgeladen und eingefügt' }).waitFor();
    const text = await body(page).inputValue();
    const name = text.match(/!\[[^\]]*\]\((bild-[0-9-]+\.png)\)/)?.[1];
    assert.ok(name, `the Markdown of the image is inserted: ${text}`);
    await expectImage(page, '.preview', async () => {
      await page.getByRole('button', { name: 'Vorschau' }).click();
      await page.getByRole('heading', { name: 'Vorschau', level: 2 }).waitFor();
    }, '/entwuerfe/dateien/');
    await expectImage(page, '.markdown', async () => {
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ablauf mit Skizze' }).waitFor();
    }, '/anhaenge/');
    await page.locator('#anhaenge').getByText(name).first().waitFor();
  });
});

// expectImage runs act and then finds a loaded image under scope whose address starts with prefix.
async function expectImage(page, scope, act, prefix) {
  await act();
  const img = page.locator(`${scope} img`).first();
  await img.waitFor();
  assert.ok((await img.getAttribute('src')).startsWith(prefix), `image address ${await img.getAttribute('src')}`);
  await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
}
