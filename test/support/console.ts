import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { DataSource } from 'typeorm';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createApp } from '../../src/app.factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import { consoleRoot, serveConsole } from '../../src/console/serve-console.js';
import { closeBrowserAndApp, launchChromium, type LaunchedBrowser } from './browser.js';
import { World } from './client.js';
import { createTestDatabase, testEnv, type TestApp } from './test-app.js';

/** What the console's browser tests share: the app with the console served, and a person's steps in it. */

export const PROJECT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SCREENSHOTS = join(PROJECT, 'test-output', 'console');
export const README_IMAGES = join(PROJECT, 'docs', 'images');

/** The newest modification time under a folder. */
function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestChange(join(path, name))));
}

/** `npm run build` builds the console; a run without it (or after editing console/) builds it here. */
export async function ensureConsoleBuilt(): Promise<void> {
  const index = join(consoleRoot(), 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= newestChange(join(PROJECT, 'console'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(PROJECT, 'console', 'vite.config.ts'), logLevel: 'warn' });
}

/** The real app on a database of its own, with the console served as `main.ts` serves it. */
export async function startConsoleApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await createTestDatabase();
  // last-used times written each second, so the table can show one
  const env = testEnv({ ...database.env, LAST_USED_FLUSH_SECONDS: '1', ...overrides });
  const app: NestFastifyApplication = await createApp(loadConfig(env));
  // once app.factory.ts serves the console itself, it must not be registered twice
  if (!app.getHttpAdapter().getInstance().hasRoute({ method: 'GET', url: '/console' })) await serveConsole(app);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    app,
    db: app.get(DataSource),
    env,
    close: async () => {
      await app.close();
      await database.drop();
    },
  };
}

/** Copies a screenshot to docs/images when it is missing there, or when asked with UPDATE_README_IMAGES=1 (dates change each run, so not every run). */
export function keepForDocs(shown: string, kept: string): void {
  const target = join(README_IMAGES, `${kept}.png`);
  if (existsSync(target) && process.env.UPDATE_README_IMAGES !== '1') return;
  mkdirSync(README_IMAGES, { recursive: true });
  copyFileSync(join(SCREENSHOTS, `${shown}.png`), target);
}

/** A person's fresh browser tab on the console, with what it asked for and what went wrong in it. */
export interface ConsoleTab {
  context: BrowserContext;
  page: Page;
  /** Requests the page made. */
  requested: string[];
  /** What the browser reported as errors (a CSP violation among them). */
  browserErrors: string[];
}

/** Opens /console of `server` in a fresh context that may use the clipboard. */
export async function openConsoleTab(browser: Browser, server: string): Promise<ConsoleTab> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server });
  // a step that does not happen fails within the test's time, naming the step
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const tab: ConsoleTab = { context, page, requested: [], browserErrors: [] };
  page.on('request', (request) => tab.requested.push(request.url()));
  page.on('console', (message) => message.type() === 'error' && tab.browserErrors.push(message.text()));
  page.on('pageerror', (error) => tab.browserErrors.push(error.message));
  const response = await page.goto(`${server}/console`);
  expect(response?.status()).toBe(200);
  return tab;
}

export async function logIn(page: Page, user: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Account', level: 1 }).waitFor();
  await expect.poll(() => page.locator('.profile').innerText()).toContain(user.email);
}

/** A browser suite on one app: what its tests use, set up before them. */
export interface ConsoleSuite {
  sut: TestApp;
  world: World;
  /** The tab of the test under way, once `openAs` has opened it. */
  tab: ConsoleTab;
  /** A fresh tab on the console, logged in as `user` (closed after the test). */
  openAs(user: { email: string; password: string }): Promise<ConsoleTab>;
}

/**
 * Registers a console suite's hooks: the app (with `overrides` of its environment) and Chromium started
 * before its tests, each test's tab closed after it, and both closed after the suite.
 */
export function consoleSuite(overrides: Record<string, string> = {}): ConsoleSuite {
  let launched: LaunchedBrowser | undefined;
  const suite = {
    async openAs(user: { email: string; password: string }): Promise<ConsoleTab> {
      suite.tab = await openConsoleTab(launched!.browser, suite.sut.url);
      await logIn(suite.tab.page, user);
      return suite.tab;
    },
  } as ConsoleSuite;
  beforeAll(async () => {
    await ensureConsoleBuilt();
    suite.sut = await startConsoleApp(overrides);
    suite.world = new World(suite.sut);
    launched = await launchChromium();
  }, 120_000);
  afterAll(() => closeBrowserAndApp(launched, suite.sut), 60_000);
  afterEach(async () => {
    await suite.tab?.context.close();
  });
  return suite;
}

/** A full-page screenshot in test-output/console/; returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** A screenshot tall enough for the whole open dialog (a long rights list scrolls inside it at the usual height). */
async function shotWhole(page: Page, name: string): Promise<void> {
  const usual = page.viewportSize()!;
  await page.setViewportSize({ width: usual.width, height: 1200 });
  try {
    await shot(page, name);
  } finally {
    await page.setViewportSize(usual);
  }
}

export const keysTable = (page: Page): Locator => page.getByRole('table', { name: 'API keys' });

/** The key's row in the keys table, by its whole description. */
export const keyRow = (page: Page, description: string): Locator =>
  keysTable(page)
    .locator('tbody tr')
    .filter({ has: page.locator('td.description', { hasText: new RegExp(`^${description.replace(/[()]/g, '\\$&')}$`) }) });

/** The checkbox of one right in a rights picker (its label starts with the right's name). */
export const rightBox = (scope: Locator, right: string): Locator => scope.getByRole('checkbox', { name: new RegExp(`^${right}\\b`) });

/** Generate → fill the dialog → Generate; returns the key the dialog shows once. */
export async function generateKey(
  page: Page,
  options: { description: string; expiration?: string; rights?: string[]; screenshot?: string },
): Promise<{ key: string; dialog: Locator }> {
  await page.getByRole('button', { name: '+ Generate' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: /^Generate an API key/ }).waitFor();
  await dialog.getByLabel('Description').fill(options.description);
  if (options.expiration) await dialog.getByLabel('Expiration', { exact: true }).selectOption({ label: options.expiration });
  if (options.rights) {
    await dialog.getByRole('radio', { name: /Only the rights chosen below/ }).check();
    for (const right of options.rights) await rightBox(dialog, right).check();
  } else {
    await expect(dialog.getByRole('radio', { name: /All current and future rights/ }).isChecked()).resolves.toBe(true);
  }
  if (options.screenshot) await shotWhole(page, options.screenshot);
  await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
  await dialog.getByRole('heading', { name: 'Your new API key' }).waitFor();
  return { key: await dialog.getByLabel(/^API key/).inputValue(), dialog };
}

/** The shown-once view's Copy, then Done: returns what the clipboard held, once the key is gone from the page. */
export async function copyKeyAndClose(page: Page, dialog: Locator): Promise<string> {
  const shown = await dialog.getByLabel(/^API key/).inputValue();
  await dialog.getByRole('button', { name: 'Copy' }).click();
  await expect.poll(() => dialog.getByRole('status').innerText()).toBe('Copied to the clipboard.');
  const copied = await page.evaluate<string>('navigator.clipboard.readText()');
  expect(copied).toBe(shown);
  await dialog.getByRole('button', { name: 'Done' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect(page.content()).resolves.not.toContain(shown);
  return copied;
}

/** What a roll in the console sent and got: the new key shown once, the request, and when it was made. */
export interface Rolled {
  key: string;
  dialog: Locator;
  /** The POST …/roll: its address and body. */
  url: string;
  sent: unknown;
  /** Date.now() just before the request and just after its answer. */
  between: [number, number];
}

/** A row's Roll → choose when the old key stops (`overlap`: "Now", "In 1 hour", …) → Roll; the new key is shown once. */
export async function rollKey(page: Page, row: Locator, options: { overlap: string; screenshot?: string }): Promise<Rolled> {
  await row.getByRole('button', { name: /^Roll:/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('heading', { name: 'Roll this API key' }).waitFor();
  // an overlap of a day unless another is chosen
  await expect(dialog.getByRole('radio', { name: 'In 1 day' }).isChecked()).resolves.toBe(true);
  await dialog.getByRole('radio', { name: options.overlap, exact: true }).check();
  if (options.screenshot) await shot(page, options.screenshot);
  const request = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/roll'));
  const before = Date.now();
  await dialog.getByRole('button', { name: 'Roll', exact: true }).click();
  const sent = await request;
  await (await sent.response())?.finished();
  const after = Date.now();
  await dialog.getByRole('heading', { name: 'Your new API key' }).waitFor();
  return { key: await dialog.getByLabel(/^API key/).inputValue(), dialog, url: sent.url(), sent: sent.postDataJSON(), between: [before, after] };
}
