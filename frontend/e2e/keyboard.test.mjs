// Keyboard only, as a person without a mouse works: at 360 px "Frage
// stellen" is reached in at most five Tab presses from the top of the
// start page and of the questions page; a search typed into the start
// page's search field leads to results, a hit opens with Enter, and the
// page's links show KERN's link colour.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createAgency, createPerson, launch, signIn, visit, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

// The demo content of `fachnetz seed`, which the test run loads.
const anna = { email: 'anna.schmidt@lfd.example', password: 'fachnetz-demo-2026', name: 'Anna Schmidt' };

const focused = (page) => page.evaluate(() => ({ text: document.activeElement?.innerText?.trim(), href: document.activeElement?.getAttribute('href') }));

for (const path of ['/', '/fragen']) {
  test(`at 360px "Frage stellen" is at most 5 Tab presses from the top of ${path}`, { timeout: 60_000 }, async () => {
    const person = createPerson({ agency: createAgency() });
    await withPage(browser, { width: 360 }, `keyboard-ask${path.replace(/\//g, '-')}`, async (page) => {
      await signIn(page, person, path);
      await visit(page, path, `keyboard-ask${path.replace(/\//g, '-')}-360`);
      let presses = 0;
      for (; presses < 5; ) {
        await page.keyboard.press('Tab');
        presses++;
        if ((await focused(page)).text === 'Frage stellen') break;
      }
      const at = await focused(page);
      assert.equal(at.text, 'Frage stellen', `after ${presses} Tab presses the focus is on ${JSON.stringify(at)}`);
      await Promise.all([page.waitForURL('**/fragen/neu'), page.keyboard.press('Enter')]);
    });
  });
}

test('search from the start page with the keyboard only', { timeout: 90_000 }, async () => {
  await withPage(browser, { width: 360 }, 'keyboard-search', async (page) => {
    await signIn(page, anna, '/');
    let presses = 0;
    while (presses < 40 && !(await page.evaluate(() => document.activeElement?.id === 'home-search-q'))) {
      await page.keyboard.press('Tab');
      presses++;
    }
    assert.ok(await page.evaluate(() => document.activeElement?.id === 'home-search-q'), 'Tab reaches the search field of the start page');
    await page.keyboard.type('Dienstreisen');
    await Promise.all([page.waitForURL('**/suche?q=Dienstreisen'), page.keyboard.press('Enter')]);
    // The demo pages reach the index shortly after the seed.
    await waitUntil(async () => {
      if ((await page.locator('.hit-list .hit').count()) > 0) return true;
      await page.reload();
      return false;
    }, 'the search finds the demo page');
    const hit = page.locator('.hit-list .hit').filter({ has: page.getByRole('link', { name: 'Dienstreisen', exact: true }) });
    assert.match(await hit.innerText(), /Landesamt für Digitalisierung/, 'a hit names its space, not its short code');
    await hit.getByRole('link').focus();
    await Promise.all([page.waitForURL((u) => u.pathname.startsWith('/bereiche/')), page.keyboard.press('Enter')]);

    // Links in the page's text have KERN's link colour, not the browser's blue.
    const colours = await page.evaluate(() => {
      const link = document.querySelector('.markdown a');
      const probe = document.createElement('span');
      probe.style.color = 'var(--kern-color-action-default)';
      document.body.append(probe);
      const out = { link: link && getComputedStyle(link).color, kern: getComputedStyle(probe).color };
      probe.remove();
      return out;
    });
    assert.ok(colours.link, 'the demo page has a link in its text');
    assert.equal(colours.link, colours.kern, 'a link in the text has the KERN action colour');
    assert.notEqual(colours.link, 'rgb(0, 0, 238)');
  });
});
