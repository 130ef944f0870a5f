// Shared helpers for the browser tests (node:test + playwright-core + axe-core).
//
// Environment:
//   FACHNETZ_E2E_BASE_URL   URL of the running server under test (required)
//   CHROMIUM_BIN            Chromium executable (default /usr/bin/chromium)
//   FACHNETZ_E2E_ARTIFACTS  where screenshots go (default .artifacts/e2e)
//
// Every page made by newPage() records problems that fail the test in visit() and
// assertClean(): a Content-Security-Policy violation, a request to any origin other
// than the base URL's (nothing may load from third-party servers), and uncaught
// JavaScript errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);

/** Base URL of the server under test, without a trailing slash. */
export const baseURL = (() => {
  const v = process.env.FACHNETZ_E2E_BASE_URL;
  if (!v) {
    throw new Error(
      'FACHNETZ_E2E_BASE_URL is not set: the browser tests need a running server ' +
        '(make test starts one; or set FACHNETZ_E2E_BASE_URL=http://127.0.0.1:8080 for make run)',
    );
  }
  return v.replace(/\/+$/, '');
})();
const baseOrigin = new URL(baseURL).origin;

export const artifactsDir = path.resolve(process.env.FACHNETZ_E2E_ARTIFACTS || '.artifacts/e2e');

/** The axe-core tags every page must pass. */
export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

let axeSource;
function getAxeSource() {
  // axe-core's main module exposes its own browser bundle as `source`.
  axeSource ??= require(require.resolve('axe-core')).source;
  return axeSource;
}

/** Launch headless Chromium (Debian's package by default). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

const problemsOf = new WeakMap();

/**
 * A page in a fresh browser context.
 * width: 1280 (desktop) or 360 (phone); height is 800. locale sets Accept-Language
 * and navigator.language. allowOrigins: further origins the page may talk to (e.g. the
 * test OpenID provider's, which is a second server of the test run, not a third party).
 * Close it with `await page.context().close()` (or use withPage).
 */
export async function newPage(browser, { width = 1280, locale = 'de-DE', allowOrigins = [] } = {}) {
  const allowed = new Set([baseOrigin, ...allowOrigins.map((o) => new URL(o).origin)]);
  const context = await browser.newContext({
    baseURL,
    locale,
    viewport: { width, height: 800 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.setDefaultNavigationTimeout(20_000);
  const problems = [];
  problemsOf.set(page, problems);

  page.on('console', (msg) => {
    const text = msg.text();
    if (/Content[- ]Security[- ]Policy/i.test(text)) {
      problems.push(`CSP violation reported by the console: ${text}`);
    }
  });
  page.on('pageerror', (err) => {
    problems.push(`uncaught JavaScript error: ${err.message}`);
  });
  page.on('request', (req) => {
    const url = req.url();
    if (/^(data|blob|about):/.test(url)) return;
    let origin;
    try {
      origin = new URL(url).origin;
    } catch {
      origin = url;
    }
    if (!allowed.has(origin)) {
      problems.push(`request to another origin than ${baseOrigin}: ${req.method()} ${url}`);
    }
  });
  // Also catch violations the console might word differently.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(
        `Content Security Policy violation: ${e.violatedDirective} blocked ${e.blockedURI || '(inline)'} ` +
          `at ${e.sourceFile || e.documentURI}:${e.lineNumber}`,
      );
    });
  });
  return page;
}

/** Fail when the page recorded a CSP violation, a third-party request or a JavaScript error. */
export function assertClean(page) {
  const problems = problemsOf.get(page) || [];
  if (problems.length) assert.fail(`problems on ${page.url()}:\n  ${problems.join('\n  ')}`);
}

/** Run axe-core on the current page; returns one line per violation (empty when none). */
export async function axeViolations(page) {
  const hasAxe = await page.evaluate(() => typeof window.axe === 'object');
  if (!hasAxe) {
    // Evaluated through the DevTools protocol, so the page's CSP does not block it.
    await page.evaluate(getAxeSource());
  }
  const result = await page.evaluate(
    (tags) =>
      window.axe.run(document, {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      }),
    axeTags,
  );
  return result.violations.map((v) => {
    const targets = v.nodes
      .slice(0, 3)
      .map((n) => n.target.join(' '))
      .join(' | ');
    const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
    return `${v.id} [${v.impact}] ${v.help} — ${targets}${more} (${v.helpUrl})`;
  });
}

/** Run axe-core on the current page; fail listing every violation (id, impact, help, targets). */
export async function checkA11y(page, name = page.url()) {
  const lines = await axeViolations(page);
  assert.equal(
    lines.length,
    0,
    `axe-core found ${lines.length} violation(s) on ${name} (${page.url()}):\n  ${lines.join('\n  ')}`,
  );
}

function fileName(name) {
  return `${String(name).replace(/[^A-Za-z0-9._-]+/g, '_')}.png`;
}

/** Save a full-page screenshot as FACHNETZ_E2E_ARTIFACTS/NAME.png; returns the path. */
export async function screenshot(page, name) {
  mkdirSync(artifactsDir, { recursive: true });
  const file = path.join(artifactsDir, fileName(name));
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Go to path, expect a 2xx/3xx answer, run axe-core, save a screenshot, assert nothing bad happened. */
export async function visit(page, urlPath, name) {
  const res = await page.goto(urlPath, { waitUntil: 'load' });
  assert.ok(res, `no response for ${urlPath}`);
  assert.ok(res.status() >= 200 && res.status() < 400, `GET ${urlPath} answered ${res.status()}`);
  const violations = await axeViolations(page);
  await screenshot(page, name);
  const problems = problemsOf.get(page) || [];
  const report = [];
  if (violations.length) report.push(`axe-core found ${violations.length} violation(s):`, ...violations.map((l) => `  ${l}`));
  if (problems.length) report.push(...problems);
  if (report.length) assert.fail(`${name} (${page.url()}):\n  ${report.join('\n  ')}`);
  return res;
}

/**
 * Run fn(page) on a fresh page; on failure keep a screenshot FAILED-<name>.png;
 * always check for recorded problems and close the context.
 */
export async function withPage(browser, opts, name, fn) {
  const page = await newPage(browser, opts);
  try {
    await fn(page);
    assertClean(page);
  } catch (err) {
    await screenshot(page, `FAILED-${name}`).catch(() => {});
    throw err;
  } finally {
    await page.context().close();
  }
}

/**
 * Polls check until it returns true. The bound only tells something that never
 * happens from something slow on a loaded machine; speed is for benchmarks.
 */
export async function waitUntil(check, what, { seconds = 30 } = {}) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `${what}: not within ${seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let seq = 0;
/** A name no other test of this run uses (handles, slugs, e-mail addresses). */
export function unique(prefix) {
  seq += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${seq}`;
}

/**
 * Run the fachnetz binary under test (FACHNETZ_BIN, set by scripts/test.sh) with the
 * environment of the test instance; returns its standard output. Used to create
 * agencies, accounts and tokens the way an operator would.
 */
export function fachnetz(args, { input = '' } = {}) {
  const bin = process.env.FACHNETZ_BIN;
  if (!bin) throw new Error('FACHNETZ_BIN is not set: run the browser tests through make test');
  return execFileSync(bin, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Create an agency; returns its slug. */
export function createAgency(name = 'Behörde für Browsertests') {
  const slug = unique('behoerde');
  fachnetz(['agencies', 'add', slug, '--name', name]);
  return slug;
}

/**
 * Create an account with a password; returns { email, password, name, handle }.
 * roles: ['admin'] and/or ['knowledge-manager'].
 */
export function createPerson({ agency = createAgency(), name, roles = [] } = {}) {
  const handle = unique('person').toLowerCase();
  const email = `${handle}@example.org`;
  const password = `ein-langes-passwort-${handle}`;
  const displayName = name ?? `Person ${handle}`;
  const flags = roles.map((r) => `--${r}`);
  fachnetz(['users', 'add', '--email', email, '--name', displayName, '--agency', agency, '--handle', handle, '--password-stdin', ...flags], {
    input: `${password}\n`,
  });
  return { email, password, name: displayName, handle, agency };
}

/** Sign in through the sign-in form; ends on the page `next` (default /). */
export async function signIn(page, person, next = '/') {
  await page.goto(`/anmelden?next=${encodeURIComponent(next)}`);
  await page.getByLabel(/E-Mail/).fill(person.email);
  await page.getByLabel(/^Passwort$|^Password$/).fill(person.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/anmelden')), page.getByRole('button', { name: /^Anmelden$|^Sign in$/ }).click()]);
}

/** A 1×1 PNG, for uploads. */
export const png = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c63f8cfc0f01f0005000101ff89993d1d0000000049454e44ae426082',
  'hex',
);

/**
 * Creates a space through its form and returns its path. visibility 'private'
 * (members only) or 'organisation' (the whole agency, its staff members).
 */
export async function createSpace(page, name, { visibility = 'private' } = {}) {
  await page.goto('/bereiche/neu');
  await page.getByLabel('Name', { exact: true }).fill(name);
  if (visibility === 'organisation') {
    await page.getByLabel('Ganze Behörde').check();
    await page.getByLabel('Rolle der Beschäftigten der Behörde').selectOption('member');
  } else {
    await page.getByLabel('Privat').check();
  }
  await page.getByRole('button', { name: 'Bereich anlegen' }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
  return new URL(page.url()).pathname;
}

/** Writes a page in the editor and returns its path. */
export async function createPage(page, spacePath, title, body) {
  await page.goto(`${spacePath}/neu`);
  await page.getByLabel('Titel').fill(title);
  await page.getByLabel('Text (Markdown)').fill(body);
  await page.getByRole('button', { name: 'Speichern' }).click();
  await page.getByRole('heading', { level: 1, name: title }).waitFor();
  return new URL(page.url()).pathname;
}

/**
 * A mail thread as saved from a mail program (.eml): a citizen's question and
 * a colleague's answer in Outlook's German quoting, with greetings, a signature
 * and an attachment.
 */
export function savedThread({ subject = 'Verpflegungspauschale bei mehrtägigen Dienstreisen', colleague = 'Sabine Sachbearbeiterin <sabine@example.org>' } = {}) {
  const lines = [
    `From: ${colleague}`,
    'To: Erika Beispiel <erika.beispiel@buerger.example>',
    `Subject: AW: ${subject}`,
    `Message-ID: <${unique('thread')}@example.org>`,
    'Date: Tue, 03 Mar 2026 10:15:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="grenze"',
    '',
    '--grenze',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Sehr geehrte Frau Beispiel,',
    '',
    'ab 24 Stunden Abwesenheit beträgt die Verpflegungspauschale 28 Euro je Kalendertag.',
    '',
    'Mit freundlichen Grüßen',
    'Sabine Sachbearbeiterin',
    'Referat Z 3 – Reisekosten',
    '',
    '-----Ursprüngliche Nachricht-----',
    'Von: Erika Beispiel <erika.beispiel@buerger.example>',
    'Gesendet: Montag, 2. März 2026 09:00',
    'An: Bürgerservice',
    `Betreff: ${subject}`,
    '',
    'Guten Tag,',
    '',
    'wie hoch ist die Verpflegungspauschale bei einer mehrtägigen Dienstreise?',
    '',
    'Viele Grüße',
    'Erika Beispiel',
    '--grenze',
    'Content-Type: application/pdf; name="Reiseantrag.pdf"',
    'Content-Disposition: attachment; filename="Reiseantrag.pdf"',
    'Content-Transfer-Encoding: base64',
    '',
    'JVBERi0xLjQKJcTl8uXrCjEgMCBvYmoKPDwvVHlwZS9DYXRhbG9nPj4KZW5kb2JqCnRyYWlsZXIKPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==',
    '--grenze--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** Uploads a saved mail on the ask page into a space; returns the review page's path. */
export async function uploadMail(page, spaceName, mail = savedThread()) {
  await page.goto('/fragen/neu');
  await page.getByLabel('E-Mail-Datei').setInputFiles({ name: 'verlauf.eml', mimeType: 'message/rfc822', buffer: mail });
  await page.locator('#f-mail_space').selectOption({ label: spaceName });
  await Promise.all([page.waitForURL(/\/fragen\/entwuerfe\/\d+$/), page.getByRole('button', { name: 'E-Mail übernehmen' }).click()]);
  return new URL(page.url()).pathname;
}
