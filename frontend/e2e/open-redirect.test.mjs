// A crafted ?next= never takes the browser to another site: not from the language
// switch, not after signing in. Browsers drop tabs from URLs and read a backslash as
// a slash, so "/%09/evil.example" and "/%09%5Cevil.example" would become
// "//evil.example" if the server passed them on. Every page also records requests
// to other origins as problems (lib.mjs), so a redirect away fails the test twice.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { baseURL, createPerson, launch, visit, withPage } from './lib.mjs';

const origin = new URL(baseURL).origin;
const crafted = [
  '/%09/evil.example',
  '/%09%5Cevil.example',
  '/%5C%5Cevil.example',
  '//evil.example',
  '/%2509/evil.example',
  'https://evil.example/',
];

let browser;
let person;
before(async () => {
  browser = await launch();
  person = createPerson();
});
after(async () => {
  await browser?.close();
});

function assertOnSite(page, what) {
  const url = new URL(page.url());
  assert.equal(url.origin, origin, `${what} left the site for ${page.url()}`);
  assert.equal(url.pathname, '/', `${what} ended on ${url.pathname}, want the start page`);
}

describe('redirects stay on the site', () => {
  for (const next of crafted) {
    test(`language switch with next=${next}`, { timeout: 60_000 }, async () => {
      await withPage(browser, {}, `redirect-lang-${next}`, async (page) => {
        await page.goto(`/sprache?lang=en&next=${next}`, { waitUntil: 'load' });
        assertOnSite(page, `/sprache?next=${next}`);
        assert.equal(await page.evaluate(() => document.documentElement.lang), 'en', 'the language switched');
      });
    });

    test(`sign-in with next=${next}`, { timeout: 60_000 }, async () => {
      await withPage(browser, {}, `redirect-signin-${next}`, async (page) => {
        await page.goto(`/anmelden?next=${next}`, { waitUntil: 'load' });
        await page.getByLabel(/E-Mail/).fill(person.email);
        await page.getByLabel(/^Passwort$/).fill(person.password);
        await Promise.all([
          page.waitForURL((u) => !u.pathname.startsWith('/anmelden')),
          page.getByRole('button', { name: /^Anmelden$/ }).click(),
        ]);
        await page.waitForLoadState('load');
        assertOnSite(page, `sign-in with next=${next}`);
        // Signed in, the sign-in page sends on at once: to this site too.
        await page.goto(`/anmelden?next=${next}`, { waitUntil: 'load' });
        assertOnSite(page, `/anmelden?next=${next} when signed in`);
      });
    });
  }

  for (const width of [1280, 360]) {
    test(`the sign-in page with a crafted next and message at ${width}px`, { timeout: 60_000 }, async () => {
      await withPage(browser, { width }, `redirect-signin-page-${width}`, async (page) => {
        const name = `redirect-signin-page-${width}`;
        await visit(page, `/anmelden?next=/%09/evil.example&fehler=auth.Konto%20gesperrt.%20Bitte%20rufen%20Sie%200800-123%20an`, name);
        assert.equal(await page.locator('input[name=next]').inputValue(), '/', 'the form carries "/" as next');
        const text = await page.locator('main').innerText();
        assert.ok(!text.includes('0800-123'), 'the page shows text from the link');
      });
    });
  }
});
