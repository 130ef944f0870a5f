// The header's disclosures. At 360 px the account and the links fold
// behind "Menü", a <details> operated by keyboard; "Frage stellen" and the
// search field stay in sight. The person's name opens the account menu
// (Mein Profil, Mein Konto, notification settings, Abmelden). Escape
// closes the innermost open one and returns to its summary; without
// JavaScript both still open and close. axe-core with them open and
// closed. At 1280 px there is no menu button and the links are in the header.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { baseURL, checkA11y, createAgency, createPerson, launch, screenshot, signIn, visit, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const isFocused = (locator) => locator.evaluate((el) => el === document.activeElement);

test('the phone menu and the account menu at 360px, keyboard only', { timeout: 90_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 360 }, 'phone-menu', async (page) => {
    await signIn(page, person, '/fragen');
    await visit(page, '/fragen', 'phone-menu-closed');
    const menu = page.locator('details.site-menu');
    const toggle = menu.locator(':scope > summary');
    assert.equal(await toggle.innerText(), 'Menü');
    assert.equal(await menu.evaluate((d) => d.open), false);
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false, 'the links are folded away');
    assert.ok(await page.locator('#site-search-q').isVisible(), 'the search field stays in sight');
    assert.ok(await page.locator('header').getByRole('link', { name: 'Frage stellen' }).isVisible(), '"Frage stellen" stays in sight');
    const mainTop = await page.locator('main').evaluate((m) => m.getBoundingClientRect().top);
    assert.ok(mainTop < 400, `the content starts within the first screenful (at ${mainTop}px)`);

    for (let i = 0; i < 10 && !(await isFocused(toggle)); i++) await page.keyboard.press('Tab');
    assert.ok(await isFocused(toggle), 'Tab reaches the menu button');
    await page.keyboard.press('Enter');
    assert.equal(await menu.evaluate((d) => d.open), true);
    assert.ok(await page.getByRole('link', { name: 'Bereiche' }).isVisible());
    await page.keyboard.press('Tab');
    assert.ok(await isFocused(page.locator('header .notification-indicator')), 'the menu opens with the account part');

    // The account menu: the name opens it, its entries line up.
    const account = page.locator('details.account-menu');
    const name = account.locator(':scope > summary');
    assert.ok((await name.innerText()).endsWith(person.name), 'the summary is the name');
    for (let i = 0; i < 20 && !(await isFocused(name)); i++) await page.keyboard.press('Tab');
    assert.ok(await isFocused(name), 'Tab reaches the account menu');
    assert.equal(await page.getByRole('button', { name: 'Abmelden' }).isVisible(), false, 'the account menu starts closed');
    await page.keyboard.press('Enter');
    const entries = ['Mein Profil', 'Mein Konto', 'Benachrichtigungen einstellen'].map((n) => account.getByRole('link', { name: n }));
    const signOut = account.getByRole('button', { name: 'Abmelden' });
    for (const e of [...entries, signOut]) assert.ok(await e.isVisible());
    const boxes = await Promise.all([...entries, signOut].map((e) => e.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { left: Math.round(r.left), height: Math.round(r.height), font: getComputedStyle(el).fontSize };
    })));
    assert.ok(boxes.every((b) => b.left === boxes[0].left && b.font === boxes[0].font && Math.abs(b.height - boxes[0].height) <= 1),
      `"Abmelden" has the size and alignment of the links: ${JSON.stringify(boxes)}`);
    await checkA11y(page, 'phone menu and account menu open');
    await screenshot(page, 'phone-menu-open-360');

    await page.keyboard.press('Tab');
    assert.ok(await isFocused(entries[0]), 'Tab goes into the account menu');
    await page.keyboard.press('Escape');
    assert.equal(await account.evaluate((d) => d.open), false, 'Escape closes the account menu');
    assert.ok(await isFocused(name), 'Escape returns to the name');
    await page.keyboard.press('Escape');
    assert.equal(await menu.evaluate((d) => d.open), false, 'a second Escape closes the menu');
    assert.ok(await isFocused(toggle), 'and returns to the menu button');
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false);
  });
});

test('without JavaScript the menus open and close', { timeout: 60_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  const context = await browser.newContext({ baseURL, locale: 'de-DE', viewport: { width: 360, height: 800 }, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    await signIn(page, person, '/fragen');
    const toggle = page.locator('details.site-menu > summary');
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false);
    await toggle.click();
    assert.ok(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), 'the menu opens');
    await page.locator('details.account-menu > summary').click();
    assert.ok(await page.getByRole('button', { name: 'Abmelden' }).isVisible(), 'the account menu opens');
    await toggle.click();
    assert.equal(await page.getByRole('link', { name: 'Bereiche' }).isVisible(), false, 'the menu closes');
  } finally {
    await context.close();
  }
});

test('no menu button at 1280px; the account menu opens from the name', { timeout: 60_000 }, async () => {
  const person = createPerson({ agency: createAgency() });
  await withPage(browser, { width: 1280 }, 'phone-menu-wide', async (page) => {
    await signIn(page, person, '/fragen');
    assert.equal(await page.locator('details.site-menu > summary').isVisible(), false);
    assert.ok(await page.getByRole('link', { name: 'Bereiche' }).isVisible());
    assert.ok(await page.locator('#site-search-q').isVisible());
    assert.equal(await page.getByRole('link', { name: 'Mein Profil' }).isVisible(), false, 'the profile is in the account menu');
    await page.locator('details.account-menu > summary').click();
    assert.ok(await page.getByRole('link', { name: 'Mein Profil' }).isVisible());
    assert.ok(await page.getByRole('button', { name: 'Abmelden' }).isVisible());
    await checkA11y(page, 'account menu open at 1280px');
    await screenshot(page, 'account-menu-open-1280');
    await page.locator('main').click();
    assert.equal(await page.getByRole('button', { name: 'Abmelden' }).isVisible(), false, 'a click elsewhere closes it');
  });
});
