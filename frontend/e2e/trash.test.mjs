// The trash as a moderator uses it: delete a page that has revisions, an
// attachment and a backlink, find it in the space's trash, restore it, and
// see everything back; axe-core on the trash at desktop and phone width.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseURL, createAgency, createPerson, fachnetz, launch, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** A JSON API call with a personal token. */
async function api(token, method, path, body) {
  const res = await fetch(`${baseURL}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

async function uploadFile(token, space, slug, name, content) {
  const form = new FormData();
  form.append('file', new Blob([content], { type: 'text/plain' }), name);
  const res = await fetch(`${baseURL}/api/v1/spaces/${space}/pages/${slug}/attachments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  assert.equal(res.status, 201, `upload ${name}: ${res.status}`);
}

test('a deleted page comes back from the trash with revisions, attachment and backlink', { timeout: 180_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  const token = fachnetz(['users', 'token', person.email]).trim();
  const space = unique('fahrdienst').toLowerCase();
  await api(token, 'POST', '/spaces', { name: `Fahrdienst ${space}`, slug: space });
  const pages = `/spaces/${space}/pages`;
  await api(token, 'PUT', `${pages}/dienstwagen`, { title: 'Dienstwagen', body: 'Erste Fassung.' });
  await api(token, 'PUT', `${pages}/dienstwagen`, { title: 'Dienstwagen', body: 'Zweite Fassung mit Fahrtenbuch.', base_revision: 1 });
  await api(token, 'PUT', `${pages}/fuhrpark`, { title: 'Fuhrpark', body: 'Siehe [[Dienstwagen]].' });
  await uploadFile(token, space, 'dienstwagen', 'fahrtenbuch.txt', 'Fahrt 1');
  await uploadFile(token, space, 'dienstwagen', 'fahrtenbuch.txt', 'Fahrt 1 und 2');
  const pagePath = `/bereiche/${space}/seiten/dienstwagen`;
  const trashPath = `/bereiche/${space}/papierkorb`;

  await withPage(browser, { width: 1280 }, 'trash-restore', async (page) => {
    await signIn(page, person, pagePath);
    await page.getByRole('link', { name: 'Löschen' }).first().click();
    await page.getByRole('button', { name: 'In den Papierkorb legen' }).click();
    await page.getByText('Die Seite liegt im Papierkorb.').waitFor();

    // Gone: the page answers 404 and the backlinking page no longer links to it.
    assert.equal((await page.goto(pagePath)).status(), 404);
    await page.goto(`/bereiche/${space}/seiten/fuhrpark`);
    assert.equal(await page.locator(`.markdown a[href="${pagePath}"]`).count(), 0, 'the link to the deleted page still resolves');

    // The moderator finds the trash on the space home and restores the page.
    await page.goto(`/bereiche/${space}`);
    await page.getByRole('link', { name: 'Papierkorb', exact: true }).click();
    await page.waitForURL((u) => u.pathname === trashPath);
    const row = page.getByRole('row', { name: /Dienstwagen/ });
    await row.getByRole('button', { name: /Wiederherstellen/ }).click();
    await page.waitForURL((u) => u.pathname === pagePath);
    await page.getByRole('heading', { level: 1, name: 'Dienstwagen' }).waitFor();
    await page.getByText('Zweite Fassung mit Fahrtenbuch.').waitFor();

    // The attachment with its earlier version.
    const link = page.getByRole('link', { name: 'fahrtenbuch.txt' });
    const current = await page.request.get(await link.getAttribute('href'));
    assert.equal(await current.text(), 'Fahrt 1 und 2');
    await page.getByText('Versionen (1)').click();
    const older = await page.request.get(await page.locator('.attachment-versions a').first().getAttribute('href'));
    assert.equal(await older.text(), 'Fahrt 1');

    // Both revisions.
    await page.goto(`${pagePath}/versionen`);
    assert.equal(await page.getByRole('rowheader').count(), 2, 'the restored page has both revisions');

    // The backlink, both ways.
    await page.goto(pagePath);
    await page.locator('section', { has: page.getByRole('heading', { name: 'Seiten, die hierher verweisen' }) }).getByRole('link', { name: 'Fuhrpark' }).waitFor();
    await page.goto(`/bereiche/${space}/seiten/fuhrpark`);
    await page.locator(`.markdown a[href="${pagePath}"]`).waitFor();
  });

  // A question deleted by its asker through the confirmation step lands in
  // the trash too.
  const question = await api(token, 'POST', '/questions', { title: 'Wer bucht die Dienstwagen?', body: 'Für nächste Woche.', space });
  await withPage(browser, { width: 1280 }, 'trash-question', async (page) => {
    await signIn(page, person, `/fragen/${question.id}`);
    await page.getByRole('link', { name: /^Löschen/ }).first().click();
    await visit(page, `/fragen/${question.id}/loeschen`, 'trash-question-confirm');
    await page.getByRole('button', { name: 'In den Papierkorb legen' }).click();
    await page.waitForURL((u) => u.pathname === '/fragen');
    assert.equal((await page.goto(`/fragen/${question.id}`)).status(), 404);
  });

  // The trash with entries, at desktop and phone width.
  await api(token, 'PUT', `${pages}/altakte`, { title: 'Altakte', body: 'Kann weg.' });
  await api(token, 'DELETE', `${pages}/altakte`);
  for (const width of [1280, 360]) {
    await withPage(browser, { width }, `trash-${width}`, async (page) => {
      await signIn(page, person, trashPath);
      await visit(page, trashPath, `trash-${width}`);
      await page.getByRole('row', { name: /Altakte/ }).waitFor();
      await page.getByRole('row', { name: /Wer bucht die Dienstwagen/ }).waitFor();
      await page.getByRole('row', { name: /Altakte/ }).getByRole('link', { name: /Sofort endgültig löschen/ }).click();
      await visit(page, new URL(page.url()).pathname, `trash-purge-${width}`);
    });
  }
});
