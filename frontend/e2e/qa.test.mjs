// The Q&A board as people use it: a similar question is suggested while typing,
// one asks anyway, a colleague answers, comments and votes, the asker accepts
// and takes the answer into the wiki; the links lead both ways. axe-core runs
// on every board page at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPerson, launch, signIn, unique, visit, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const path = (page) => new URL(page.url()).pathname;

async function askQuestion(page, spaceName, title, body) {
  await page.goto('/fragen/neu');
  await page.getByLabel('Ihre Frage in einem Satz').fill(title);
  await page.getByLabel('Einzelheiten (Markdown)').fill(body);
  await page.getByLabel('Bereich', { exact: true }).selectOption({ label: spaceName });
  await page.getByRole('button', { name: 'Frage stellen' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  return path(page);
}

for (const width of [1280, 360]) {
  test(`ask, answer, comment, vote, accept and promote at ${width}px`, { timeout: 180_000 }, async () => {
    const agency = createAgency();
    const asker = createPerson({ agency });
    const colleague = createPerson({ agency });
    const spaceName = `Reisestelle ${unique('r')}`;
    const topic = Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join('');
    let second;

    await withPage(browser, { width }, `qa-asker-${width}`, async (page) => {
      await signIn(page, asker, '/bereiche/neu');
      await page.getByLabel('Name', { exact: true }).fill(spaceName);
      await page.getByLabel('Privat').check();
      await page.getByRole('button', { name: 'Bereich anlegen' }).click();
      await page.getByRole('heading', { level: 1, name: spaceName }).waitFor();
      await page.getByRole('link', { name: 'Einstellungen' }).click();
      await page.getByLabel('Person oder Gruppe', { exact: true }).fill(colleague.handle);
      await page.getByRole('button', { name: 'Hinzufügen' }).click();
      await page.getByRole('rowheader', { name: new RegExp(colleague.name) }).waitFor();

      const first = await askQuestion(page, spaceName, `Dienstreise nach ${topic} beantragen`, 'Welche Formulare brauche ich?');
      await waitUntil(
        async () => (await (await page.request.get(`/api/v1/search?q=${topic}`)).json()).total >= 1,
        'the first question is indexed',
      );

      // Start asking again: the first question is suggested while typing.
      await visit(page, '/fragen/neu', `qa-ask-${width}`);
      await page.getByLabel('Ihre Frage in einem Satz').pressSequentially(`Wie beantrage ich eine Dienstreise nach ${topic}`, { delay: 15 });
      const suggestion = page.locator('#similar').getByRole('link', { name: `Dienstreise nach ${topic} beantragen` });
      await suggestion.waitFor({ timeout: 10_000 });
      assert.equal(await suggestion.getAttribute('href'), first);

      // Ask anyway.
      await page.getByLabel('Einzelheiten (Markdown)').fill(`Geht das auch mit dem Zug? @${colleague.handle} weißt du das?`);
      await page.getByLabel('Bereich', { exact: true }).selectOption({ label: spaceName });
      await page.getByRole('button', { name: 'Frage stellen' }).click();
      await page.getByRole('heading', { level: 1, name: `Wie beantrage ich eine Dienstreise nach ${topic}` }).waitFor();
      second = path(page);
      await visit(page, second, `qa-question-${width}`);
      await visit(page, '/fragen', `qa-list-${width}`);
      await visit(page, '/fragen?sicht=unbeantwortet', `qa-list-unanswered-${width}`);
    });

    await withPage(browser, { width }, `qa-colleague-${width}`, async (page) => {
      await signIn(page, colleague, '/benachrichtigungen');
      // The mention reached the colleague.
      await page.getByRole('button', { name: /erwähnt/ }).or(page.getByRole('link', { name: /erwähnt/ })).first().waitFor();
      await visit(page, '/benachrichtigungen', `qa-notifications-${width}`);
      await page.goto(second);
      await page.getByLabel('Antwort (Markdown)').fill('Ja: Bahnreisen bucht die **Reisestelle**, das Formular heißt *Dienstreiseantrag*.');
      await page.getByRole('button', { name: 'Antwort senden' }).click();
      await page.getByText('Bahnreisen bucht die').waitFor();
      // Comment on the question.
      await page.locator('#frage').getByText('Kommentieren').click();
      await page.locator('#frage').getByLabel('Kommentar').fill('Gute Frage, das wollte ich auch wissen.');
      await page.locator('#frage').getByRole('button', { name: 'Kommentar senden' }).click();
      await page.getByText('Gute Frage, das wollte ich auch wissen.').waitFor();
      // Vote the question up; voting the own answer is not offered.
      await page.locator('#frage').getByRole('button', { name: /Hilfreich/ }).click();
      await page.locator('#frage .vote-score', { hasText: '1' }).waitFor();
      assert.equal(await page.locator('.answer').getByRole('button', { name: /Hilfreich/ }).isDisabled(), true);
    });

    await withPage(browser, { width }, `qa-accept-${width}`, async (page) => {
      await signIn(page, asker, second);
      await page.locator('.answer').getByRole('button', { name: /Hilfreich/ }).click();
      await page.locator('.answer .vote-score', { hasText: '1' }).waitFor();
      await page.getByRole('button', { name: 'Diese Antwort akzeptieren' }).click();
      await page.getByText('Akzeptierte Antwort').waitFor();
      await page.getByRole('link', { name: 'Ins Wiki übernehmen' }).click();
      await visit(page, path(page), `qa-promote-${width}`);
      await page.getByRole('button', { name: 'Weiter zum Editor' }).click();
      // The editor opens prefilled: the question's title, question and
      // answer without @mentions; nothing is published yet.
      await page.getByRole('heading', { level: 1, name: 'Neue Seite' }).waitFor();
      assert.equal(await page.getByLabel('Titel').inputValue(), `Wie beantrage ich eine Dienstreise nach ${topic}`);
      const prefilled = await page.getByLabel('Text (Markdown)').inputValue();
      assert.ok(prefilled.includes(`${colleague.name} weißt du das?`), `the mention is not a name: ${prefilled}`);
      assert.ok(!prefilled.includes(`@${colleague.handle}`), 'the prefilled text keeps the @mention');
      assert.ok(prefilled.includes('Bahnreisen bucht die'), 'the accepted answer is missing');
      await visit(page, path(page) + new URL(page.url()).search, `qa-promote-editor-${width}`);
      await page.getByLabel('Titel').fill('Dienstreise mit der Bahn');
      await page.getByRole('button', { name: 'Speichern' }).click();
      await page.locator('.markdown').getByText('Bahnreisen bucht die').waitFor();
      await page.getByText('Nicht geprüft').waitFor();
      const wikiPath = path(page);
      assert.match(wikiPath, /^\/bereiche\/.+\/seiten\//);
      // From the wiki page to the question, and back.
      await page.locator('.markdown').getByRole('link', { name: 'Frage' }).click();
      await page.waitForURL((u) => u.pathname === second);
      await page.getByRole('link', { name: 'zur Wiki-Seite' }).click();
      await page.waitForURL((u) => u.pathname === wikiPath);
      await visit(page, `${second}/bearbeiten`, `qa-edit-${width}`);
    });
  });
}
