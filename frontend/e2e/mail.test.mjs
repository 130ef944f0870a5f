// A saved mail thread becomes a question: uploaded on the ask page, split into
// its messages, reviewed by the person who brought it in, published only by them.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPerson, createSpace, launch, screenshot, signIn, unique, uploadMail, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function fitsWidth(page, width) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  assert.ok(scroll <= inner, `the page is ${scroll}px wide at ${width}px`);
}

for (const width of [1280, 360]) {
  test(`a saved thread is reviewed and published as question and answer at ${width}px`, { timeout: 180_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    await withPage(browser, { width }, `mail-${width}`, async (page) => {
      await signIn(page, person, '/bereiche');
      const spaceName = `Reisekosten ${unique('m')}`;
      await createSpace(page, spaceName);
      const review = await uploadMail(page, spaceName);

      await page.getByRole('heading', { level: 1, name: 'E-Mail-Verlauf prüfen' }).waitFor();
      const question = page.getByRole('group', { name: 'Frage' });
      const answer = page.getByRole('group', { name: 'Antwort 1' });
      assert.match(await question.getByLabel('Text').inputValue(), /^wie hoch ist die Verpflegungspauschale/);
      assert.match(await question.innerText(), /Von extern am 02\.03\.2026/);
      assert.match(await answer.getByLabel('Text').inputValue(), /^ab 24 Stunden Abwesenheit beträgt die Verpflegungspauschale 28 Euro je Kalendertag\.$/);
      assert.ok(!(await page.content()).includes('erika.beispiel@buerger.example'), 'the address of a sender without an account is not shown');
      await checkA11y(page, `mail-review-${width}`);
      await fitsWidth(page, width);
      await screenshot(page, `mail-review-${width}`);

      // An empty title is refused with everything typed kept.
      await page.locator('#f-title').fill('');
      await answer.getByLabel('Text').fill('Ab 24 Stunden: 28 Euro je Kalendertag.');
      await page.getByRole('button', { name: 'Veröffentlichen' }).click();
      await page.locator('#error-summary').waitFor();
      assert.equal(await answer.getByLabel('Text').inputValue(), 'Ab 24 Stunden: 28 Euro je Kalendertag.');
      await checkA11y(page, `mail-review-error-${width}`);
      await fitsWidth(page, width);

      await page.locator('#f-title').fill('Verpflegungspauschale bei mehrtägigen Dienstreisen');
      await page.getByRole('button', { name: 'Veröffentlichen' }).click();
      await page.getByRole('heading', { level: 1, name: 'Verpflegungspauschale bei mehrtägigen Dienstreisen' }).waitFor();
      assert.match(await page.locator('#frage').innerText(), /Gefragt von extern/);
      assert.match(await page.locator('.answer').first().innerText(), /Ab 24 Stunden: 28 Euro je Kalendertag\./);
      await page.getByRole('link', { name: 'Reiseantrag.pdf' }).waitFor();
      await checkA11y(page, `mail-question-${width}`);

      // The draft is gone once published.
      const gone = await page.goto(review);
      assert.equal(gone.status(), 404);
    });
  });
}

test('a file that is no mail is refused on the ask page with a message', { timeout: 120_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 360 }, 'mail-unreadable', async (page) => {
    await signIn(page, person, '/bereiche');
    const spaceName = `Ablage ${unique('m')}`;
    await createSpace(page, spaceName);
    await page.goto('/fragen/neu');
    await page.getByLabel('E-Mail-Datei').setInputFiles({ name: 'notiz.eml', mimeType: 'message/rfc822', buffer: Buffer.from('\u0000\u0001 keine E-Mail') });
    await page.locator('#f-mail_space').selectOption({ label: spaceName });
    await page.getByRole('button', { name: 'E-Mail übernehmen' }).click();
    await page.getByText('Diese Datei ist keine lesbare E-Mail').first().waitFor();
    await checkA11y(page, 'mail-unreadable-360');
  });
});
