// Sign-in through the agency's identity provider ("Mit Dienstkonto anmelden"), end to
// end against a real OpenID provider: scripts/oidc/provider.mjs (oidc-provider from npm),
// started by scripts/test.sh, whose issuer is FACHNETZ_E2E_OIDC_ISSUER. Its accounts
// (login name = account id, password OIDC_USER_PASSWORD):
//   erika         erika.mustermann@oidc.example, e-mail verified, agency oidc-behoerde, groups [oidc-projekt]
//   unbestaetigt  ungeprueft@oidc.example, e-mail NOT verified, agency oidc-behoerde
//
// The provider's own pages are not ours: axe-core runs only on Fachnetz's pages. Every
// test has a fresh browser context, so a fresh provider session too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseURL, fachnetz, launch, visit, withPage } from './lib.mjs';

const issuer = process.env.FACHNETZ_E2E_OIDC_ISSUER || process.env.FACHNETZ_OIDC_ISSUER;
if (!issuer) {
  throw new Error(
    'FACHNETZ_E2E_OIDC_ISSUER is not set: the OIDC tests need the test OpenID provider ' +
      '(scripts/oidc/provider.mjs), which make test starts and fachnetz serve must use',
  );
}
const providerOrigin = new URL(issuer).origin;
const fachnetzOrigin = new URL(baseURL).origin;
const providerPassword = process.env.OIDC_USER_PASSWORD || 'dienstkonto-test';

const agency = 'oidc-behoerde';
const agencyName = 'Behörde mit Dienstkonten';
const erika = { login: 'erika', name: 'Erika Mustermann', email: 'erika.mustermann@oidc.example' };
const unverified = { login: 'unbestaetigt', email: 'ungeprueft@oidc.example' };
const oidcLink = /^Mit Dienstkonto anmelden$|^Sign in with your service account$/;
const unverifiedMessage =
  'Ihre E-Mail-Adresse ist beim Dienstkonto nicht bestätigt. Bitte bestätigen Sie sie dort, dann können Sie sich anmelden.';

// Opens the pages of the test run's two servers: Fachnetz and the provider.
const pageOpts = (width) => ({ width, locale: 'de-DE', allowOrigins: [providerOrigin] });

let browser;
before(async () => {
  // The agency the provider's accounts name in their `agency` claim must exist before
  // anyone signs in (an operator creates it); idempotent, so the tests can run again
  // against the same instance.
  const slugs = fachnetz(['agencies', 'list'])
    .split('\n')
    .map((l) => l.split(/\s+/)[0]);
  if (!slugs.includes(agency)) fachnetz(['agencies', 'add', agency, '--name', agencyName]);
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Click, then wait until the navigation it starts (with all its redirects) has loaded. */
async function clickAndLoad(page, locator) {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: 20_000 });
  await locator.click();
  await navigated;
  await page.waitForLoadState('load');
}

/**
 * From Fachnetz's sign-in page: click "Mit Dienstkonto anmelden", sign in at the provider
 * as `login` and grant consent when it asks. Returns the provider's steps seen
 * (['login', 'consent'] for a new provider session, [] when it still knows the browser);
 * ends back at Fachnetz.
 */
async function signInThroughProvider(page, login) {
  const steps = [];
  await clickAndLoad(page, page.getByRole('link', { name: oidcLink }));
  for (let i = 0; i < 4 && new URL(page.url()).origin === providerOrigin; i++) {
    const loginField = page.getByLabel('Kennung');
    const consent = page.getByRole('button', { name: 'Zustimmen' });
    if (await loginField.count()) {
      steps.push('login');
      await loginField.fill(login);
      await page.getByLabel('Passwort').fill(providerPassword);
      await clickAndLoad(page, page.getByRole('button', { name: 'Weiter' }));
    } else if (await consent.count()) {
      steps.push('consent');
      await clickAndLoad(page, consent);
    } else {
      assert.fail(`unexpected page at the provider (${page.url()}):\n${await page.locator('body').innerText()}`);
    }
  }
  const url = new URL(page.url());
  assert.equal(url.origin, fachnetzOrigin, `back at Fachnetz after the provider (at ${page.url()}; steps: ${steps.join(', ')})`);
  assert.ok(!url.pathname.startsWith('/anmelden/dienstkonto'), `the callback redirected onwards (at ${page.url()})`);
  return steps;
}

/** The account menu in the header: the person's name opens it. */
function accountLink(page, name) {
  return page.locator('header details.account-menu > summary', { hasText: name });
}

/** On /konto: the handle shown (without "@"). */
async function handleOnAccountPage(page) {
  const dd = page.locator('main dd').filter({ hasText: /^@/ });
  assert.equal(await dd.count(), 1, 'one handle on /konto');
  return (await dd.innerText()).trim().replace(/^@/, '');
}

/** Lines of `fachnetz users list --agency oidc-behoerde` with the address. */
function accountLines(email) {
  return fachnetz(['users', 'list', '--agency', agency])
    .split('\n')
    .filter((l) => l.split(/\s+/).includes(email));
}

/** Sign in as Erika through the provider from /anmelden?next=NEXT; checks header and /konto. Returns the handle. */
async function signInErika(page, { width, next, name }) {
  const start = next ? `/anmelden?next=${encodeURIComponent(next)}` : '/anmelden';
  await visit(page, start, `${name}-signin`);
  await page.getByRole('link', { name: oidcLink }).waitFor();
  const steps = await signInThroughProvider(page, erika.login);
  assert.deepEqual(steps.slice(0, 1), ['login'], `a fresh browser signs in at the provider first (steps: ${steps.join(', ')})`);
  assert.equal(new URL(page.url()).pathname, next ?? '/', 'lands on next');
  // On a phone the account link sits in the header's menu.
  if (width < 768) await page.locator('header details.site-menu > summary').click();
  await accountLink(page, erika.name).waitFor({ state: 'visible' });

  await visit(page, '/konto', `${name}-konto`);
  const main = await page.locator('main').innerText();
  assert.ok(main.includes(erika.name), `/konto shows the name (${width}px)`);
  assert.ok(main.includes(erika.email), `/konto shows ${erika.email}`);
  assert.ok(main.includes(agencyName), `/konto shows the agency by its name, ${agencyName}`);
  return handleOnAccountPage(page);
}

describe('sign-in with a service account (OIDC)', () => {
  test('de at 1280px: sign in, sign out, sign in again with the same account', { timeout: 90_000 }, async () => {
    const name = 'oidc-erika-de-1280';
    await withPage(browser, pageOpts(1280), name, async (page) => {
      const handle = await signInErika(page, { width: 1280, next: '/konto', name });
      assert.deepEqual(accountLines(erika.email).length, 1, 'exactly one account with the address');
      const groups = fachnetz(['groups', 'list']).split('\n');
      assert.ok(
        groups.some((l) => /^@oidc-projekt\s/.test(l)),
        `the group from the token's groups claim exists:\n${groups.join('\n')}`,
      );

      // Sign out of Fachnetz (the provider keeps its own session).
      await accountLink(page, erika.name).click();
      await clickAndLoad(page, page.locator('header').getByRole('button', { name: 'Abmelden' }));
      assert.equal(await accountLink(page, erika.name).count(), 0, 'signed out: no account link');
      await page.locator('header').getByRole('link', { name: 'Anmelden' }).waitFor({ state: 'visible' });

      // Again: the provider still knows the browser (no login form), Fachnetz finds the
      // account linked to the provider's subject.
      await page.goto('/anmelden?next=%2Fkonto');
      const steps = await signInThroughProvider(page, erika.login);
      assert.ok(!steps.includes('login'), `the provider's session is reused (steps: ${steps.join(', ')})`);
      assert.equal(new URL(page.url()).pathname, '/konto', 'lands on next again');
      await accountLink(page, erika.name).waitFor({ state: 'visible' });
      assert.equal(await handleOnAccountPage(page), handle, 'the same account (same handle)');
      assert.equal(accountLines(erika.email).length, 1, 'still exactly one account with the address');
      await visit(page, '/konto', `${name}-konto-again`);
    });
  });

  test('de at 1280px: an unverified e-mail address is refused with a clear message', { timeout: 90_000 }, async () => {
    const name = 'oidc-unverified-de-1280';
    await withPage(browser, pageOpts(1280), name, async (page) => {
      await visit(page, '/anmelden', `${name}-signin`);
      await signInThroughProvider(page, unverified.login);
      const url = new URL(page.url());
      assert.equal(url.pathname, '/anmelden', 'back on the sign-in page');
      assert.equal(url.searchParams.get('fehler'), 'auth.oidc.email_unverified', 'with the reason');

      // axe-core and screenshot on the page as the browser got it.
      await visit(page, url.pathname + url.search, name);
      const alert = page.getByRole('alert');
      await alert.waitFor({ state: 'visible' });
      assert.ok((await alert.innerText()).includes(unverifiedMessage), `the error summary says: ${unverifiedMessage}`);

      // Not signed in: no account in the header, /konto asks to sign in, the header of
      // another page offers "Anmelden".
      assert.equal(await page.locator('header').getByRole('button', { name: 'Abmelden' }).count(), 0, 'no sign-out button');
      await page.goto('/konto');
      assert.equal(new URL(page.url()).pathname, '/anmelden', '/konto sends to the sign-in page');
      await page.goto('/');
      await page.locator('header').getByRole('link', { name: 'Anmelden' }).waitFor({ state: 'visible' });
      assert.equal(accountLines(unverified.email).length, 0, 'no account was created');
    });
  });

  test('de at 360px: sign in', { timeout: 90_000 }, async () => {
    const name = 'oidc-erika-de-360';
    await withPage(browser, pageOpts(360), name, async (page) => {
      await signInErika(page, { width: 360, name });
      assert.equal(accountLines(erika.email).length, 1, 'exactly one account with the address');
    });
  });
});
