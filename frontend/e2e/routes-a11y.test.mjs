// Every GET route of the HTML route table, visited as the right person with real data
// at 1280 and 360 px: axe-core finds no violation and the document is never wider than
// the viewport (WCAG 1.4.10). The list comes from `fachnetz routes`, the router that
// serve builds: a new GET route that is neither visited here nor listed as no page
// fails the test with its pattern.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import {
  axeViolations,
  baseURL,
  createAgency,
  createPerson,
  fachnetz,
  launch,
  newPage,
  screenshot,
  signIn,
  unique,
  uploadMail,
} from './lib.mjs';

// GET routes that are no pages of their own, each with the reason.
const notPages = new Map([
  ['/healthz', 'liveness probe for operators, plain text'],
  ['/readyz', 'readiness probe for operators, JSON'],
  ['/metrics', 'Prometheus metrics for operators'],
  ['/debug/pprof/', 'Go profiler for operators'],
  ['/debug/pprof/:name', 'Go profiler for operators'],
  ['/debug/pprof/profile', 'Go profiler for operators'],
  ['/static/*path', 'stylesheets, scripts, fonts and icons'],
  ['/anhaenge/:id/:name', 'an attachment file, downloaded or shown as an image'],
  ['/entwuerfe/dateien/:id/:name', 'a file of a draft, downloaded'],
  ['/fragen/entwuerfe/:draft/dateien/:file/:name', 'a file of a mail draft, downloaded'],
  ['/fragen/:id/dateien/:file/:name', 'a file of a question, downloaded'],
  ['/personen/:handle/foto', 'a profile photo, an image'],
  ['/bereiche/:space/seiten/:page/export.md', "a page's Markdown, downloaded"],
  ['/profil/export.json', "a person's data as JSON, downloaded"],
  ['/bereiche/:space/export', 'a space as a zip of Markdown files, downloaded'],
  ['/bereiche/:space/seitenvorschlaege', 'JSON suggestions for the link dialog of the editor'],
  ['/suche/vorschlaege', 'JSON suggestions of the header search'],
  ['/personenvorschlaege', 'JSON suggestions of people for invitations'],
  ['/fragen/aehnlich', 'htmx fragment: similar questions while a question is typed (part of /fragen/neu)'],
  ['/anmelden/dienstkonto', 'redirect to the OpenID provider (oidc.test.mjs covers the round trip)'],
  ['/anmelden/dienstkonto/zurueck', "the OpenID provider's callback, needs its state (oidc.test.mjs)"],
]);
// The JSON API has its own tests and the OpenAPI document.
const notPagePrefixes = ['/api/'];

const widths = [1280, 360];
const people = {};
const data = {};
let browser;
const tabs = {}; // one page per person, signed in once, resized per width

function token(person) {
  return fachnetz(['users', 'token', person.email]).trim();
}

async function api(person, method, path, body) {
  const res = await fetch(`${baseURL}/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${person.token}`, 'Content-Type': 'application/json', 'Accept-Language': 'de' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : {};
}

function sql(statement) {
  const db = process.env.FACHNETZ_DATABASE_URL;
  if (!db) throw new Error('FACHNETZ_DATABASE_URL is not set: run the browser tests through scripts/test.sh');
  return execFileSync('psql', [db, '-v', 'ON_ERROR_STOP=1', '-tAqc', statement], { encoding: 'utf8' }).trim();
}

// Sends a form of the web interface with the session and CSRF token of page.
// allow: further statuses that are fine (409: made by an earlier run on the same database).
async function postForm(page, formPage, action, fields, allow = []) {
  await page.goto(formPage);
  const csrf = await page.locator('input[name="csrf_token"]').first().getAttribute('value');
  const res = await page.request.post(action, { form: { csrf_token: csrf, ...fields }, maxRedirects: 0 });
  assert.ok(res.status() < 400 || allow.includes(res.status()), `POST ${action} answered ${res.status()}: ${(await res.text()).slice(0, 500)}`);
  return res;
}

async function firstHref(page, url, pattern) {
  await page.goto(url);
  const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  const href = hrefs.find((h) => pattern.test(h));
  assert.ok(href, `no link matching ${pattern} on ${url}`);
  return href;
}

const wideTable =
  '| Verfahren | Zuständige Stelle | Rechtsgrundlage | Frist | Gebühr | Formular | Ansprechperson | Bemerkung |\n' +
  '|---|---|---|---:|---:|---|---|---|\n' +
  '| Widerspruchsverfahren | Rechtsamt, Sachgebiet Verwaltungsverfahren | § 70 VwGO | 30 Tage | 0 € | Vordruck W-12 | Frau Beispielhaft | Fristbeginn mit Bekanntgabe des Bescheids |\n' +
  '| Akteneinsicht | Registratur und Schriftgutverwaltung | § 29 VwVfG | 14 Tage | 15 € | Vordruck A-3 | Herr Mustermann | nur nach schriftlichem Antrag |\n';

before(async () => {
  browser = await launch();
  const agency = createAgency('Behörde für den Barrierefreiheits-Rundgang');
  // The owner of the space is also admin and knowledge manager: one person sees
  // every page of the route table; the reader is a viewer of the space (403 on writes).
  people.owner = createPerson({ agency, name: 'Olga Eigentümerin', roles: ['admin', 'knowledge-manager'] });
  people.reader = createPerson({ agency, name: 'Rudi Leser' });
  // Further members with long names, as the member list and the directory show them.
  const more = [1, 2].map((n) => createPerson({ agency, name: `Maximiliane Mustermann-Schnarrenberger ${n}` }));
  for (const p of Object.values(people)) p.token = token(p);

  const owner = people.owner;
  const space = await api(owner, 'POST', '/spaces', { name: 'Rundgang Fachwissen', slug: unique('rundgang').toLowerCase(), visibility: 'private' });
  data.space = space.slug;
  await api(owner, 'PUT', `/spaces/${data.space}/members/${people.reader.handle}`, { role: 'viewer' });
  for (const m of more) await api(owner, 'PUT', `/spaces/${data.space}/members/${m.handle}`, { role: 'moderator' });
  const body =
    '# Handbuch\n\nEinleitung mit einem [[Fristen]]-Verweis, zum Vorgang Az. 12-345/2026.\n\n## Aufgaben\n\n- [x] Antrag geprüft\n- [ ] Bescheid versandt\n\n## Übersicht\n\n' +
    wideTable;
  const handbook = await api(owner, 'PUT', `/spaces/${data.space}/pages/handbuch`, { title: 'Handbuch', body });
  await api(owner, 'PUT', `/spaces/${data.space}/pages/handbuch`, { body: `${body}\nNachtrag zur zweiten Fassung.\n`, base_revision: handbook.revision });
  await api(owner, 'PUT', `/spaces/${data.space}/pages/fristen`, {
    title: 'Fristen im Widerspruchsverfahren nach der Verwaltungsgerichtsordnung',
    body: 'Die Frist beträgt 30 Tage.',
    parent: 'handbuch',
    owner: owner.handle,
    review_due: '2020-01-31',
  });
  await api(owner, 'PUT', `/spaces/${data.space}/pages/widerspruch`, { title: 'Widerspruch', body: 'Ein Unterkapitel.', parent: 'fristen' });
  await api(owner, 'PUT', `/spaces/${data.space}/pages/veraltet`, { title: 'Veraltet', body: 'Kommt in den Papierkorb.' });
  await api(owner, 'DELETE', `/spaces/${data.space}/pages/veraltet`);

  const question = await api(owner, 'POST', '/questions', {
    space: data.space,
    title: 'Wie lange dauert ein Widerspruchsverfahren?',
    body: 'Gibt es eine Übersicht?\n\n- [ ] Frist geprüft\n\n' + wideTable,
  });
  data.question = question.id;
  const answer = await api(owner, 'POST', `/questions/${data.question}/answers`, { body: 'In der Regel drei Monate, siehe [[Fristen]].' });
  data.answer = answer.id;
  await api(owner, 'POST', `/answers/${data.answer}/accept`);
  const topic = await api(owner, 'POST', '/topics', { name: `Verwaltungsverfahren ${unique('t')}` });
  data.topic = topic.slug;
  const hook = await api(owner, 'POST', `/spaces/${data.space}/webhooks`, { url: 'https://127.0.0.1:9/fachnetz', events: ['page_changed'] });
  data.webhook = hook.webhook.id;
  data.group = unique('gruppe').toLowerCase();
  fachnetz(['groups', 'add', data.group, '--name', 'Gruppe Rundgang']);

  // Released trend figures: a week's row per kind, as the daily aggregation
  // writes them, with enough people in a large enough scope to be shown.
  const agencyID = sql(`SELECT id FROM agencies WHERE slug = '${agency}'`);
  const pageID = sql(`SELECT p.id FROM pages p JOIN spaces s ON s.id = p.space_id WHERE s.slug = '${data.space}' AND p.slug = 'handbuch'`);
  const spaceID = sql(`SELECT id FROM spaces WHERE slug = '${data.space}'`);
  const week = `date_trunc('week', (now() AT TIME ZONE 'UTC')::date - 1)::date`;
  sql(
    `INSERT INTO stats_weekly (week, scope, kind, item, space_id, people, population) VALUES
      (${week}, 'agency:${agencyID}', 'search', 'widerspruch frist', NULL, 12, 40),
      (${week}, 'agency:${agencyID}', 'search_empty', 'akteneinsicht gebühr', NULL, 7, 40),
      (${week}, 'space:${spaceID}', 'page', '${pageID}', ${spaceID}, 11, 40)
     ON CONFLICT DO NOTHING`,
  );

  for (const [who, person] of Object.entries({ anonymous: null, ...people })) {
    const page = await newPage(browser, { width: 1280 });
    if (person) await signIn(page, person);
    tabs[who] = page;
  }
  const owned = tabs.owner;
  await postForm(owned, `/fragen/${data.question}`, `/fragen/${data.question}/kommentare`, { body: 'Danke, hilfreich.', on: 'question' });
  data.comment = (await firstHref(owned, `/fragen/${data.question}`, /\/kommentare\/\d+\/loeschen$/)).match(/kommentare\/(\d+)/)[1];
  await postForm(owned, '/glossar/verwalten/neu', '/glossar/verwalten/neu', { term: 'Bescheid', definition: 'Ein Verwaltungsakt in Schriftform.', abbreviations: '' }, [409]);
  data.term = (await firstHref(owned, '/glossar/verwalten', /^\/glossar\/verwalten\/(?!neu)[^/]+$/)).split('/').pop();
  await postForm(owned, '/barrierefreiheit/melden', '/barrierefreiheit/melden', { page_url: '/suche', description: 'Die Tabelle ist am Telefon zu breit.', contact: '' });
  data.trashItem = (await firstHref(owned, `/bereiche/${data.space}/papierkorb`, /\/papierkorb\/\d+\/entfernen$/)).match(/papierkorb\/(\d+)/)[1];
  data.account = (await firstHref(owned, '/verwaltung/konten', /^\/verwaltung\/konten\/(?!neu)[^/]+$/)).split('/').pop();
  data.mailDraft = await uploadMail(owned, 'Rundgang Fachwissen');
  // A file-number pattern of the agency: the handbook links its file number.
  data.agency = agency;
  const fileNumbers = `/verwaltung/behoerden/${agency}/aktenzeichen`;
  await postForm(owned, fileNumbers, fileNumbers, { label: 'E-Akte', pattern: 'Az\\. \\d{1,3}-\\d{1,5}/\\d{4}', url: 'https://dms.example.de/akte?nr={nr}' });
  data.pattern = (await firstHref(owned, fileNumbers, /\/aktenzeichen\/\d+$/)).split('/').pop();
});

after(async () => {
  for (const page of Object.values(tabs)) await page.context().close();
  await browser?.close();
});

// How to visit each GET route: who, which address (with the data made above),
// the status expected (200 unless said), and for some what the page must show.
// Some routes are visited more than once.
function visits() {
  const s = `/bereiche/${data.space}`;
  const p = `${s}/seiten`;
  const q = `/fragen/${data.question}`;
  return {
    '/': [
      { who: 'anonymous', url: '/' },
      { who: 'owner', url: '/' },
    ],
    '/anmelden': [{ who: 'anonymous', url: '/anmelden' }],
    '/barrierefreiheit': [{ who: 'anonymous', url: '/barrierefreiheit' }],
    '/barrierefreiheit/melden': [{ who: 'owner', url: '/barrierefreiheit/melden?von=/suche' }],
    '/datenschutz': [{ who: 'anonymous', url: '/datenschutz' }],
    '/benachrichtigungen': [{ who: 'owner', url: '/benachrichtigungen' }],
    // Without a valid signed token from an e-mail the page says the link is not valid.
    '/benachrichtigungen/abbestellen': [{ who: 'anonymous', url: '/benachrichtigungen/abbestellen?t=ungueltig', status: 'any' }],
    '/bereiche': [{ who: 'owner', url: '/bereiche' }],
    '/bereiche/neu': [{ who: 'owner', url: '/bereiche/neu' }],
    '/bereiche/:space': [{ who: 'owner', url: s }],
    '/bereiche/:space/einstellungen': [{ who: 'owner', url: `${s}/einstellungen` }],
    '/bereiche/:space/einstellungen/import': [{ who: 'owner', url: `${s}/einstellungen/import` }],
    '/bereiche/:space/neu': [
      { who: 'owner', url: `${s}/neu` },
      { who: 'reader', url: `${s}/neu`, status: 403, name: 'error-403' },
    ],
    '/bereiche/:space/papierkorb': [{ who: 'owner', url: `${s}/papierkorb` }],
    '/bereiche/:space/papierkorb/:id/entfernen': [{ who: 'owner', url: `${s}/papierkorb/${data.trashItem}/entfernen` }],
    '/bereiche/:space/seiten/:page': [
      {
        who: 'owner',
        url: `${p}/handbuch`,
        name: 'page-table-tasks',
        expect: async (page) =>
          (await page.getByRole('checkbox', { name: 'Antrag geprüft' }).isVisible()) &&
          (await page.getByRole('region', { name: /^Tabelle: Verfahren/ }).isVisible()) &&
          // On a phone the table scrolls in its region, its words whole,
          // rather than squeeze its columns to a letter each.
          (page.viewportSize().width > 400 ||
            (await page.getByRole('region', { name: /^Tabelle: Verfahren/ }).evaluate((el) => el.scrollWidth > el.clientWidth))),
      },
      {
        who: 'owner',
        url: `${p}/widerspruch`,
        name: 'page-in-tree',
        // The link and the toggle of a node with subpages are two controls.
        expect: async (page) =>
          (await page.locator('.wiki-tree summary').filter({ hasText: 'Unterseiten von Handbuch' }).count()) === 1 &&
          (await page.locator('.wiki-tree').getByRole('link', { name: 'Handbuch', exact: true }).isVisible()),
      },
      { who: 'reader', url: `${p}/fristen`, name: 'page-reader' },
    ],
    '/bereiche/:space/seiten/:page/bearbeiten': [{ who: 'owner', url: `${p}/handbuch/bearbeiten` }],
    '/bereiche/:space/seiten/:page/loeschen': [{ who: 'owner', url: `${p}/fristen/loeschen` }],
    '/bereiche/:space/seiten/:page/verschieben': [{ who: 'owner', url: `${p}/fristen/verschieben` }],
    '/bereiche/:space/seiten/:page/vergleich': [{ who: 'owner', url: `${p}/handbuch/vergleich?von=1&bis=2` }],
    '/bereiche/:space/seiten/:page/versionen': [{ who: 'owner', url: `${p}/handbuch/versionen` }],
    '/bereiche/:space/seiten/:page/versionen/:n': [{ who: 'owner', url: `${p}/handbuch/versionen/1` }],
    '/bereiche/:space/seiten/:page/versionen/:n/entfernen': [{ who: 'owner', url: `${p}/handbuch/versionen/1/entfernen` }],
    '/bereiche/:space/webhooks': [{ who: 'owner', url: `${s}/webhooks` }],
    '/bereiche/:space/webhooks/:id': [{ who: 'owner', url: `${s}/webhooks/${data.webhook}` }],
    '/experten': [{ who: 'owner', url: `/experten?thema=${data.topic}` }],
    '/fragen': [{ who: 'owner', url: '/fragen' }],
    '/fragen/neu': [{ who: 'owner', url: `/fragen/neu?bereich=${data.space}` }],
    '/fragen/entwuerfe': [{ who: 'owner', url: '/fragen/entwuerfe' }],
    '/fragen/entwuerfe/:draft': [{ who: 'owner', url: data.mailDraft, name: 'mail-draft', expect: (page) => page.getByText('Von extern am 02.03.2026').isVisible() }],
    '/fragen/:id': [{ who: 'owner', url: q, name: 'question-with-answers', expect: (page) => page.getByText('In der Regel drei Monate').isVisible() }],
    '/fragen/:id/bearbeiten': [{ who: 'owner', url: `${q}/bearbeiten` }],
    '/fragen/:id/loeschen': [{ who: 'owner', url: `${q}/loeschen` }],
    '/fragen/:id/ins-wiki': [{ who: 'owner', url: `${q}/ins-wiki` }],
    '/fragen/:id/antworten/:answer/bearbeiten': [{ who: 'owner', url: `${q}/antworten/${data.answer}/bearbeiten` }],
    '/fragen/:id/antworten/:answer/loeschen': [{ who: 'owner', url: `${q}/antworten/${data.answer}/loeschen` }],
    '/fragen/:id/kommentare/:comment/loeschen': [{ who: 'owner', url: `${q}/kommentare/${data.comment}/loeschen` }],
    '/glossar': [{ who: 'owner', url: '/glossar' }],
    '/glossar/verwalten': [{ who: 'owner', url: '/glossar/verwalten' }],
    '/glossar/verwalten/neu': [{ who: 'owner', url: '/glossar/verwalten/neu' }],
    '/glossar/verwalten/:term': [{ who: 'owner', url: `/glossar/verwalten/${data.term}` }],
    '/konto': [{ who: 'owner', url: '/konto' }],
    '/konto/benachrichtigungen': [{ who: 'owner', url: '/konto/benachrichtigungen' }],
    '/organisation': [{ who: 'owner', url: '/organisation' }],
    '/personen': [{ who: 'owner', url: '/personen?q=Maximiliane' }],
    '/personen/:handle': [{ who: 'owner', url: `/personen/${people.reader.handle}` }],
    '/profil': [{ who: 'owner', url: '/profil' }],
    '/profil/loeschen': [{ who: 'owner', url: '/profil/loeschen' }],
    '/pruefung': [{ who: 'owner', url: '/pruefung' }],
    // The language switch answers with a redirect: the page it leads to is checked,
    // in English, with the German content of the space.
    '/sprache': [
      {
        who: 'reader',
        url: `/sprache?lang=en&next=${encodeURIComponent(`${p}/handbuch`)}`,
        name: 'page-english-interface',
        then: '/sprache?lang=de&next=/',
        // German content in the English interface is marked as German (WCAG 3.1.2).
        expect: async (page) => (await page.locator('html[lang="en"] .markdown[lang="de"]').count()) === 1,
      },
    ],
    '/suche': [{ who: 'owner', url: '/suche?q=Frist' }],
    '/themen': [{ who: 'owner', url: '/themen' }],
    '/themen/:topic': [{ who: 'owner', url: `/themen/${data.topic}` }],
    '/themen/verwalten': [{ who: 'owner', url: '/themen/verwalten' }],
    '/themen/verwalten/neu': [{ who: 'owner', url: '/themen/verwalten/neu' }],
    '/themen/verwalten/:topic': [{ who: 'owner', url: `/themen/verwalten/${data.topic}` }],
    '/trends': [{ who: 'owner', url: '/trends', name: 'trends-with-figures', expect: (page) => page.getByText('akteneinsicht gebühr').isVisible() }],
    '/verwaltung': [{ who: 'owner', url: '/verwaltung' }],
    '/verwaltung/barrieren': [{ who: 'owner', url: '/verwaltung/barrieren' }],
    '/verwaltung/behoerden': [{ who: 'owner', url: '/verwaltung/behoerden' }],
    '/verwaltung/behoerden/:agency/aktenzeichen': [{ who: 'owner', url: `/verwaltung/behoerden/${data.agency}/aktenzeichen` }],
    '/verwaltung/behoerden/:agency/aktenzeichen/:pattern': [
      { who: 'owner', url: `/verwaltung/behoerden/${data.agency}/aktenzeichen/${data.pattern}` },
    ],
    '/verwaltung/gruppen': [{ who: 'owner', url: '/verwaltung/gruppen' }],
    '/verwaltung/gruppen/:group': [{ who: 'owner', url: `/verwaltung/gruppen/${data.group}` }],
    '/verwaltung/konten': [{ who: 'owner', url: '/verwaltung/konten' }],
    '/verwaltung/konten/neu': [{ who: 'owner', url: '/verwaltung/konten/neu' }],
    '/verwaltung/konten/:account': [{ who: 'owner', url: `/verwaltung/konten/${data.account}` }],
  };
}

// States that no GET route names: error pages.
const errorVisits = [
  { who: 'anonymous', url: '/gibt-es-nicht', status: 404, name: 'error-404-anonymous' },
  { who: 'owner', url: '/bereiche/gibt-es-nicht', status: 404, name: 'error-404' },
];

function getRoutes() {
  return fachnetz(['routes'])
    .split('\n')
    .filter((l) => l.startsWith('GET '))
    .map((l) => l.slice(4).trim());
}

// Checks the page at its current width; returns the problems found.
async function check(visit, width) {
  const page = tabs[visit.who];
  const name = `route-${visit.name || visit.url}-${width}`;
  const problems = [];
  const res = await page.goto(visit.url, { waitUntil: 'load' });
  const status = res?.status();
  if (visit.status === undefined && !(status >= 200 && status < 300)) problems.push(`answered ${status}`);
  if (typeof visit.status === 'number' && status !== visit.status) problems.push(`answered ${status}, want ${visit.status}`);
  if (visit.status === 'any' && !(status < 500)) problems.push(`answered ${status}`);
  if (visit.expect && !(await visit.expect(page))) problems.push('does not show what it should (see the visit in routes-a11y.test.mjs)');
  for (const v of await axeViolations(page)) problems.push(v);
  const wide = await page.evaluate(() => {
    const vw = window.innerWidth;
    const doc = document.documentElement.scrollWidth;
    if (doc <= vw) return null;
    // The innermost elements that reach past the right edge, to say what to fix.
    const past = (el) => el.getBoundingClientRect().right > vw + 0.5;
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      // An element past the edge, or one whose text runs out of it (a long word).
      const spills = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX === 'visible' && el.clientWidth > 0;
      if (!(past(el) && ![...el.children].some(past)) && !spills) continue;
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      culprits.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${cls} (right ${Math.round(el.getBoundingClientRect().right)})`);
      if (culprits.length >= 5) break;
    }
    return { doc, vw, culprits };
  });
  if (wide) problems.push(`document is ${wide.doc} px wide in a ${wide.vw} px viewport: ${wide.culprits.join(', ')}`);
  await screenshot(page, name);
  if (visit.then) await page.goto(visit.then);
  return problems.map((p) => `${visit.who} ${visit.url} at ${width}px: ${p}`);
}

test('every GET route is visited or explained', () => {
  const table = visits();
  const unknown = getRoutes().filter((r) => !notPages.has(r) && !notPagePrefixes.some((x) => r.startsWith(x)) && !table[r]);
  assert.deepEqual(unknown, [], `GET routes neither visited by routes-a11y.test.mjs nor listed as no page: ${unknown.join(', ')}`);
});

for (const width of widths) {
  test(`every page passes axe and fits ${width} px`, { timeout: 240_000 }, async () => {
    for (const page of Object.values(tabs)) await page.setViewportSize({ width, height: 800 });
    const routes = new Set(getRoutes());
    const problems = [];
    for (const [pattern, list] of Object.entries(visits())) {
      if (!routes.has(pattern)) problems.push(`${pattern} is visited here but is no GET route any more`);
      for (const visit of list) problems.push(...(await check(visit, width)));
    }
    for (const visit of errorVisits) problems.push(...(await check(visit, width)));
    problems.push(...(await conflict(width)));
    assert.deepEqual(problems, [], `${problems.length} problem(s) at ${width}px:\n  ${problems.join('\n  ')}`);
  });
}

// The edit conflict is no GET route: it is the answer to a save based on an old
// revision that collides with one saved meanwhile, so it is driven here.
async function conflict(width) {
  const page = tabs.owner;
  const slug = `konflikt-${width}`;
  const made = await api(people.owner, 'PUT', `/spaces/${data.space}/pages/${slug}`, { title: `Konflikt ${width}`, body: 'Erste Zeile.\n' });
  await page.goto(`/bereiche/${data.space}/seiten/${slug}/bearbeiten`);
  await api(people.owner, 'PUT', `/spaces/${data.space}/pages/${slug}`, { body: 'Erste Zeile, von anderer Seite geändert.\n', base_revision: made.revision });
  await page.getByLabel('Text (Markdown)').fill('Erste Zeile, hier geändert.\n');
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.waitForLoadState('load');
  const problems = [];
  if (!(await page.getByText(/Konflikt|gleichzeitig|inzwischen/i).first().isVisible())) problems.push('the conflict page did not appear');
  for (const v of await axeViolations(page)) problems.push(v);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  if (wide > 0) problems.push(`document is ${wide} px wider than the viewport`);
  await screenshot(page, `route-edit-conflict-${width}`);
  return problems.map((p) => `conflict page at ${width}px: ${p}`);
}
