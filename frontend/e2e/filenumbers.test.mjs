// File numbers (Aktenzeichen): an admin configures the agency's pattern on
// the administration page (a refused pattern first, then "Ausprobieren",
// then saving), a member writes a page and an answer with a file number and
// sees it linked to the records system, in the text and in the list "Akten".
// axe-core finds nothing on the admin page and the page at 1280 and 360 px.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axeViolations, createPage, createPerson, createSpace, launch, screenshot, signIn, visit, withPage } from './lib.mjs';

const widths = [1280, 360];
let browser;
let admin;
let member;
before(async () => {
  browser = await launch();
  admin = createPerson({ name: 'Anna Admin', roles: ['admin'] });
  member = createPerson({ agency: admin.agency, name: 'Malte Mitglied' });
});
after(async () => {
  await browser?.close();
});

const link = 'https://dms.example.de/akte?nr=Az.%2012-345%2F2026';

test('configure a file-number pattern, write a page and an answer, follow the links', { timeout: 240_000 }, async () => {
  const adminPath = `/verwaltung/behoerden/${admin.agency}/aktenzeichen`;
  await withPage(browser, { width: 1280 }, 'filenumbers-admin', async (page) => {
    await signIn(page, admin, '/verwaltung/behoerden');
    await page.locator(`a[href="${adminPath}"]`).click();
    await page.waitForURL(`**${adminPath}`);
    await page.getByLabel('Bezeichnung').fill('E-Akte');
    await page.getByLabel('Regulärer Ausdruck').fill('\\w+');
    await page.getByLabel('Adresse im Dokumentenmanagementsystem').fill('https://dms.example.de/akte?nr={nr}');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Muster anlegen' }).click()]);
    await page.locator('#error-summary').waitFor();
    assert.match(await page.locator('#error-summary').innerText(), /zu allgemein/);
    assert.equal(await page.locator('#f-pattern').inputValue(), '\\w+', 'the typed pattern is kept');
    assert.equal(await page.locator('#f-label').inputValue(), 'E-Akte');

    await page.getByLabel('Regulärer Ausdruck').fill('Az\\. \\d{1,3}-\\d{1,5}/\\d{4}');
    await page.getByLabel('Beispieltext').fill('Bitte Az. 12-345/2026 prüfen, nicht 12.03.2026.');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Ausprobieren' }).click()]);
    const tried = page.locator('#ausprobiert');
    await tried.waitFor();
    assert.equal(await tried.getByRole('link').count(), 1, 'one file number in the sample');
    assert.equal(await tried.getByRole('link').getAttribute('href'), link);
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      const violations = await axeViolations(page);
      await screenshot(page, `filenumbers-admin-tried-${width}`);
      assert.equal(violations.length, 0, `axe-core on the tried sample:\n  ${violations.join('\n  ')}`);
    }
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, adminPath, `filenumbers-admin-${width}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.getByLabel('Bezeichnung').fill('E-Akte');
    await page.getByLabel('Regulärer Ausdruck').fill('Az\\. \\d{1,3}-\\d{1,5}/\\d{4}');
    await page.getByLabel('Adresse im Dokumentenmanagementsystem').fill('https://dms.example.de/akte?nr={nr}');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Muster anlegen' }).click()]);
    await page.getByText('Das Muster wurde angelegt').waitFor();
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, adminPath, `filenumbers-admin-list-${width}`);
    }
  });

  await withPage(browser, { width: 1280 }, 'filenumbers-member', async (page) => {
    await signIn(page, member, '/bereiche/neu');
    const space = await createSpace(page, 'Bauaufsicht Akten');
    const path = await createPage(page, space, 'Baugenehmigung Musterstraße', 'Der Antrag liegt unter Az. 12-345/2026 vor.\n\n`Az. 12-345/2026` im Code bleibt Text.');
    const inText = page.locator('.markdown a.file-number');
    assert.equal(await inText.count(), 1, 'one link in the text: not in code');
    assert.equal(await inText.getAttribute('href'), link);
    assert.equal(await page.getByRole('link', { name: 'Az. 12-345/2026 (in E-Akte öffnen)' }).count(), 2, 'the text and the list "Akten"');
    await page.getByRole('heading', { name: 'Akten' }).waitFor();
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, path, `filenumbers-page-${width}`);
    }

    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto('/fragen/neu');
    await page.getByLabel('Ihre Frage in einem Satz').fill('Wer prüft die Statik der Musterstraße?');
    await page.getByLabel('Einzelheiten (Markdown)').fill('Es geht um den Bauantrag an der Musterstraße.');
    await page.getByLabel('Bereich', { exact: true }).selectOption({ label: 'Bauaufsicht Akten' });
    await page.getByRole('button', { name: 'Frage stellen' }).click();
    await page.getByRole('heading', { level: 1, name: 'Wer prüft die Statik der Musterstraße?' }).waitFor();
    await page.getByLabel('Antwort (Markdown)').fill('Die Prüfung steht in Az. 7-77/2025.');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Antwort senden' }).click()]);
    const answerLink = page.locator('.answer .markdown a.file-number');
    await answerLink.waitFor();
    assert.equal(await answerLink.getAttribute('href'), 'https://dms.example.de/akte?nr=Az.%207-77%2F2025');
    await page.getByRole('heading', { name: 'Akten' }).waitFor();
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await visit(page, new URL(page.url()).pathname, `filenumbers-question-${width}`);
    }
  });
});
