// Webhooks of a space: the owner registers an endpoint by keyboard, sees the
// signing secret once and the delivery log, with axe-core at desktop and
// phone width. The test server allows private addresses
// (FACHNETZ_WEBHOOK_ALLOW_PRIVATE), so the endpoint is a closed local port:
// every attempt fails without any traffic leaving the machine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkA11y, createAgency, createPerson, createSpace, fachnetz, launch, screenshot, signIn, unique, visit, waitUntil, withPage } from './lib.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

describe('webhooks', () => {
  for (const width of [1280, 360]) {
    test(`an owner registers a webhook by keyboard and reads its log at ${width}px`, { timeout: 120_000 }, async () => {
      const owner = createPerson({ agency: createAgency() });
      const token = fachnetz(['users', 'token', owner.email]).trim();
      const spaceName = `Webhooks ${unique('wh')}`;
      await withPage(browser, { width }, `webhooks-${width}`, async (page) => {
        await signIn(page, owner, '/bereiche');
        const spacePath = await createSpace(page, spaceName);
        const slug = spacePath.split('/').pop();
        await page.goto(`${spacePath}/einstellungen`);
        await page.getByRole('link', { name: 'Webhooks dieses Bereichs verwalten' }).click();
        await page.getByRole('heading', { level: 1, name: `Webhooks von „${spaceName}“` }).waitFor();
        await visit(page, `${spacePath}/webhooks`, `webhooks-empty-${width}`);

        // An http:// address is refused with the reason, the form refilled.
        const address = page.getByLabel('Adresse (URL)');
        await address.focus();
        await page.keyboard.type('http://127.0.0.1:9/hook');
        await page.keyboard.press('Enter');
        await page.getByRole('alert').getByText('Die Adresse muss mit https:// beginnen').waitFor();
        assert.equal(await address.inputValue(), 'http://127.0.0.1:9/hook');
        assert.equal(await address.getAttribute('aria-invalid'), 'true');
        await checkA11y(page, `webhooks with an error at ${width}px`);

        // Fixed by keyboard: the address, one more event, then submit.
        await address.focus();
        await page.keyboard.press('ControlOrMeta+A');
        await page.keyboard.type('https://127.0.0.1:9/hook');
        const accepted = page.getByLabel(/Antwort akzeptiert/);
        await accepted.focus();
        await page.keyboard.press('Space');
        assert.equal(await accepted.isChecked(), true);
        await page.getByRole('button', { name: 'Webhook einrichten' }).focus();
        await page.keyboard.press('Enter');
        const secret = (await page.locator('#new-secret').textContent()).trim();
        assert.match(secret, /^whsec_[A-Za-z0-9+/]{40,}={0,2}$/);
        await checkA11y(page, `webhook created at ${width}px`);
        await screenshot(page, `webhooks-created-${width}`);

        await visit(page, `${spacePath}/webhooks`, `webhooks-list-${width}`);
        assert.equal(await page.locator('#new-secret').count(), 0, 'the secret is shown only once');
        assert.equal(await page.getByText(secret).count(), 0);

        // A question in the space is an event for the endpoint.
        const asked = await page.request.post('/api/v1/questions', {
          headers: { Authorization: `Bearer ${token}` },
          data: { space: slug, title: 'Wer kennt das Verfahren?', body: 'Gibt es dazu eine Vorlage?' },
        });
        assert.equal(asked.status(), 201, await asked.text());

        await page.getByRole('link', { name: 'https://127.0.0.1:9/hook' }).click();
        const endpointPath = new URL(page.url()).pathname;
        await waitUntil(async () => {
          await page.goto(endpointPath);
          // The closed port refuses: the first attempt is logged with its error.
          return (await page.getByRole('rowheader', { name: 'question.asked' }).count()) === 1 &&
            (await page.getByRole('cell', { name: /127\.0\.0\.1:9/ }).count()) === 1;
        }, 'the failed attempt appears in the log');
        await page.getByRole('cell', { name: 'Ausstehend' }).waitFor();
        await page.getByRole('table', { name: 'Die letzten 50 Zustellungen, neueste zuerst' }).waitFor();
        await visit(page, endpointPath, `webhooks-log-${width}`);
      });
    });
  }
});
