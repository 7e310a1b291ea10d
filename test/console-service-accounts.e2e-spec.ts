import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './support/browser.js';
import type { World } from './support/client.js';
import { consoleSuite, copyKeyAndClose, generateKey, keepForDocs, keyRow, rightBox, shot } from './support/console.js';
import { ACCESS_POLICY_FIXTURE, type TestApp } from './support/test-app.js';

if (!hasChromium) console.warn(`Service accounts browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const KEY_SHAPE = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;
/** The platform's rights of test/fixtures/access-policy.json, in the catalog's order (rights, then groups). */
const PLATFORM_RIGHTS = ['RIGHT_TELEMETRY_READ', 'RIGHT_DEVICES_READ', 'RIGHT_DEVICES_WRITE', 'RIGHT_DEVICES_ALL'];

describe.skipIf(!hasChromium)('service accounts and the platform’s rights in the web console', () => {
  const suite = consoleSuite({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
  let sut: TestApp;
  let world: World;
  beforeAll(() => {
    ({ sut, world } = suite);
  });
  let page: Page;
  let browserErrors: string[];

  async function openConsoleAs(user: { email: string; password: string }): Promise<void> {
    ({ page, browserErrors } = await suite.openAs(user));
  }

  const mainNav = () => page.getByRole('navigation', { name: 'Main' });
  const accountsTable = () => page.getByRole('table', { name: 'Service accounts' });
  const accountRow = (name: string) => accountsTable().locator('tbody tr').filter({ has: page.getByRole('link', { name, exact: true }) });

  /** What a gateway asks keygate before passing `GET <uri>` on to the platform (Traefik's headers). */
  const forwardAuth = (key: string, uri: string) =>
    fetch(`${sut.url}/api/forward-auth`, { headers: { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': uri, Authorization: `Bearer ${key}` } });
  /** POST /api/keys/verify as the system administrator, who verifies every key. */
  const verify = async (key: string) => (await world.client.post('/api/keys/verify', { key }, { jwt: (await world.admin()).jwt })).body;

  it('lets a tenant administrator create a service account with a platform right, generate its key, and the server accepts the key until it is disabled', { timeout: 120_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const customerId = await world.makeCustomer(tenantAdmin, 'Building 7');
    await world.makeServiceAccount(tenantAdmin, { name: 'Device provisioning', rights: ['RIGHT_DEVICES_ALL'] });
    // another tenant's account: never listed
    await world.makeServiceAccount(await world.makeTenantAdmin(), { name: 'Someone else’s robot', rights: ['RIGHT_TELEMETRY_READ'] });

    await openConsoleAs(tenantAdmin);
    await mainNav().getByRole('link', { name: 'Service accounts' }).click();
    await page.getByRole('heading', { name: 'Service accounts', level: 1 }).waitFor();
    await accountRow('Device provisioning').waitFor();
    await expect(accountsTable().innerText()).resolves.not.toContain('Someone else’s robot');

    // nothing is sent without a name and a right
    await page.getByRole('button', { name: '+ Create' }).click();
    const create = page.getByRole('dialog', { name: 'Create a service account' });
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await expect.poll(() => create.getByRole('alert').innerText()).toMatch(/Enter a name[\s\S]*Choose at least one right/);
    await create.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: '+ Create' }).click();
    // the picker comes from the server's catalog: the platform's rights apart, a group saying what it stands for
    const platform = create.getByRole('group', { name: 'The platform’s rights' });
    await expect.poll(() => platform.locator('code').allInnerTexts()).toEqual(PLATFORM_RIGHTS);
    await platform.getByRole('checkbox', { name: /^RIGHT_DEVICES_ALL\b.*RIGHT_DEVICES_READ, RIGHT_DEVICES_WRITE/ }).waitFor();
    // of keygate's own rights, a tenant's account may hold only RIGHT_KEYS_VERIFY
    await expect(create.getByRole('group', { name: 'keygate’s rights' }).locator('code').allInnerTexts()).resolves.toEqual(['RIGHT_KEYS_VERIFY']);
    await create.getByLabel('Name').fill('Telemetry ingest');
    await create.getByLabel('Description').fill('Pushes the gateways’ readings');
    await create.getByLabel('Customer').selectOption({ label: 'Building 7' });
    await rightBox(platform, 'RIGHT_TELEMETRY_READ').check();
    await shot(page, 'service-account-create');
    await create.getByRole('button', { name: 'Create', exact: true }).click();

    // created: on to its keys
    await page.getByRole('heading', { name: 'Telemetry ingest', level: 1 }).waitFor();
    await page.getByText(/^No API keys yet\./).waitFor();
    const listed = await world.client.get('/api/service-accounts?textSearch=Telemetry', { jwt: tenantAdmin.jwt });
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        name: 'Telemetry ingest',
        description: 'Pushes the gateways’ readings',
        tenantId: tenantAdmin.tenantId,
        customerId,
        enabled: true,
        rights: ['RIGHT_TELEMETRY_READ'],
      }),
    ]);
    const account = listed.body.data[0];

    // the same generate dialog as a user's keys: all rights by default, only those an account may hold offered
    await page.getByRole('button', { name: '+ Generate' }).click();
    const offered = page.getByRole('dialog');
    await expect(offered.getByRole('heading').innerText()).resolves.toBe('Generate an API key for Telemetry ingest');
    await expect.poll(() => offered.locator('.right-group code').allInnerTexts()).toEqual(['RIGHT_KEYS_VERIFY', ...PLATFORM_RIGHTS]);
    await offered.getByRole('button', { name: 'Cancel' }).click();
    const { key, dialog } = await generateKey(page, { description: 'Gateway fleet', expiration: '90 days' });
    expect(key).toMatch(KEY_SHAPE);
    await expect(dialog.innerText()).resolves.toContain('as the service account “Telemetry ingest”');
    const copied = await copyKeyAndClose(page, dialog);
    expect(copied).toBe(key);

    const row = keyRow(page, 'Gateway fleet');
    await expect.poll(() => row.locator('.status').innerText()).toBe('ACTIVE');
    await expect(row.getAttribute('data-owner-type')).resolves.toBe('serviceAccount');
    await expect(row.innerText()).resolves.toContain('All current and future rights');
    const keyId = copied.split('.')[1]!;
    const keys = await world.client.get(`/api/service-accounts/${account.id}/api-keys`, { jwt: tenantAdmin.jwt });
    expect(keys.body.data).toEqual([expect.objectContaining({ id: keyId, ownerType: 'serviceAccount', ownerId: account.id, userId: null, rights: ['RIGHT_ALL'] })]);

    // the copied key passes the gateway for what the account may do, and no further
    const allowed = await forwardAuth(copied, '/v1/telemetry/x');
    expect(allowed.status).toBe(200);
    expect(Object.fromEntries([...allowed.headers].filter(([name]) => name.startsWith('x-keygate-')))).toEqual({
      'x-keygate-owner-type': 'serviceAccount',
      'x-keygate-owner-id': account.id,
      'x-keygate-tenant-id': tenantAdmin.tenantId,
      'x-keygate-customer-id': customerId,
      'x-keygate-key-id': keyId,
      'x-keygate-rights': 'RIGHT_TELEMETRY_READ',
    });
    expect((await forwardAuth(copied, '/v1/devices/x')).status).toBe(403);
    expect(await verify(copied)).toMatchObject({
      valid: true,
      code: 'VALID',
      keyId,
      owner: { type: 'serviceAccount', id: account.id, tenantId: tenantAdmin.tenantId, customerId },
    });
    await shot(page, 'service-account-api-keys');

    // the switch disables the key: the server refuses it at once; switched back, it works again
    await row.getByRole('switch', { name: 'Enabled: Gateway fleet' }).click();
    await expect.poll(() => row.locator('.status').innerText()).toBe('DISABLED');
    const refused = await forwardAuth(copied, '/v1/telemetry/x');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('x-keygate-status')).toBe('401');
    expect(await verify(copied)).toMatchObject({ valid: false, code: 'DISABLED' });
    await row.getByRole('switch', { name: 'Enabled: Gateway fleet' }).click();
    await expect.poll(() => row.locator('.status').innerText()).toBe('ACTIVE');
    expect((await forwardAuth(copied, '/v1/telemetry/x')).status).toBe(200);

    // the list: whom each account serves, and its rights
    await page.getByRole('link', { name: 'Service accounts', exact: true }).first().click();
    await accountRow('Telemetry ingest').waitFor();
    await expect.poll(() => accountRow('Telemetry ingest').innerText()).toMatch(/Building 7[\s\S]*RIGHT_TELEMETRY_READ[\s\S]*Enabled/);
    await expect(accountRow('Device provisioning').innerText()).resolves.toMatch(/Whole tenant[\s\S]*RIGHT_DEVICES_ALL/);
    await expect.poll(() => accountRow('Device provisioning').locator('.chip').getAttribute('title')).toBe('Stands for RIGHT_DEVICES_READ, RIGHT_DEVICES_WRITE');
    await shot(page, 'service-accounts');

    // edited: renamed and disabled, so its keys are refused
    await accountRow('Telemetry ingest').getByRole('button', { name: 'Edit: Telemetry ingest' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit Telemetry ingest' });
    await expect(rightBox(edit, 'RIGHT_TELEMETRY_READ').isChecked()).resolves.toBe(true);
    await edit.getByLabel('Name').fill('Telemetry ingest (old)');
    await edit.getByRole('checkbox', { name: /^Enabled/ }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => accountRow('Telemetry ingest (old)').innerText()).toContain('Disabled');
    await expect(world.client.get(`/api/service-accounts/${account.id}`, { jwt: tenantAdmin.jwt }).then((r) => r.body)).resolves.toMatchObject({
      name: 'Telemetry ingest (old)',
      enabled: false,
    });
    expect((await forwardAuth(copied, '/v1/telemetry/x')).status).toBe(401);
    expect(await verify(copied)).toMatchObject({ valid: false, code: 'OWNER_DISABLED' });

    // searched by name, by the server
    const searched = page.waitForRequest((request) => request.url().includes('/api/service-accounts?') && request.url().includes('textSearch=provision'));
    await page.getByLabel('Search names').fill('provision');
    await searched;
    await expect.poll(() => accountsTable().getByRole('link').allInnerTexts()).toEqual(['Device provisioning']);
    await page.getByLabel('Search names').fill('');

    // deleted after confirming: gone, and so are its keys
    await accountRow('Telemetry ingest (old)').getByRole('button', { name: 'Delete: Telemetry ingest (old)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this service account?' });
    await expect(confirm.innerText()).resolves.toContain('cannot be undone');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => accountRow('Telemetry ingest (old)').count()).toBe(0);
    expect((await world.client.get(`/api/service-accounts/${account.id}`, { jwt: tenantAdmin.jwt })).status).toBe(404);
    expect(await verify(copied)).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect(browserErrors).toEqual([]);

    keepForDocs('service-accounts', 'console-service-accounts');
    keepForDocs('service-account-create', 'console-service-account-create');
  });

  it('offers keygate’s and the platform’s rights for a person’s key, all of them (RIGHT_ALL) by default', { timeout: 60_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    await openConsoleAs(tenantAdmin);
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('button', { name: '+ Generate' }).click();
    const dialog = page.getByRole('dialog');
    const platform = dialog.getByRole('group', { name: 'The platform’s rights' });
    await expect.poll(() => platform.locator('code').allInnerTexts()).toEqual(PLATFORM_RIGHTS);
    const own = await dialog.getByRole('group', { name: 'keygate’s rights' }).locator('code').allInnerTexts();
    expect(own).toEqual(expect.arrayContaining(['RIGHT_USER_INFO', 'RIGHT_USER_SERVICE_ACCOUNTS', 'RIGHT_KEYS_VERIFY', 'RIGHT_USER_ALL']));
    // RIGHT_ALL is the first choice, not a box among the others
    expect(own).not.toContain('RIGHT_ALL');
    await rightBox(dialog, 'RIGHT_USER_ALL').and(dialog.getByRole('checkbox', { name: /Stands for RIGHT_USER_INFO, / })).waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const everything = await generateKey(page, { description: 'Everything' });
    await everything.dialog.getByRole('button', { name: 'Done' }).click();
    const devices = await generateKey(page, { description: 'Devices only', rights: ['RIGHT_DEVICES_ALL'] });
    await devices.dialog.getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => keyRow(page, 'Devices only').locator('.chip').allInnerTexts()).toEqual(['RIGHT_DEVICES_ALL']);
    await expect(keyRow(page, 'Everything').getAttribute('data-owner-type')).resolves.toBe('user');

    const keys = await world.client.get(`/api/users/${tenantAdmin.id}/api-keys?sortProperty=description&sortOrder=ASC`, { jwt: tenantAdmin.jwt });
    expect(keys.body.data.map((k: { description: string; rights: string[]; ownerType: string; ownerId: string }) => [k.description, k.rights, k.ownerType, k.ownerId])).toEqual([
      ['Devices only', ['RIGHT_DEVICES_ALL'], 'user', tenantAdmin.id],
      ['Everything', ['RIGHT_ALL'], 'user', tenantAdmin.id],
    ]);
    const allowed = await forwardAuth(everything.key, '/v1/telemetry/x');
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('x-keygate-owner-type')).toBe('user');
    expect((await forwardAuth(devices.key, '/v1/devices/7')).status).toBe(200);
    expect((await forwardAuth(devices.key, '/v1/telemetry/x')).status).toBe(403);
    expect(browserErrors).toEqual([]);
  });

  it('lets a system administrator keep system-level accounts, whose keys may verify keys', { timeout: 60_000 }, async () => {
    const sysAdmin = await world.makeSysAdmin();
    const tenantAdmin = await world.makeTenantAdmin();
    await world.makeServiceAccount(tenantAdmin, { name: 'A tenant’s robot', rights: ['RIGHT_TELEMETRY_READ'] });
    const someKey = await world.makeKey(tenantAdmin, { description: 'To be verified' });

    await openConsoleAs(sysAdmin);
    await mainNav().getByRole('link', { name: 'Service accounts' }).click();
    await page.getByRole('button', { name: '+ Create' }).click();
    const create = page.getByRole('dialog', { name: 'Create a service account' });
    await expect.poll(() => create.getByRole('group', { name: 'keygate’s rights' }).locator('code').allInnerTexts()).toEqual(['RIGHT_KEYS_VERIFY', 'RIGHT_METRICS_READ']);
    await expect(create.getByLabel('Customer').count()).resolves.toBe(0);
    await create.getByLabel('Name').fill('Platform gateway');
    await rightBox(create, 'RIGHT_KEYS_VERIFY').check();
    await create.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('heading', { name: 'Platform gateway', level: 1 }).waitFor();
    const { key, dialog } = await generateKey(page, { description: 'Verifier', rights: ['RIGHT_KEYS_VERIFY'] });
    await dialog.getByRole('button', { name: 'Done' }).click();

    await page.getByRole('link', { name: 'Details' }).click();
    await expect.poll(() => page.locator('.profile').innerText()).toMatch(/For\s+System/);
    await page.getByRole('link', { name: 'Service accounts', exact: true }).first().click();
    await accountRow('Platform gateway').waitFor();
    await expect(accountsTable().innerText()).resolves.not.toContain('A tenant’s robot');

    // the account's key verifies a tenant's key, as a gateway's backend would
    const verified = await world.client.post('/api/keys/verify', { key: someKey.key }, { key, header: 'authorization' });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ valid: true, code: 'VALID', owner: { type: 'user', id: tenantAdmin.id } });
    expect(browserErrors).toEqual([]);
  });

  it('offers no Service accounts page to a customer user, and names the missing right at its address', { timeout: 60_000 }, async () => {
    const customerUser = await world.makeCustomerUser(await world.makeTenantAdmin());
    await openConsoleAs(customerUser);
    await expect(mainNav().getByRole('link', { name: 'Service accounts' }).count()).resolves.toBe(0);
    await page.goto(`${sut.url}/console/#/service-accounts`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('Forbidden (403)');
    await expect(alert.locator('code').innerText()).resolves.toBe('RIGHT_USER_SERVICE_ACCOUNTS');
    expect(browserErrors.filter((error) => !error.includes('status of 403'))).toEqual([]);
  });
});
