import { createHmac } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page, Route } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeBrowserAndApp, hasChromium, launchChromium, type LaunchedBrowser } from './support/browser.js';
import { World, type TestUser } from './support/client.js';
import {
  SCREENSHOTS,
  ensureConsoleBuilt,
  generateKey,
  keepForDocs,
  keyRow,
  keysTable as keysTableOf,
  logIn as logInAs,
  openConsoleTab,
  shot as shotOf,
  startConsoleApp,
} from './support/console.js';
import type { TestApp } from './support/test-app.js';

if (!hasChromium) console.warn(`Console browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const KEY_SHAPE = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A token signed as the server signs them, already expired: what a tab left open overnight holds. */
function expiredToken(userId: string, secret: string, typ: 'access' | 'refresh' = 'access'): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: userId, typ, iat: now - 3600, exp: now - 60 })}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe.skipIf(!hasChromium)('web console in a real browser', () => {
  let sut: TestApp;
  let world: World;
  let launched: LaunchedBrowser | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Requests the page made, and what the browser reported as errors (a CSP violation among them). */
  let requested: string[];
  let browserErrors: string[];

  beforeAll(async () => {
    await ensureConsoleBuilt();
    sut = await startConsoleApp();
    world = new World(sut);
    launched = await launchChromium();
    browser = launched.browser;
    mkdirSync(SCREENSHOTS, { recursive: true });
  }, 120_000);
  afterAll(() => closeBrowserAndApp(launched, sut), 60_000);

  /** A person's fresh browser on /console (of `server`, the suite's app unless another is given). */
  async function openConsole(server = sut.url): Promise<Page> {
    ({ context, page, requested, browserErrors } = await openConsoleTab(browser, server));
    return page;
  }
  afterEach(async () => {
    await context?.close();
  });

  const logIn = (user: { email: string; password: string }) => logInAs(page, user);
  const keysTable = () => keysTableOf(page);
  const rowOf = (description: string): Locator => keyRow(page, description);
  const shot = (name: string) => shotOf(page, name);
  const generate = (options: Parameters<typeof generateKey>[1]) => generateKey(page, options);

  /** The console's session in the tab's sessionStorage (browser code as text: the type-check knows Node, not the DOM). */
  const SESSION_ITEM = JSON.stringify('keygate.console.session');
  const storedSession = () => page.evaluate<{ token: string; refreshToken: string } | null>(`JSON.parse(sessionStorage.getItem(${SESSION_ITEM}))`);
  const storeSession = (pair: { token: string; refreshToken: string }) =>
    page.evaluate(`sessionStorage.setItem(${SESSION_ITEM}, ${JSON.stringify(JSON.stringify(pair))})`);

  /** `curl -H 'X-Authorization: ApiKey <key>' …/api/auth/user`, as the seed documents show it. */
  const currentUserWithKey = (key: string) =>
    fetch(`${sut.url}/api/auth/user`, { headers: { Accept: 'application/json', 'X-Authorization': `ApiKey ${key}` } });

  it('is served at /console under the server\'s Content-Security-Policy, with cacheable assets', async () => {
    const redirect = await fetch(`${sut.url}/console`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/console/');

    const index = await fetch(`${sut.url}/console/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toMatch(/^text\/html/);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await index.text();
    // every script is a file of the origin: nothing inline for the CSP to refuse
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const script = /<script[^>]*src="([^"]+)"/.exec(html)![1]!;
    expect(script).toMatch(/^\/console\/assets\//);
    const asset = await fetch(`${sut.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

    const missing = await fetch(`${sut.url}/console/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
    // served beside Swagger UI and the API, taking nothing from them
    expect((await fetch(`${sut.url}/swagger`)).status).toBe(200);
    expect((await fetch(`${sut.url}/api/health`)).status).toBe(200);
  });

  it('lets a person generate a key, copy it once, use it, disable it, rename it and delete it', { timeout: 90_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const person = await world.makeUser({ authority: 'CUSTOMER_USER', customerId: await world.makeCustomer(tenantAdmin), firstName: 'Dana' }, tenantAdmin);
    // keys made earlier, so the table has company
    const backup = await world.makeKey(person, { description: 'Nightly backup', rights: ['RIGHT_USER_INFO'], expiresAt: new Date(Date.now() + 90 * DAY_MS).toISOString() });
    expect((await currentUserWithKey(backup.key)).status).toBe(200);
    const old = await world.makeKey(person, { description: 'Old integration' });
    await world.client.patch(`/api/users/${person.id}/api-keys/${old.id}`, { enabled: false }, { jwt: person.jwt });

    await openConsole();
    await page.getByRole('heading', { name: 'keygate console' }).waitFor();
    await shot('login');
    await logIn(person);
    // a customer user manages no one: no Users screen is offered
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).resolves.toBe(0);
    await shot('account');

    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await rowOf('Nightly backup').waitFor();

    const started = Date.now();
    const { key, dialog } = await generate({ description: 'Billing service', expiration: '30 days', screenshot: 'generate-dialog' });
    expect(key).toMatch(KEY_SHAPE);
    await expect(dialog.getByRole('alert').innerText()).resolves.toMatch(/will not be shown again/);
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect.poll(() => dialog.getByRole('status').innerText()).toBe('Copied to the clipboard.');
    await expect(page.evaluate<string>('navigator.clipboard.readText()')).resolves.toBe(key);
    await shot('key-shown-once');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    // once the dialog is closed, the key is nowhere on the page
    await expect(page.content()).resolves.not.toContain(key);

    const row = rowOf('Billing service');
    await expect.poll(() => row.locator('.status').innerText()).toBe('ACTIVE');
    await expect(row.innerText()).resolves.toContain('All current and future rights');
    await expect(rowOf('Old integration').locator('.status').innerText()).resolves.toBe('DISABLED');
    const keyId = key.split('.')[1]!;
    const [stored] = await sut.db.query('SELECT user_id, rights, expires_at FROM api_keys WHERE id = $1', [keyId]);
    expect(stored).toMatchObject({ user_id: person.id, rights: ['RIGHT_ALL'] });
    const expiresAt = new Date(stored.expires_at).getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(started + 30 * DAY_MS - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS + 1000);

    const used = await currentUserWithKey(key);
    expect(used.status).toBe(200);
    expect(await used.json()).toMatchObject({ id: person.id, email: person.email, authentication: { method: 'apiKey', apiKeyId: keyId } });
    // the use shows in the table once written (coalesced; each second here) and the page is reloaded
    await expect.poll(async () => (await sut.db.query('SELECT last_used_at FROM api_keys WHERE id = $1', [keyId]))[0].last_used_at, { timeout: 5_000 }).not.toBeNull();
    await page.reload();
    await expect.poll(() => row.locator('td').nth(4).innerText()).not.toBe('Not yet');
    await shot('api-keys');

    // the toggle disables it, and the very next request with it is refused
    await row.getByRole('switch', { name: 'Enabled: Billing service' }).click();
    await expect.poll(() => row.locator('.status').innerText()).toBe('DISABLED');
    await expect(row.getByRole('switch').isChecked()).resolves.toBe(false);
    expect((await currentUserWithKey(key)).status).toBe(401);

    await row.getByRole('button', { name: 'Edit description: Billing service' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit description' });
    await edit.getByLabel('Description').fill('Billing service (retired)');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    const renamed = rowOf('Billing service (retired)');
    await renamed.waitFor();
    await expect(sut.db.query('SELECT description FROM api_keys WHERE id = $1', [keyId])).resolves.toEqual([{ description: 'Billing service (retired)' }]);

    await renamed.getByRole('button', { name: /^Delete:/ }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this API key?' });
    await expect(confirm.innerText()).resolves.toContain('cannot be undone');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await confirm.waitFor({ state: 'detached' });
    await expect.poll(() => renamed.count()).toBe(0);
    await expect.poll(() => keysTable().locator('tbody tr').count()).toBe(2);
    await expect(sut.db.query('SELECT id FROM api_keys WHERE id = $1', [keyId])).resolves.toEqual([]);

    // the session stayed out of every URL the page asked for
    expect(requested.filter((url) => url.includes('eyJ') || url.includes(key))).toEqual([]);
    expect(browserErrors).toEqual([]);

    // the README's two pictures: made when missing, remade on request (dates change each run, so not every run)
    keepForDocs('api-keys', 'console-api-keys');
    keepForDocs('generate-dialog', 'console-generate');
  });

  it('sorts, searches and pages with the REST API\'s query parameters', { timeout: 90_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const person = await world.makeCustomerUser(tenantAdmin);
    for (let n = 1; n <= 12; n++) await world.makeKey(person, { description: `Sensor gateway ${String(n).padStart(2, '0')}` });
    await world.makeKey(person, { description: 'Mobile app' });

    await openConsole();
    await logIn(person);
    await page.getByRole('link', { name: 'Security' }).click();
    await keysTable().locator('tbody tr').first().waitFor();
    await expect(page.getByRole('navigation', { name: 'Pages' }).innerText()).resolves.toContain('13 keys');

    const sorted = page.waitForRequest((r) => r.url().includes('sortProperty=description') && r.url().includes('sortOrder=ASC'));
    await keysTable().getByRole('button', { name: /^Description/ }).click();
    await sorted;
    await expect.poll(() => keysTable().locator('td.description').first().innerText()).toBe('Mobile app');
    await expect(keysTable().getByRole('columnheader', { name: /^Description/ }).getAttribute('aria-sort')).resolves.toBe('ascending');

    const sized = page.waitForRequest((r) => r.url().includes('pageSize=10') && r.url().includes('page=0'));
    await page.getByLabel('Rows per page').selectOption('10');
    await sized;
    await expect.poll(() => page.getByRole('navigation', { name: 'Pages' }).innerText()).toContain('Page 1 of 2');
    await expect.poll(() => keysTable().locator('tbody tr').count()).toBe(10);
    const next = page.waitForRequest((r) => r.url().includes('page=1'));
    await page.getByRole('button', { name: 'Next ›' }).click();
    await next;
    await expect.poll(() => keysTable().locator('tbody tr').count()).toBe(3);
    await expect(page.getByRole('button', { name: 'Next ›' }).isDisabled()).resolves.toBe(true);

    const searched = page.waitForRequest((r) => r.url().includes('textSearch=mobile'));
    await page.getByLabel('Search descriptions').fill('mobile');
    await searched;
    await expect.poll(() => keysTable().locator('td.description').allInnerTexts()).toEqual(['Mobile app']);
    await expect(page.getByRole('navigation', { name: 'Pages' }).innerText()).resolves.toContain('Page 1 of 1');
    expect(browserErrors).toEqual([]);
  });

  it('lets a tenant administrator manage the keys of a user it manages, and lists no one else', { timeout: 90_000 }, async () => {
    const tenantAdmin = await world.makeTenantAdmin();
    const customer = await world.makeUser(
      { authority: 'CUSTOMER_USER', customerId: await world.makeCustomer(tenantAdmin), firstName: 'Carla' },
      tenantAdmin,
    );
    const stranger = await world.makeCustomerUser(await world.makeTenantAdmin());

    await openConsole();
    await logIn(tenantAdmin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('link', { name: customer.email }).waitFor();
    await expect(users.innerText()).resolves.not.toContain(stranger.email);
    const listed = await users.getByRole('link').allInnerTexts();
    expect(listed).toContain(tenantAdmin.email);
    const managed = await world.client.get('/api/users?pageSize=100', { jwt: tenantAdmin.jwt });
    expect(listed.sort()).toEqual(managed.body.data.map((u: { email: string }) => u.email).sort());
    await shot('admin-users');

    await users.getByRole('link', { name: customer.email }).click();
    await page.getByRole('heading', { name: 'Carla', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByText(/^No API keys yet\./).waitFor();

    await page.getByRole('button', { name: '+ Generate' }).click();
    await expect(page.getByRole('dialog').getByRole('heading').innerText()).resolves.toBe('Generate an API key for Carla');
    await page.getByRole('button', { name: 'Cancel' }).click();
    const { key, dialog } = await generate({ description: 'Reporting job', expiration: 'Never', rights: ['RIGHT_USER_INFO'] });
    await dialog.getByRole('button', { name: 'Done' }).click();

    const row = rowOf('Reporting job');
    await expect.poll(() => row.locator('.chip').allInnerTexts()).toEqual(['RIGHT_USER_INFO']);
    await expect(row.innerText()).resolves.toContain('Never');
    await shot('admin-user-api-keys');
    const [stored] = await sut.db.query('SELECT user_id, rights, expires_at FROM api_keys WHERE id = $1', [key.split('.')[1]]);
    expect(stored).toEqual({ user_id: customer.id, rights: ['RIGHT_USER_INFO'], expires_at: null });
    const used = await currentUserWithKey(key);
    expect(used.status).toBe(200);
    expect(await used.json()).toMatchObject({ id: customer.id, authentication: { method: 'apiKey', rights: ['RIGHT_USER_INFO'] } });
    expect(browserErrors).toEqual([]);
  });

  it('shows the server\'s 403 when a customer user asks for what it may not do', { timeout: 60_000 }, async () => {
    const customerUser = await world.makeCustomerUser(await world.makeTenantAdmin());
    await openConsole();
    await logIn(customerUser);

    // a right the user does not hold, chosen for a key: the server refuses and the dialog says why
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();
    await page.getByRole('button', { name: '+ Generate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Description').fill('Tenant robot');
    await dialog.getByRole('radio', { name: /Only the rights chosen below/ }).check();
    await dialog.getByRole('checkbox', { name: /^RIGHT_USER_TENANTS\b/ }).check();
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    const refusal = dialog.getByRole('alert');
    await expect.poll(() => refusal.innerText()).toContain('Forbidden (403)');
    await expect(refusal.innerText()).resolves.toContain('You cannot grant rights you do not hold: RIGHT_USER_TENANTS');
    await shot('error-cannot-grant');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(sut.db.query('SELECT id FROM api_keys WHERE user_id = $1', [customerUser.id])).resolves.toEqual([]);

    // the Users screen, reached by its address: the missing right is named on the screen
    await page.goto(`${sut.url}/console/#/users`);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.innerText()).toContain('Forbidden (403)');
    await expect(alert.innerText()).resolves.toContain('Missing right RIGHT_USER_USERS_READ');
    await expect(alert.locator('code').innerText()).resolves.toBe('RIGHT_USER_USERS_READ');
    await shot('error-403');
    // the browser reports the refused call itself; nothing else went wrong
    expect(browserErrors.filter((e) => !e.includes('status of 403'))).toEqual([]);
  });

  it('logs out: the server ends the session, so the tokens the tab held are refused, and the tab forgets them', { timeout: 60_000 }, async () => {
    const person = await world.makeCustomerUser(await world.makeTenantAdmin());
    await openConsole();
    await logIn(person);
    const held = (await storedSession())!;
    expect((await world.client.get('/api/auth/user', { jwt: held.token })).status).toBe(200);

    const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/auth/logout'));
    await page.getByRole('button', { name: 'Log out' }).click();
    expect((await loggedOut).status()).toBe(204);
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await expect.poll(() => page.getByRole('status').innerText()).toBe('You are logged out.');
    await expect(storedSession()).resolves.toBeNull();
    expect((await world.client.get('/api/auth/user', { jwt: held.token })).status).toBe(401);
    expect((await world.client.post('/api/auth/token', { refreshToken: held.refreshToken })).status).toBe(401);

    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(browserErrors).toEqual([]);
  });

  it('refreshes once for calls that find the access token expired together, and the session lives on', { timeout: 60_000 }, async () => {
    // access tokens that live 10 s, the least the server allows
    const shortLived = await startConsoleApp({ JWT_EXPIRES_IN: '10' });
    try {
      const there = new World(shortLived);
      const person = await there.makeCustomerUser(await there.makeTenantAdmin());
      const { id: keyId } = await there.makeKey(person, { description: 'Door sensor' });
      await there.makeKey(person, { description: 'Alarm panel' });
      await openConsole(shortLived.url);
      await logIn(person);
      await page.getByRole('link', { name: 'Security' }).click();
      await rowOf('Door sensor').waitFor();
      const held = (await storedSession())!;
      await expect.poll(async () => (await there.client.get('/api/auth/user', { jwt: held.token })).status, { timeout: 15_000, interval: 500 }).toBe(401);

      // the next two calls of the keys are held until both are on their way, so both meet the expired token
      const waiting: Route[] = [];
      await page.route('**/api/users/me/api-keys**', async (route) => {
        if (waiting.length === 2) return route.continue();
        waiting.push(route);
        if (waiting.length === 2) await Promise.all(waiting.map((waited) => waited.continue()));
      });
      const refreshes: string[] = [];
      page.on('request', (request) => request.url().endsWith('/api/auth/token') && refreshes.push(request.url()));
      await rowOf('Door sensor').getByRole('switch', { name: 'Enabled: Door sensor' }).click();
      await keysTable().getByRole('button', { name: /^Description/ }).click();

      await expect.poll(() => keysTable().getByRole('columnheader', { name: /^Description/ }).getAttribute('aria-sort')).toBe('ascending');
      await expect.poll(() => keysTable().locator('td.description').first().innerText()).toBe('Alarm panel');
      await expect.poll(async () => (await shortLived.db.query('SELECT enabled FROM api_keys WHERE id = $1', [keyId]))[0].enabled).toBe(false);
      expect(refreshes).toHaveLength(1);
      await expect(page.getByRole('alert').count()).resolves.toBe(0);
      const renewed = (await storedSession())!;
      expect(renewed.refreshToken).not.toBe(held.refreshToken);
      expect((await there.client.get('/api/auth/user', { jwt: renewed.token })).status).toBe(200);
      // the browser reports the two refused calls themselves; nothing else went wrong
      expect(browserErrors.filter((e) => !e.includes('status of 401'))).toEqual([]);
    } finally {
      await shortLived.close();
    }
  });

  it('refreshes an expired session once, and sends the person back to login when that fails too', { timeout: 60_000 }, async () => {
    const person = await world.makeCustomerUser(await world.makeTenantAdmin());
    const secret = sut.env.JWT_SECRET!;

    await openConsole();
    await page.getByLabel('Email').fill(person.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('Invalid username or password');

    await logIn(person);
    const stored = await storedSession();
    expect(stored).toEqual({ token: expect.any(String), refreshToken: expect.any(String) });

    // an access token that expired while the tab sat open: one refresh, and the screen carries on
    await storeSession({ token: expiredToken(person.id, secret), refreshToken: stored!.refreshToken });
    const refreshed = page.waitForResponse((r) => r.url().endsWith('/api/auth/token') && r.status() === 200);
    await page.reload();
    await refreshed;
    await expect.poll(() => page.locator('.profile').innerText()).toContain(person.email);

    // both tokens expired: back to the login screen, saying why
    await storeSession({ token: expiredToken(person.id, secret), refreshToken: expiredToken(person.id, secret, 'refresh') });
    await page.reload();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    await expect(page.getByRole('status').innerText()).resolves.toBe('Your session has expired. Log in again to continue.');
    await shot('session-expired');
    await expect(storedSession()).resolves.toBeNull();
  });
});
