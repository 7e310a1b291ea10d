import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './support/browser.js';
import type { World } from './support/client.js';
import { consoleSuite, shot } from './support/console.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

if (!hasChromium) console.warn(`Webhooks browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)('webhooks in the web console', () => {
  const suite = consoleSuite({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '50' });
  let world: World;
  let receiver: WebhookReceiver;
  let page: Page;
  let browserErrors: string[];
  beforeAll(async () => {
    ({ world } = suite);
    receiver = await WebhookReceiver.start();
  });
  afterAll(() => receiver?.close());

  const webhooksTable = () => page.getByRole('table', { name: 'Webhooks' });

  it('lets a tenant administrator create a webhook (its secret shown once), see its deliveries, and delete it', { timeout: 120_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    ({ page, browserErrors } = await suite.openAs(tenantAdmin));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await page.getByText('No webhooks yet.').waitFor();

    await page.getByRole('button', { name: '+ Create' }).click();
    const create = page.getByRole('dialog', { name: 'Create a webhook' });
    // nothing is sent without a URL and an event
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => create.getByRole('alert').innerText()).toMatch(/Enter the receiver’s URL[\s\S]*Choose at least one event/);
    await create.getByLabel('URL').fill(receiver.url);
    await create.getByRole('checkbox', { name: /API_KEY_CREATED/ }).check();
    await create.getByRole('checkbox', { name: /API_KEY_EXPIRING/ }).check();
    await create.getByRole('button', { name: 'Create', exact: true }).click();

    const shown = page.getByRole('dialog', { name: 'Webhook created' });
    await shown.getByText('Copy the signing secret now').waitFor();
    const secret = await shown.getByLabel(/Signing secret for/).inputValue();
    expect(secret).toMatch(/^whsec_/);
    await shot(page, 'webhook-secret-once');
    await shown.getByRole('button', { name: 'Done' }).click();
    const row = webhooksTable().locator('tbody tr').filter({ has: page.getByRole('link', { name: receiver.url }) });
    await row.waitFor();
    await expect(row.innerText()).resolves.toMatch(/API_KEY_CREATED[\s\S]*API_KEY_EXPIRING[\s\S]*This tenant/);
    // the secret is not in the list, nor anywhere on the page any more
    await expect(page.content()).resolves.not.toContain(secret);

    receiver.secret = secret;
    const key = await world.makeKey(tenantAdmin);
    await receiver.waitFor((got) => got.length === 1);
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, event: { type: 'API_KEY_CREATED', data: { key: { id: key.id } } } });

    await row.getByRole('link', { name: receiver.url }).click();
    await page.getByRole('heading', { name: 'Deliveries', level: 1 }).waitFor();
    const delivery = page.getByRole('table', { name: 'Deliveries' }).locator('tbody tr').first();
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return delivery.innerText();
    }).toMatch(/API_KEY_CREATED\s+DELIVERED[\s\S]*answered 200/);
    await shot(page, 'webhook-deliveries');

    await page.getByRole('link', { name: 'Webhooks' }).first().click();
    await row.getByRole('button', { name: `Delete: ${receiver.url}` }).click();
    await page.getByRole('dialog', { name: 'Delete this webhook?' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByText('No webhooks yet.').waitFor();
    await expect.poll(() => page.getByRole('status').first().innerText()).toContain('is deleted');
    expect(browserErrors).toEqual([]);
  });

  it('offers no Webhooks page to a customer user, who lacks RIGHT_USER_WEBHOOKS', { timeout: 60_000 }, async () => {
    const customer = await world.makeCustomerUser(await world.makeTenantAdmin());
    ({ page, browserErrors } = await suite.openAs(customer));
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Account' }).waitFor();
    await expect(nav.getByRole('link', { name: 'Webhooks' }).count()).resolves.toBe(0);
  });
});
