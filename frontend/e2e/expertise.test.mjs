// Profiles, the directory, the organisation chart and the privacy
// controls, with axe-core on every page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, createAgency, createPerson, launch, signIn, unique, visit, withPage } from './lib.mjs';

// A valid 16 × 16 PNG with a colour gradient.
const tinyPNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAABlklEQVR42hXR4RiFMQiG4Q9hCEMIYQghhDCEEIbwIIQQQgghDOHs9Lu7662+72N8zA/5WB/6YR/7wz/OBx/xkR/10R/34/sGYzAHMlgDHdhgD3xwBgxikIMa9OCOByZjMicyWROd2GRPfHImTGKSk5r05M4HhCFMQYQlqGDCFlw4AkIIKZTQwpUHFmMxF7JYC13YYi98cRYsYpGLWvTirgeUoUxFlKWoYspWXDkKSiiplNLK1QeMYUxDjGWoYcY23DgGRhhplNHGtQc2YzM3slkb3dhmb3xzNmxik5va9ObuB5zhTEec5ahjznbcOQ5OOOmU0871Bw7jMA9yWAc92GEf/HAOHOKQhzr04Z4H/s95534HfCd5S77YL8gb/Zr/FZBQ0HDf679gBDOQYAUaWLADD0782yPIoIIObjyQjGQmkqxEE0t24snJ//BIMqmkk5sPFKOYhRSr0MKKXXhx6h8liiyq6OLWA81oZiPNarSxZjfenP4Hjyabarq5/cBlXOZFLuuiF7vsi1/O/a8Zl7zUpS/38gNq4ZAQAX6pcwAAAABJRU5ErkJggg==',
  'base64',
);

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

  test('a person adds a photo; it shows on their page and in the directory, at 1280 and 360 px', { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const person = createPerson({ agency });
    const colleague = createPerson({ agency });

    /** Fail unless the page shows a loaded profile photo. */
    async function photoShown(page) {
      const img = page.locator('img.profile-photo').first();
      await img.waitFor();
      const loaded = await img.evaluate((el) => el.complete && el.naturalWidth > 0);
      assert.ok(loaded, 'the profile photo did not load');
      return img;
    }

    await withPage(browser, { width: 1280 }, 'expertise-photo', async (page) => {
      await signIn(page, person, '/profil');
      await visit(page, '/profil', 'expertise-photo-none-1280');
      assert.equal(await page.locator('img.profile-photo').count(), 0);

      // Something that is not an image is refused with a message at the field.
      await page.getByLabel('Foto auswählen').setInputFiles({ name: 'notiz.txt', mimeType: 'text/plain', buffer: Buffer.from('kein Bild') });
      await page.getByRole('button', { name: 'Foto hochladen' }).click();
      await page.getByText('kein JPEG- oder PNG-Bild', { exact: false }).first().waitFor();
      await checkA11y(page, 'expertise-photo-refused-1280');

      await page.getByLabel('Foto auswählen').setInputFiles({ name: 'ich.png', mimeType: 'image/png', buffer: tinyPNG });
      await page.getByRole('button', { name: 'Foto hochladen' }).click();
      await page.getByText('Ihr Foto wurde gespeichert.').waitFor();
      await photoShown(page);
      await visit(page, '/profil', 'expertise-photo-me-1280');

      await visit(page, `/personen/${person.handle}`, 'expertise-photo-person-1280');
      const img = await photoShown(page);
      const res = await page.request.get(await img.getAttribute('src'));
      assert.equal(res.status(), 200);
      assert.equal(res.headers()['content-type'], 'image/jpeg');
    });

    await withPage(browser, { width: 360 }, 'expertise-photo-phone', async (page) => {
      await signIn(page, colleague, `/personen/${person.handle}`);
      await visit(page, `/personen/${person.handle}`, 'expertise-photo-person-360');
      await photoShown(page);
      await page.getByRole('heading', { level: 1, name: person.name }).waitFor();
      await visit(page, `/personen?q=${encodeURIComponent(person.name.split(' ')[1].slice(0, 8))}`, 'expertise-photo-directory-360');
      await photoShown(page);
    });

    await withPage(browser, { width: 360 }, 'expertise-photo-remove', async (page) => {
      await signIn(page, person, '/profil');
      await visit(page, '/profil', 'expertise-photo-me-360');
      await page.getByRole('button', { name: 'Foto entfernen' }).click();
      await page.getByText('Ihr Foto wurde entfernt.').waitFor();
      await visit(page, `/personen/${person.handle}`, 'expertise-photo-removed-360');
      assert.equal(await page.locator('img.profile-photo').count(), 0);
    });
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
