// The administration (/verwaltung): every page at desktop and phone width with
// zero axe-core violations, and one real flow by clicking: create a group and
// add and remove a member.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { axeViolations, createPerson, fachnetz, launch, screenshot, signIn, unique, visit, withPage } from './lib.mjs';

const widths = [1280, 360];

let browser;
let admin;
let member;
let groupSlug;
before(async () => {
  browser = await launch();
  admin = createPerson({ roles: ['admin'] });
  member = createPerson({ agency: admin.agency, name: 'Mira Mitglied' });
  groupSlug = unique('gruppe');
  fachnetz(['groups', 'add', groupSlug, '--name', 'Gruppe für Browsertests']);
  fachnetz(['groups', 'add-member', groupSlug, member.email]);
  // A barrier report, sent the way a visitor sends it, so the list is not empty.
  await withPage(browser, {}, 'admin-report-setup', async (page) => {
    await page.goto('/barrierefreiheit/melden');
    await page.locator('#f-description').fill('Die Tabelle ist mit der Tastatur nicht erreichbar.');
    await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Meldung senden' }).click()]);
    await page.getByText('Ihre Meldung ist eingegangen').waitFor();
  });
});
after(async () => {
  await browser?.close();
});

describe('administration pages', () => {
  const pages = () => [
    ['overview', '/verwaltung'],
    ['accounts', '/verwaltung/konten'],
    ['account', `/verwaltung/konten/${member.handle}`],
    ['agencies', '/verwaltung/behoerden'],
    ['groups', '/verwaltung/gruppen'],
    ['group', `/verwaltung/gruppen/${groupSlug}`],
    ['reports', '/verwaltung/barrieren'],
  ];
  for (const width of widths) {
    test(`every page at ${width}px`, { timeout: 120_000 }, async () => {
      await withPage(browser, { width }, `admin-${width}`, async (page) => {
        await signIn(page, admin, '/verwaltung');
        for (const [name, path] of pages()) {
          await visit(page, path, `admin-${name}-de-${width}`);
          assert.equal(await page.locator('h1').count(), 1, `${path}: exactly one h1`);
        }
      });
    });

    test(`new account with a validation error at ${width}px`, { timeout: 60_000 }, async () => {
      const name = `admin-account-new-error-de-${width}`;
      await withPage(browser, { width }, name, async (page) => {
        await signIn(page, admin, '/verwaltung/konten/neu');
        await visit(page, '/verwaltung/konten/neu', `admin-account-new-de-${width}`);
        await page.locator('#f-email').fill('keine-adresse');
        await page.locator('#f-password').fill('kurz');
        await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Konto anlegen' }).click()]);
        const summary = page.locator('#error-summary');
        await summary.waitFor();
        assert.match(await summary.innerText(), /Behörde/);
        assert.equal(await page.locator('#f-email').inputValue(), 'keine-adresse', 'the typed address is kept');
        assert.equal(await page.locator('#f-email').getAttribute('aria-invalid'), 'true');
        const violations = await axeViolations(page);
        await screenshot(page, name);
        assert.equal(violations.length, 0, `axe-core on the rejected form:\n  ${violations.join('\n  ')}`);
      });
    });
  }
});

describe('administration flow', () => {
  test('create a group, add a member and remove them by clicking', { timeout: 60_000 }, async () => {
    await withPage(browser, { width: 1280 }, 'admin-group-flow', async (page) => {
      await signIn(page, admin, '/verwaltung');
      await page.getByRole('link', { name: 'Gruppen', exact: true }).click();
      await page.waitForURL('**/verwaltung/gruppen');
      const slug = unique('flow');
      await page.locator('#f-name').fill('Redaktion Flurfunk');
      await page.locator('#f-slug').fill(slug);
      await Promise.all([page.waitForURL(`**/verwaltung/gruppen/${slug}?angelegt=1`), page.getByRole('button', { name: 'Gruppe anlegen' }).click()]);
      assert.equal(await page.locator('h1').innerText(), 'Gruppe: Redaktion Flurfunk');

      await page.getByLabel('Person').fill(member.handle);
      await Promise.all([page.waitForURL('**?gespeichert=1'), page.getByRole('button', { name: 'Hinzufügen' }).click()]);
      const row = page.getByRole('row', { name: new RegExp(member.name) });
      await row.waitFor();
      assert.match(await row.innerText(), new RegExp(`@${member.handle}`));

      await Promise.all([page.waitForLoadState('load'), row.getByRole('button', { name: `Entfernen ${member.name}` }).click()]);
      await page.getByText('Die Gruppe hat noch keine Mitglieder.').waitFor();
      await screenshot(page, 'admin-group-flow-de-1280');
    });
  });
});
