// Home page and the legally required pages: language, structure, skip link, footer, axe-core.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { launch, signIn, visit, withPage } from './lib.mjs';

const widths = [1280, 360];
const languages = [
  { locale: 'de-DE', lang: 'de' },
  { locale: 'en-GB', lang: 'en' },
];

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('home page', () => {
  for (const { locale, lang } of languages) {
    for (const width of widths) {
      const name = `home-${lang}-${width}`;
      test(`${lang} at ${width}px`, { timeout: 60_000 }, async () => {
        await withPage(browser, { width, locale }, name, async (page) => {
          await visit(page, '/', name);

          assert.equal(await page.evaluate(() => document.documentElement.lang), lang, 'html lang');
          assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');

          const footerPaths = await page.evaluate(() =>
            [...document.querySelectorAll('footer a[href]')].map((a) => new URL(a.href).pathname),
          );
          for (const p of ['/barrierefreiheit', '/datenschutz']) {
            assert.ok(footerPaths.includes(p), `footer links to ${p} (found: ${footerPaths.join(', ')})`);
          }

          // The first Tab press reaches the skip link ...
          await page.keyboard.press('Tab');
          const focused = await page.evaluate(() => {
            const el = document.activeElement;
            return {
              tag: el?.tagName,
              skip: el?.classList.contains('skip-link') ?? false,
              href: el?.getAttribute('href'),
            };
          });
          assert.deepEqual(
            focused,
            { tag: 'A', skip: true, href: '#main' },
            'first Tab focuses a.skip-link[href="#main"]',
          );

          // ... and activating it moves focus to <main id="main">.
          await page.keyboard.press('Enter');
          await page
            .waitForFunction(() => document.activeElement?.id === 'main', null, { timeout: 5_000 })
            .catch(() => {});
          const target = await page.evaluate(() => ({
            tag: document.activeElement?.tagName,
            id: document.activeElement?.id,
          }));
          assert.deepEqual(target, { tag: 'MAIN', id: 'main' }, 'skip link moves focus to <main id="main">');
        });
      });
    }
  }
});

// The demo content of `fachnetz seed`, which the test run loads: a person
// with spaces, pages, questions and a page of hers due for review.
const anna = { email: 'anna.schmidt@lfd.example', password: 'fachnetz-demo-2026', name: 'Anna Schmidt' };

describe('start page, signed in', () => {
  for (const width of widths) {
    const name = `home-signed-in-${width}`;
    test(`a place to work from at ${width}px`, { timeout: 60_000 }, async () => {
      await withPage(browser, { width, locale: 'de-DE' }, name, async (page) => {
        await signIn(page, anna, '/');
        await visit(page, '/', name);
        assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
        const sections = await page.locator('main h2').allInnerTexts();
        for (const h of ['Meine Bereiche', 'Offene Fragen', 'Zuletzt geändert', 'Meine Seiten zur Prüfung']) {
          assert.ok(sections.includes(h), `a section "${h}" (found: ${sections.join(', ')})`);
        }
        assert.ok(await page.getByRole('searchbox', { name: 'Suchbegriff für Seiten, Fragen und Personen' }).isVisible(), 'a labelled search field');
        const spaces = page.locator('section[aria-labelledby="home-spaces"] li');
        assert.ok((await spaces.allInnerTexts()).some((t) => t.includes('Landesamt für Digitalisierung')), 'her spaces by name');
        assert.ok((await page.locator('section[aria-labelledby="home-recent"] li').count()) > 0, 'recently changed pages');
        assert.ok(!(await page.locator('main').innerText()).includes('Bernd Müller'), 'no names of who changed or asked');
        // The trend panel only with released figures, never empty.
        const asked = page.locator('#asked-heading');
        if (await asked.count()) assert.ok((await page.locator('.asked .figure-list li').count()) > 0, 'a trend panel shows figures');
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        assert.ok(wide <= 0, `the page is no wider than the viewport (by ${wide}px)`);
      });
    });
  }
});

// An open question says how many answers it has; one answer is "1 Antwort"
// (the demo gives Clara Weber such a question), which once failed the page.
const clara = { email: 'clara.weber@lfd.example', password: 'fachnetz-demo-2026', name: 'Clara Weber' };

describe('start page, open questions', () => {
  for (const [lang, one] of [['de', '1 Antwort'], ['en', '1 answer']]) {
    test(`counts one answer in ${lang}`, { timeout: 60_000 }, async () => {
      await withPage(browser, { width: 360 }, `home-open-${lang}`, async (page) => {
        await signIn(page, clara, '/');
        await page.goto(`/sprache?lang=${lang}&next=/`, { waitUntil: 'load' });
        await visit(page, '/', `home-open-${lang}`);
        const items = await page.locator('section[aria-labelledby="home-open"] li').allInnerTexts();
        assert.ok(items.some((t) => t.includes(one)), `an open question with "${one}" (found: ${items.join(' | ')})`);
      });
    });
  }
});

describe('legal pages', () => {
  for (const path of ['/barrierefreiheit', '/datenschutz']) {
    for (const width of widths) {
      const name = `${path.slice(1)}-de-${width}`;
      test(`${path} at ${width}px`, { timeout: 60_000 }, async () => {
        await withPage(browser, { width, locale: 'de-DE' }, name, async (page) => {
          await visit(page, path, name);
          assert.equal(await page.evaluate(() => document.documentElement.lang), 'de', 'html lang');
          assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
        });
      });
    }
  }
});
