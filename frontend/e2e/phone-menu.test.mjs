// The phone menu: at 360 px the header's links, search field and account
// links fold behind "Menü", a disclosure button operated by keyboard;
// Escape closes it and returns to the button; axe-core with it open and
// closed. At 1280 px there is no button and everything is in the header.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { checkA11y, createAgency, createPerson, launch, signIn, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the phone menu at 360px, keyboard only', { timeout: 90_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 360 }, 'phone-menu', async (page) => {
    await signIn(page, person, '/fragen');
    await visit(page, '/fragen', 'phone-menu-closed');
    const toggle = page.getByRole('button', { name: 'Menü' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false, 'the links are folded away');
    assert.equal(await page.locator('#site-search-q').isVisible(), false);

    for (let i = 0; i < 10 && !(await toggle.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    assert.ok(await toggle.evaluate((el) => el === document.activeElement), 'Tab reaches the menu button');
    await page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.ok(await page.getByRole('link', { name: 'Start' }).evaluate((el) => el === document.activeElement), 'the first link has the focus');
    assert.ok(await page.getByRole('link', { name: 'Bereiche' }).isVisible());
    assert.ok(await page.locator('#site-search-q').isVisible());
    assert.ok(await page.getByRole('button', { name: 'Abmelden' }).isVisible());
    await checkA11y(page, 'phone menu open');

    await page.keyboard.press('Escape');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.ok(await toggle.evaluate((el) => el === document.activeElement), 'Escape returns to the menu button');
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false);

    // The search field in the menu: Tab past the links, type, Enter goes
    // to the search page.
    await page.keyboard.press('Enter');
    for (let i = 0; i < 20 && !(await page.evaluate(() => document.activeElement?.id === 'site-search-q')); i++) await page.keyboard.press('Tab');
    await page.keyboard.type('Dienstreise');
    await Promise.all([page.waitForURL('**/suche?q=Dienstreise'), page.keyboard.press('Enter')]);
  });
});

test('no menu button at 1280px', { timeout: 60_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'phone-menu-wide', async (page) => {
    await signIn(page, person, '/fragen');
    assert.equal(await page.getByRole('button', { name: 'Menü' }).isVisible(), false);
    assert.ok(await page.getByRole('link', { name: 'Bereiche' }).isVisible());
    assert.ok(await page.locator('#site-search-q').isVisible());
  });
});
