// Printing and moving a space: a wiki page and a question print with title,
// content and metadata but without header, navigation, footer, forms and
// the page tree; a space owner exports a space and uploads the zip into a
// new, empty space through the import form of the space settings.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { axeViolations, baseURL, createAgency, createPerson, fachnetz, launch, png, screenshot, signIn, unique, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

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

async function uploadFile(token, space, slug, name, content, type) {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const res = await fetch(`${baseURL}/api/v1/spaces/${space}/pages/${slug}/attachments`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  assert.equal(res.status, 201, `upload ${name}: ${res.status}`);
}

/** Whether an element is laid out at all (display: none anywhere above it makes it not). */
async function shown(page, selector) {
  return page.evaluate((sel) => [...document.querySelectorAll(sel)].some((el) => el.getClientRects().length > 0), selector);
}

/** Assert what a printed page shows and hides; save a screenshot. */
async function assertPrinted(page, name, { content }) {
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['.site-header', '.site-nav', '.site-footer', 'form', 'button', '.skip-link', '.wiki-tree', 'input[type=file]']) {
    assert.equal(await shown(page, sel), false, `${name}: ${sel} is printed`);
  }
  assert.ok(await page.locator('h1').isVisible(), `${name}: the title is not printed`);
  // innerText leaves out what is not displayed.
  const printed = await page.evaluate(() => document.body.innerText);
  for (const text of content) {
    assert.ok(printed.includes(text), `${name}: "${text}" is not printed:\n${printed}`);
  }
  // External links print their address; internal ones do not.
  const after = await page.evaluate(() =>
    [...document.querySelectorAll('.markdown a')].map((a) => [a.getAttribute('href'), getComputedStyle(a, '::after').content]),
  );
  for (const [href, text] of after) {
    if (href.startsWith('https://')) assert.ok(text.includes(href), `${name}: the address of ${href} is not printed (${text})`);
    else assert.ok(text === 'none' || text === 'normal' || !text.includes(href), `${name}: the internal ${href} prints its address`);
  }
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(wide <= 0, `${name}: printed page is ${wide} px wider than the paper`);
  // The text takes the paper's width, not a column left by what is hidden.
  const narrow = await page.evaluate(() =>
    [...document.querySelectorAll('.markdown')].map((el) => el.getBoundingClientRect().width / document.body.clientWidth).filter((r) => r > 0 && r < 0.8),
  );
  assert.deepEqual(narrow, [], `${name}: text printed in a narrow column`);
  await screenshot(page, name);
  await page.emulateMedia({ media: 'screen' });
}

test('a wiki page and a question print content and metadata without the site around them', { timeout: 180_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  const token = fachnetz(['users', 'token', person.email]).trim();
  const space = unique('druck').toLowerCase();
  await api(token, 'POST', '/spaces', { name: `Druckbereich ${space}`, slug: space });
  const pages = `/spaces/${space}/pages`;
  const columns = Array.from({ length: 9 }, (_, i) => `Spalte mit langem Namen ${i + 1}`);
  const table = `| ${columns.join(' | ')} |\n|${columns.map(() => '---').join('|')}|\n| ${columns.map((_, i) => `Wert ${i + 1}`).join(' | ')} |\n`;
  await api(token, 'PUT', `${pages}/umzug`, { title: 'Umzug', body: 'Erste Seite.' });
  await api(token, 'PUT', `${pages}/reisekosten`, {
    title: 'Reisekosten',
    parent: 'umzug',
    topics: ['Reisekostenrecht'],
    body: `Die Regeln stehen im [Gesetz](https://www.gesetze-im-internet.de/brkg_2005/) und beim [[Umzug]].\n\n${table}`,
  });
  const q = await api(token, 'POST', '/questions', { title: 'Wer erstattet Taxifahrten?', body: 'Nach [Richtlinie](https://example.org/richtlinie) oder nicht?', space, topics: ['Reisekostenrecht'] });
  await api(token, 'POST', `/questions/${q.id}/answers`, { body: 'Die Reisekostenstelle, mit Beleg.' });

  await withPage(browser, { width: 1280 }, 'print', async (page) => {
    await signIn(page, person, `/bereiche/${space}/seiten/reisekosten`);
    assert.ok(await shown(page, '.site-header'), 'the header is not shown on screen');
    assert.ok(await shown(page, 'form'), 'the page has no form on screen to hide in print');
    await assertPrinted(page, 'print-page', { content: ['Die Regeln stehen im', 'Reisekostenrecht', `Druckbereich ${space}`, 'Wert 9'] });

    await page.goto(`/fragen/${q.id}`);
    await assertPrinted(page, 'print-question', { content: ['Wer erstattet Taxifahrten?', 'oder nicht?', 'Die Reisekostenstelle, mit Beleg.', 'Reisekostenrecht'] });
  });
});

test('a space owner imports an exported space into an empty one through the settings', { timeout: 180_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  const token = fachnetz(['users', 'token', person.email]).trim();
  const source = unique('quelle').toLowerCase();
  const target = unique('ziel').toLowerCase();
  await api(token, 'POST', '/spaces', { name: `Quelle ${source}`, slug: source });
  await api(token, 'POST', '/spaces', { name: `Ziel ${target}`, slug: target });
  const pages = `/spaces/${source}/pages`;
  await api(token, 'PUT', `${pages}/haushalt`, { title: 'Haushalt', body: 'Siehe [[Mittelabfluss]]. ![Grafik](grafik.png)', topics: ['Haushaltsrecht'] });
  await api(token, 'PUT', `${pages}/mittelabfluss`, { title: 'Mittelabfluss', parent: 'haushalt', body: 'Zurück zum [[Haushalt]].' });
  await uploadFile(token, source, 'haushalt', 'grafik.png', png, 'image/png');

  await withPage(browser, { width: 1280 }, 'import', async (page) => {
    await signIn(page, person, `/bereiche/${source}`);
    const href = await page.getByRole('link', { name: 'Bereich exportieren (ZIP)' }).getAttribute('href');
    const res = await page.request.get(href);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'application/zip');
    const zip = await res.body();

    // The form is found in the settings of the new space.
    await page.goto(`/bereiche/${target}/einstellungen`);
    await page.getByRole('link', { name: 'Seiten aus einem Export importieren (ZIP)' }).click();
    await page.waitForURL((u) => u.pathname === `/bereiche/${target}/einstellungen/import`);
    await visit(page, `/bereiche/${target}/einstellungen/import`, 'import-form-1280');

    // Something that is no zip: the error names the field and keeps the address.
    await page.getByLabel('ZIP-Datei').setInputFiles({ name: 'notiz.zip', mimeType: 'application/zip', buffer: Buffer.from('kein zip') });
    await page.getByRole('button', { name: 'Importieren' }).click();
    await page.getByText('Die Datei ist keine lesbare ZIP-Datei.').first().waitFor();
    await visitCurrent(page, 'import-form-error-1280');

    await page.getByLabel('ZIP-Datei').setInputFiles({ name: `${source}.zip`, mimeType: 'application/zip', buffer: zip });
    await page.getByRole('button', { name: 'Importieren' }).click();
    await page.waitForURL((u) => u.pathname === `/bereiche/${target}`);
    await page.getByText('2 Seiten importiert.').waitFor();
    await page.getByRole('link', { name: 'Haushalt', exact: true }).click();
    await page.getByRole('link', { name: 'Mittelabfluss' }).first().waitFor();
    assert.ok(await page.locator('.markdown img[alt="Grafik"]').count(), 'the imported image is not shown');
    const img = await page.request.get(await page.locator('.markdown img[alt="Grafik"]').getAttribute('src'));
    assert.equal(img.status(), 200);
    assert.equal(Buffer.compare(await img.body(), png), 0, 'the imported file differs');
  });

  await withPage(browser, { width: 360 }, 'import-360', async (page) => {
    await signIn(page, person, `/bereiche/${target}/einstellungen/import`);
    await visit(page, `/bereiche/${target}/einstellungen/import`, 'import-form-360');
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(wide <= 0, `the import form scrolls sideways by ${wide} px`);
  });
});

/** axe-core and a screenshot of the page as it is (after a form was sent). */
async function visitCurrent(page, name) {
  const lines = await axeViolations(page);
  await screenshot(page, name);
  assert.equal(lines.length, 0, `axe-core on ${name}:\n  ${lines.join('\n  ')}`);
}
