import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, closeBrowserAndApp, hasChromium, launchChromium, type LaunchedBrowser } from './support/browser.js';
import { World, type TestUser } from './support/client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

if (!hasChromium) console.warn(`Swagger UI browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const SCREENSHOTS = join(dirname(fileURLToPath(import.meta.url)), '..', 'test-output', 'swagger');

/**
 * The name the browser reaches the server by, as a person reaches a server on their network. Not
 * 127.0.0.1 or localhost: browsers treat loopback as a secure origin and forgive there what they do
 * not forgive on plain HTTP elsewhere (e.g. `upgrade-insecure-requests` in the CSP).
 */
const HOST = 'keygate.test';

/** What Swagger UI shows under "Server response" after Execute. */
interface ShownResponse {
  code: string;
  body: string;
  curl: string;
  operation: Locator;
}

describe.skipIf(!hasChromium)('Swagger UI in a real browser', () => {
  let sut: TestApp;
  let world: World;
  let user: TestUser;
  let apiKey: { id: string; key: string };
  let launched: LaunchedBrowser | undefined;
  let browser: Browser;
  let context: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    sut = await startTestApp();
    world = new World(sut);
    user = await world.makeTenantAdmin();
    apiKey = await world.makeKey(user, { description: 'Swagger UI' });
    launched = await launchChromium([`--host-resolver-rules=MAP ${HOST} 127.0.0.1`]);
    browser = launched.browser;
    mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(() => closeBrowserAndApp(launched, sut), 60_000);
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });

  /** A person's fresh browser at /swagger (persistAuthorization keeps credentials in localStorage: none carried over). */
  async function openSwagger(): Promise<void> {
    context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
    // a step that does not happen fails within the test's time, naming the step
    context.setDefaultTimeout(10_000);
    page = await context.newPage();
    const failed: string[] = [];
    page.on('requestfailed', (request) => failed.push(`${request.url()}: ${request.failure()?.errorText}`));
    const response = await page.goto(`${sut.url.replace('127.0.0.1', HOST)}/swagger`);
    expect(response?.status()).toBe(200);
    const authorizeButton = page.locator('.auth-wrapper').getByRole('button', { name: 'Authorize' });
    const shown = await authorizeButton.waitFor({ state: 'visible' }).then(() => true, () => false);
    if (!shown) await page.screenshot({ path: join(SCREENSHOTS, 'blank-page.png'), fullPage: true });
    expect(shown, `Swagger UI did not render; failed requests: ${failed.join('; ') || 'none'}`).toBe(true);
  }

  /** Authorize → type the value into one scheme's form → Authorize → Close. */
  async function authorize(scheme: 'apiKey' | 'jwt', value: string): Promise<void> {
    await page.locator('.auth-wrapper').getByRole('button', { name: 'Authorize' }).click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor({ state: 'visible' });
    const form = dialog.locator('.auth-container').filter({ has: page.locator('h4 code', { hasText: new RegExp(`^${scheme}$`) }) });
    // the form's one "Value:" box (the bearer box's aria-label hides its label text)
    await form.getByRole('textbox').fill(value);
    await form.getByRole('button', { name: 'Apply credentials' }).click();
    // the form now says the scheme is authorized and offers Logout in place of Authorize
    await form.getByRole('heading', { name: 'Authorized' }).waitFor({ state: 'visible' });
    await expect(form.getByRole('button', { name: 'Remove authorization' }).isVisible()).resolves.toBe(true);
    await form.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }

  /** Expand GET /api/auth/user → Try it out → Execute, and read what the page shows. */
  async function tryCurrentUser(): Promise<ShownResponse> {
    const operation = page.locator('.opblock-get').filter({ has: page.locator('[data-path="/api/auth/user"]') });
    await operation.locator('.opblock-summary').first().click();
    await operation.getByRole('button', { name: 'Try it out' }).click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response').first();
    await live.waitFor({ state: 'visible', timeout: 15_000 });
    return {
      // the status cell also says "Undocumented" when the document lists no such response
      code: (await live.locator('.response-col_status').innerText()).trim().split(/\s+/)[0]!,
      body: await live.locator('.response-col_description pre').first().innerText(),
      curl: await operation.locator('.curl-command').innerText(),
      operation,
    };
  }

  it('authorizes with "ApiKey <key>" in the apiKey form and shows the key\'s user from GET /api/auth/user', async () => {
    await openSwagger();
    await authorize('apiKey', `ApiKey ${apiKey.key}`);
    const shown = await tryCurrentUser();
    await shown.operation.screenshot({ path: join(SCREENSHOTS, 'api-key.png') });
    expect(shown.curl).toContain(`X-Authorization: ApiKey ${apiKey.key}`);
    expect(shown.code).toBe('200');
    expect(shown.body).toContain(`"email": "${user.email}"`);
    expect(shown.body).toContain('"method": "apiKey"');
    expect(shown.body).toContain(`"apiKeyId": "${apiKey.id}"`);
  });

  it('authorizes with a JWT in the jwt form and shows the user with method "jwt"', async () => {
    await openSwagger();
    await authorize('jwt', user.jwt);
    const shown = await tryCurrentUser();
    await shown.operation.screenshot({ path: join(SCREENSHOTS, 'jwt.png') });
    expect(shown.curl).toContain(`Authorization: Bearer ${user.jwt}`);
    expect(shown.code).toBe('200');
    expect(shown.body).toContain(`"email": "${user.email}"`);
    expect(shown.body).toContain('"method": "jwt"');
  });

  it('shows 401 when a person executes without authorizing', async () => {
    await openSwagger();
    const shown = await tryCurrentUser();
    await shown.operation.screenshot({ path: join(SCREENSHOTS, 'unauthorized.png') });
    expect(shown.curl).not.toContain('Authorization');
    expect(shown.code).toBe('401');
    expect(shown.body).toContain('"statusCode": 401');
  });
});
