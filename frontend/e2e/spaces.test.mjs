// Sign-in, the account page and spaces, clicked through as a person would, with
// axe-core on every page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, createAgency, createPerson, launch, screenshot, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('sign-in page', () => {
  for (const width of [1280, 360]) {
    test(`shows a wrong password clearly at ${width}px`, { timeout: 60_000 }, async () => {
      const person = createPerson();
      await withPage(browser, { width }, `signin-error-${width}`, async (page) => {
        await visit(page, '/anmelden', `signin-${width}`);
        await page.getByLabel('E-Mail-Adresse').fill(person.email);
        await page.getByLabel('Passwort', { exact: true }).fill('falsch');
        await page.getByRole('button', { name: 'Anmelden' }).click();
        await assert.doesNotReject(page.getByRole('alert').getByText('E-Mail-Adresse oder Passwort ist falsch.').first().waitFor());
        assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), person.email, 'the typed address is kept');
        await checkA11y(page, `sign-in with an error at ${width}px`);
        await screenshot(page, `signin-error-${width}`);
      });
    });
  }
});

describe('account and spaces', () => {
  for (const width of [1280, 360]) {
    test(`a person creates a space, adds a colleague and archives it at ${width}px`, { timeout: 120_000 }, async () => {
      const agency = createAgency();
      const owner = createPerson({ agency });
      const colleague = createPerson({ agency });
      const spaceName = `Projektgruppe ${unique('pg')}`;
      await withPage(browser, { width }, `spaces-${width}`, async (page) => {
        await signIn(page, owner, '/bereiche');
        await visit(page, '/bereiche', `spaces-list-empty-${width}`);
        await page.getByRole('link', { name: 'Neuer Bereich' }).click();
        await visit(page, '/bereiche/neu', `spaces-new-${width}`);

        // An empty name is refused with the message at the field, nothing lost.
        await page.getByLabel('Beschreibung').fill('Vertrauliche Abstimmung der Projektgruppe.');
        await page.getByRole('button', { name: 'Bereich anlegen' }).click();
        await page.getByRole('alert').waitFor();
        assert.equal(await page.getByLabel('Beschreibung').inputValue(), 'Vertrauliche Abstimmung der Projektgruppe.');
        assert.equal(await page.locator('#f-name').getAttribute('aria-invalid'), 'true');

        await page.getByLabel('Name', { exact: true }).fill(spaceName);
        await page.getByLabel('Privat').check();
        await page.getByRole('button', { name: 'Bereich anlegen' }).click();
        await page.getByRole('heading', { level: 1, name: spaceName }).waitFor();
        const spacePath = new URL(page.url()).pathname;
        await visit(page, spacePath, `space-home-${width}`);

        await page.getByRole('link', { name: 'Einstellungen' }).click();
        await visit(page, `${spacePath}/einstellungen`, `space-settings-${width}`);
        await page.getByLabel('Person oder Gruppe', { exact: true }).fill(colleague.handle);
        await page.getByLabel('Rolle').selectOption('member');
        await page.getByRole('button', { name: 'Hinzufügen' }).click();
        await page.getByRole('cell', { name: colleague.name }).or(page.getByRole('rowheader', { name: new RegExp(colleague.name) })).first().waitFor();

        // An unknown member is refused with a clear message and the form refilled.
        await page.getByLabel('Person oder Gruppe', { exact: true }).fill('gibt-es-nicht');
        await page.getByRole('button', { name: 'Hinzufügen' }).click();
        await page.getByText('„gibt-es-nicht“ wurde nicht gefunden.').first().waitFor();
        assert.equal(await page.getByLabel('Person oder Gruppe', { exact: true }).inputValue(), 'gibt-es-nicht');

        await page.getByRole('button', { name: 'Bereich archivieren' }).click();
        await page.getByRole('button', { name: 'Bereich wiederherstellen' }).waitFor();
        await page.goto(spacePath);
        await page.getByText('Dieser Bereich ist archiviert').waitFor();
        await visit(page, '/bereiche', `spaces-list-${width}`);
      });

      // The colleague now finds the space in their list.
      await withPage(browser, { width }, `spaces-colleague-${width}`, async (page) => {
        await signIn(page, colleague, '/bereiche');
        await page.getByRole('link', { name: spaceName }).waitFor();
      });
    });

    test(`the account page creates and revokes an API token at ${width}px`, { timeout: 60_000 }, async () => {
      const person = createPerson();
      await withPage(browser, { width }, `account-${width}`, async (page) => {
        await signIn(page, person, '/konto');
        await visit(page, '/konto', `account-${width}`);
        await page.getByLabel('Bezeichnung').fill('Auswertungsskript');
        await page.getByRole('button', { name: 'Token erstellen' }).click();
        const token = await page.locator('#new-token').textContent();
        assert.match(token, /^fn_[A-Za-z0-9_-]{40,}$/);
        const me = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(me.status(), 200);
        assert.equal((await me.json()).handle, person.handle);

        await page.goto('/konto');
        assert.equal(await page.locator('#new-token').count(), 0, 'the token is shown only once');
        await page.getByRole('button', { name: /Widerrufen/ }).click();
        await page.getByText('widerrufen', { exact: true }).waitFor();
        const revoked = await page.request.get('/api/v1/me', { headers: { Authorization: `Bearer ${token}` } });
        assert.equal(revoked.status(), 401);

        // A wrong current password keeps the form's state and says why.
        await page.getByLabel('Aktuelles Passwort').fill('falsch');
        await page.getByLabel('Neues Passwort', { exact: true }).fill('ein-neues-langes-passwort');
        await page.getByLabel('Neues Passwort wiederholen').fill('ein-neues-langes-passwort');
        await page.getByRole('button', { name: 'Passwort ändern' }).click();
        await page.getByText('Das aktuelle Passwort ist falsch.').first().waitFor();
      });
    });
  }
});
