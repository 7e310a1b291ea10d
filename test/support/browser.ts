import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium package, driven by playwright-core: no browser download. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** How long Chromium may take to shut down before its process is killed. */
const CLOSE_MS = 10_000;

/** As the machine's notes say to start it: headless, and never reaching out to Google's hosts. */
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface LaunchedBrowser {
  browser: Browser;
  /** Closes the browser; one whose shutdown hangs is killed, so a suite never waits on it. */
  close(): Promise<void>;
}

/**
 * Chromium now and then never finishes shutting down when asked (a known trait of headless
 * Chromium; once here it held a suite's teardown past its minute after every test had passed). It
 * is therefore started as a browser server, whose process can be killed when closing it hangs.
 */
export async function launchChromium(extraArgs: string[] = []): Promise<LaunchedBrowser> {
  const server = await chromium.launchServer({ executablePath: CHROMIUM, args: [...ARGS, ...extraArgs] });
  let browser: Browser;
  try {
    browser = await chromium.connect(server.wsEndpoint());
  } catch (error) {
    await server.kill();
    throw error;
  }
  return {
    browser,
    close: async () => {
      const waited = new AbortController();
      const closed = await Promise.race([server.close().then(() => true), sleep(CLOSE_MS, false, { signal: waited.signal }).catch(() => false)]);
      waited.abort();
      if (!closed) {
        console.warn(`Chromium did not shut down within ${CLOSE_MS} ms: killed`);
        await within(5_000, 'Killing Chromium', server.kill());
      }
    },
  };
}

/**
 * A browser suite's teardown: Chromium first, then the app, each within its time; the app is closed
 * even when closing the browser throws.
 */
export async function closeBrowserAndApp(launched: LaunchedBrowser | undefined, app: { close(): Promise<void> } | undefined): Promise<void> {
  try {
    await launched?.close();
  } finally {
    await within(30_000, 'Closing the app', app?.close() ?? Promise.resolve());
  }
}

/** Fails, naming the step, when `step` takes longer than `ms`: a teardown that hangs says what hung. */
export async function within<T>(ms: number, what: string, step: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([step, late]);
  } finally {
    clearTimeout(timer);
  }
}
