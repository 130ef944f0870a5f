// Profiles, the directory, the organisation chart and the privacy
// controls, with axe-core on every page at desktop and phone width.
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

describe('expertise', () => {
  test('a person edits their profile and skills; pages pass axe at 1280 and 360 px', { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const person = createPerson({ agency });
    const colleague = createPerson({ agency });
    const tag = unique('s').replace(/[^a-z0-9]/gi, '').slice(-8);
    const skills = [`Vergaberecht ${tag}`, `Haushaltsrecht ${tag}`];

    await withPage(browser, { width: 1280 }, 'expertise-edit', async (page) => {
      await signIn(page, person, '/profil');
      await visit(page, '/profil', 'expertise-me-1280');
      await page.getByLabel('Stelle').fill('Sachbearbeitung Vergabe');
      await page.getByLabel('Aufgaben').fill('Vergaben über 10.000 Euro');
      await page.getByLabel('Sprachen').fill('Deutsch, Englisch');
      await page.getByRole('button', { name: 'Profil speichern' }).click();
      await page.getByText('Ihr Profil wurde gespeichert.').waitFor();

      // A bad phone number comes back with the form filled in.
      await page.getByLabel('Telefon').fill('ruf mich an');
      await page.getByRole('button', { name: 'Profil speichern' }).click();
      await page.getByRole('alert').waitFor();
      assert.equal(await page.getByLabel('Aufgaben').inputValue(), 'Vergaben über 10.000 Euro');
      await page.getByLabel('Telefon').fill('030 1234');
      await page.getByRole('button', { name: 'Profil speichern' }).click();
      await page.getByText('Ihr Profil wurde gespeichert.').waitFor();

      for (const [i, name] of skills.entries()) {
        await page.getByLabel('Thema', { exact: true }).fill(name);
        await page.getByLabel(i === 0 ? 'Expertise' : 'Grundkenntnisse', { exact: true }).check();
        await page.getByRole('button', { name: 'Kenntnis hinzufügen' }).click();
        await page.getByText('Ihre Kenntnisse wurden gespeichert.').waitFor();
      }
      await visit(page, '/profil', 'expertise-me-skills-1280');
      await visit(page, `/personen/${person.handle}`, 'expertise-person-1280');
      for (const name of skills) await page.getByRole('link', { name }).waitFor();
      await page.getByText('Sachbearbeitung Vergabe').first().waitFor();
      await visit(page, '/profil/loeschen', 'expertise-erase-1280');
    });

    await withPage(browser, { width: 1280 }, 'expertise-directory', async (page) => {
      await signIn(page, colleague, '/personen');
      await visit(page, '/personen', 'expertise-directory-1280');
      await page.getByLabel('Name').fill(person.name.split(' ')[1].slice(0, 8));
      await page.getByRole('button', { name: 'Suchen' }).click();
      await page.getByRole('link', { name: person.name }).click();
      await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
      await visit(page, '/organisation', 'expertise-org-empty-1280');
    });

    await withPage(browser, { width: 360 }, 'expertise-phone', async (page) => {
      await signIn(page, person, '/profil');
      await visit(page, '/profil', 'expertise-me-360');
      await visit(page, '/personen', 'expertise-directory-360');
      await visit(page, `/personen/${person.handle}`, 'expertise-person-360');
      await visit(page, '/organisation', 'expertise-org-360');
      await visit(page, '/profil/loeschen', 'expertise-erase-360');
    });
  });

  // make test seeds the demo content, so the agency "lfd" has units and people.
  test('the organisation chart of the demo agency', { timeout: 120_000 }, async () => {
    const demo = createPerson({ agency: 'lfd' });
    for (const width of [1280, 360]) {
      await withPage(browser, { width }, `expertise-org-lfd-${width}`, async (page) => {
        await signIn(page, demo, '/organisation');
        await visit(page, '/organisation', `expertise-org-lfd-${width}`);
        const units = page.locator('.org-tree summary');
        assert.ok((await units.count()) >= 3, 'the chart shows the seeded units');
        const person = page.locator('.org-tree a[href^="/personen/"]').first();
        const name = (await person.innerText()).trim();
        await person.click();
        await page.getByRole('heading', { level: 1, name }).waitFor();
      });
    }
  });

  test('erasing the account signs out and leaves a goodbye page', { timeout: 120_000 }, async () => {
    const person = createPerson();
    await withPage(browser, { width: 1280 }, 'expertise-erase', async (page) => {
      await signIn(page, person, '/profil/loeschen');
      await page.getByRole('button', { name: 'Konto endgültig löschen' }).click();
      await page.getByRole('alert').waitFor();
      await page.getByLabel(/LÖSCHEN/).fill('LÖSCHEN');
      await page.getByRole('button', { name: 'Konto endgültig löschen' }).click();
      await page.getByRole('heading', { level: 1, name: 'Ihr Konto wurde gelöscht' }).waitFor();
      await page.goto('/profil');
      assert.match(new URL(page.url()).pathname, /^\/anmelden/);
    });
  });
});
