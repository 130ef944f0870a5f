// From "who knows?" to an answer: a person declares a skill on their profile,
// a colleague finds them by that topic, is shown them again while asking a
// question on it, and invites them to answer; the expert gets the invitation.
// axe-core runs on the ask form with its suggestions at both widths.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPerson, launch, signIn, unique, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('declare a skill, be found by topic, be suggested while asking, be invited', { timeout: 180_000 }, async () => {
  const agency = createAgency();
  const admin = createPerson({ agency, roles: ['admin'] });
  const expert = createPerson({ agency });
  const asker = createPerson({ agency });
  const topic = `Beihilferecht ${unique('t').replace(/[^a-z0-9]/gi, '').slice(-8)}`;
  const title = `Wer zahlt die Beihilfe bei ${topic}?`;

  const spaceName = `Beihilfestelle ${unique('b')}`;

  await withPage(browser, { width: 1280 }, 'invite-space', async (page) => {
    // A space the whole agency reads and writes, for the question.
    await signIn(page, admin, '/bereiche/neu');
    await page.getByLabel('Name', { exact: true }).fill(spaceName);
    await page.getByLabel('Ganze Behörde').check();
    await page.getByRole('button', { name: 'Bereich anlegen' }).click();
    await page.getByRole('heading', { level: 1, name: spaceName }).waitFor();
  });

  await withPage(browser, { width: 1280 }, 'invite-expert-profile', async (page) => {
    await signIn(page, expert, '/profil');
    await page.getByLabel('Thema', { exact: true }).fill(topic);
    await page.getByLabel('Expertise', { exact: true }).check();
    await page.getByRole('button', { name: 'Kenntnis hinzufügen' }).click();
    await page.getByText('Ihre Kenntnisse wurden gespeichert.').waitFor();
  });

  for (const width of [1280, 360]) {
    await withPage(browser, { width }, `invite-find-${width}`, async (page) => {
      await signIn(page, asker, '/experten');
      await page.getByLabel('Thema').fill(topic);
      await page.getByRole('button', { name: 'Fachleute finden' }).click();
      await page.locator('.expert').getByRole('link', { name: expert.name }).waitFor();

      // Without waiting for typing: "Ähnliche Fragen suchen" shows the
      // suggestions, the experts for the chosen topics among them.
      await page.goto('/fragen/neu');
      await page.getByLabel('Ihre Frage in einem Satz').fill(title);
      await page.getByLabel('Themen').fill(topic);
      await page.getByRole('button', { name: 'Ähnliche Fragen suchen' }).click();
      await page.locator('#similar').getByRole('link', { name: expert.name }).waitFor();
      assert.equal(await page.getByLabel('Themen').inputValue(), topic, 'the form keeps what was typed');
      await checkA11y(page, `invite-ask-suggestions-${width}`);
    });
  }

  await withPage(browser, { width: 1280 }, 'invite-ask', async (page) => {
    await signIn(page, asker, '/fragen/neu');
    await page.getByLabel('Ihre Frage in einem Satz').fill(title);
    await page.getByLabel('Einzelheiten (Markdown)').fill('Es geht um die Erstattung im Ausland.');
    await page.getByLabel('Themen').fill(topic);
    await page.getByLabel('Bereich', { exact: true }).selectOption({ label: spaceName });
    await page.getByRole('button', { name: 'Frage stellen' }).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    await page.getByRole('button', { name: `Zum Antworten einladen ${expert.name}` }).click();
    await page.getByText('Die Einladung ist verschickt.').waitFor();
  });

  await withPage(browser, { width: 1280 }, 'invite-received', async (page) => {
    await signIn(page, expert, '/benachrichtigungen');
    await page.getByText(`Bitte um Ihre Antwort: „${title}“`).click();
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
  });
});
