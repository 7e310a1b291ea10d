import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestUser, World } from './support/client.js';
import { expectOneLineFailure, json, keygate, loginWithCli, removeScratchDirs, secrets } from './support/keygate-cli.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { WebhookReceiver } from './support/webhook-receiver.js';

describe('keygate webhooks', () => {
  let sut: TestApp;
  let world: World;
  let tenantAdmin: TestUser;
  let asTenantAdmin: Record<string, string>;
  let receiver: WebhookReceiver;
  const webhooks = (args: string[], env = asTenantAdmin) => keygate(['webhooks', ...args], env);

  beforeAll(async () => {
    sut = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_URLS: 'true', WEBHOOKS_POLL_MS: '50' });
    world = new World(sut);
    tenantAdmin = await world.makeTenantAdmin();
    secrets.add(tenantAdmin.jwt);
    asTenantAdmin = await loginWithCli(sut.url, tenantAdmin);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await sut?.close();
    await receiver?.close();
    removeScratchDirs();
  });

  it('creates a webhook (its secret printed once), lists it, shows its deliveries, deletes it', async () => {
    const run = await webhooks(['create', '--url', receiver.url, '--event', 'API_KEY_CREATED', '--event', 'api_key_deleted']);
    const created = json(run);
    expect(created).toMatchObject({ url: receiver.url, events: ['API_KEY_CREATED', 'API_KEY_DELETED'], tenantId: tenantAdmin.tenantId, secret: expect.stringMatching(/^whsec_/) });
    expect(run.stderr).toContain('shown only this once');
    receiver.secret = created.secret;
    secrets.add(created.secret);

    const listed = json(await webhooks(['list']));
    expect(listed).toMatchObject({ totalElements: 1, data: [{ id: created.id, url: receiver.url }] });
    const table = await webhooks(['list', '--output', 'table']);
    expect(table.stdout).toMatch(/^ID\s+TENANT\s+URL\s+EVENTS/);
    expect(table.stdout).toContain(created.id);

    const key = await world.makeKey(tenantAdmin);
    await receiver.waitFor((got) => got.length === 1);
    expect(receiver.received[0]).toMatchObject({ signatureValid: true, event: { type: 'API_KEY_CREATED', data: { key: { id: key.id } } } });
    await new Promise((r) => setTimeout(r, 200));
    const deliveries = json(await webhooks(['deliveries', '--webhook-id', created.id]));
    expect(deliveries).toMatchObject({ totalElements: 1, data: [{ event: 'API_KEY_CREATED', status: 'DELIVERED', attempts: [{ statusCode: 200 }] }] });
    expect(json(await webhooks(['deliveries', '--webhook-id', created.id, '--status', 'pending'])).totalElements).toBe(0);
    const deliveryTable = await webhooks(['deliveries', '--webhook-id', created.id, '--output', 'table']);
    expect(deliveryTable.stdout).toMatch(/API_KEY_CREATED\s+DELIVERED\s+1\s+200\s+-/);

    const deleted = await webhooks(['delete', '--webhook-id', created.id]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(json(await webhooks(['list'])).totalElements).toBe(0);
  });

  it('says what is wrong in one line', async () => {
    expectOneLineFailure(await webhooks(['create', '--url', receiver.url]), 2, /missing --event/);
    expectOneLineFailure(await webhooks(['create', '--url', receiver.url, '--event', 'API_KEY_EXPLODED']), 2, /unknown --event API_KEY_EXPLODED/);
    expectOneLineFailure(await webhooks(['create', '--url', 'ftp://example.com/x', '--event', 'API_KEY_CREATED']), 1, /only http and https/);
    expectOneLineFailure(await webhooks(['create', '--url', receiver.url, '--event', 'API_KEY_CREATED', '--server', 'ftp://nowhere']), 2, /--server "ftp:\/\/nowhere" is not an http or https URL/);
    expectOneLineFailure(await webhooks(['delete', '--webhook-id', '5f0c6d2e-8a4b-4c1e-9d3f-2b7a1e6c9f40']), 1, /HTTP 404/);
    const customer = await world.makeCustomerUser(tenantAdmin);
    secrets.add(customer.jwt);
    expectOneLineFailure(await webhooks(['list'], await loginWithCli(sut.url, customer)), 1, /RIGHT_USER_WEBHOOKS/);
  });
});
