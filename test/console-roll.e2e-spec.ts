import { isAbsolute } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './support/browser.js';
import type { TestUser } from './support/client.js';
import { consoleSuite, copyKeyAndClose, keepForDocs, keysTable, rollKey } from './support/console.js';
import { ACCESS_POLICY_FIXTURE } from './support/test-app.js';

if (!hasChromium) console.warn(`Console roll browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const KEY_SHAPE = /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

describe.skipIf(!hasChromium)('rolling a key in the web console', () => {
  // the platform's rights (test/fixtures/access-policy.json, by its absolute path), for the service account's key
  const suite = consoleSuite({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
  let page: Page;
  let requested: string[];
  let browserErrors: string[];

  async function openConsoleAs(user: { email: string; password: string }): Promise<void> {
    ({ page, requested, browserErrors } = await suite.openAs(user));
  }

  /** A key's row by its id: a rolled key and its successor share a description. */
  const rowOf = (keyId: string): Locator => keysTable(page).locator(`tbody tr[data-key-id="${keyId}"]`);
  const expiresCell = (keyId: string) => rowOf(keyId).locator('td').nth(3);
  /** A moment as the browser's table writes it (its locale and time zone). */
  const shownAs = (ms: number) => page.evaluate<string>(`new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(${ms}))`);
  /** The old key's end, as the table shows it: the overlap after the roll, to the minute either side of the request. */
  const overlapEnds = (between: [number, number], overlapMs: number) => Promise.all(between.map((at) => shownAs(at + overlapMs)));

  /** `curl -H 'X-Authorization: ApiKey <key>' …/api/auth/user`. */
  const currentUserWithKey = (key: string) =>
    fetch(`${suite.sut.url}/api/auth/user`, { headers: { Accept: 'application/json', 'X-Authorization': `ApiKey ${key}` } });
  /** What a gateway asks keygate before passing `GET <uri>` on to the platform. */
  const forwardAuth = (key: string, uri: string) =>
    fetch(`${suite.sut.url}/api/forward-auth`, { headers: { 'X-Forwarded-Method': 'GET', 'X-Forwarded-Uri': uri, Authorization: `Bearer ${key}` } });
  const storedExpiry = async (keyId: string): Promise<number> => (await suite.sut.db.query('SELECT expires_at FROM api_keys WHERE id = $1', [keyId]))[0].expires_at.getTime();

  async function openSecurity(person: TestUser, keyId: string): Promise<void> {
    await openConsoleAs(person);
    await page.getByRole('link', { name: 'Security' }).click();
    await rowOf(keyId).waitFor();
  }

  it('rolls a person’s key with an hour of overlap: the copied new key works, so does the old one, and the table shows the old one ending in an hour', { timeout: 90_000 }, async () => {
    const tenantAdmin = await suite.world.makeTenantAdmin();
    const person = await suite.world.makeCustomerUser(tenantAdmin);
    const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const old = await suite.world.makeKey(person, { description: 'Billing service', rights: ['RIGHT_USER_INFO'], expiresAt });
    const disabled = await suite.world.makeKey(person, { description: 'Old integration' });
    await suite.world.client.patch(`/api/users/${person.id}/api-keys/${disabled.id}`, { enabled: false }, { jwt: person.jwt });

    await openSecurity(person, old.id);
    // only an active key is offered a roll (the server refuses the others with 409)
    await expect(rowOf(disabled.id).getByRole('button', { name: /^Roll:/ }).count()).resolves.toBe(0);
    await expect(rowOf(old.id).getByRole('button', { name: 'Roll: Billing service' }).count()).resolves.toBe(1);
    await expect(expiresCell(old.id).innerText()).resolves.toBe(await shownAs(Date.parse(expiresAt)));

    const rolled = await rollKey(page, rowOf(old.id), { overlap: 'In 1 hour', screenshot: 'roll-dialog' });
    expect(rolled.url).toBe(`${suite.sut.url}/api/users/me/api-keys/${old.id}/roll`);
    expect(rolled.sent).toEqual({ overlapSeconds: 3600 });
    expect(rolled.key).toMatch(KEY_SHAPE);
    expect(rolled.key).not.toBe(old.key);
    await expect(rolled.dialog.getByRole('alert').innerText()).resolves.toMatch(/will not be shown again/);
    await expect(rolled.dialog.innerText()).resolves.toMatch(/The old key keeps working until .+: give your programs the new key before then\./);
    const copied = await copyKeyAndClose(page, rolled.dialog);
    const newId = copied.split('.')[1]!;

    // the copied key works, and the old one still does, for the hour
    const asNew = await currentUserWithKey(copied);
    expect(asNew.status).toBe(200);
    expect(await asNew.json()).toMatchObject({ id: person.id, authentication: { method: 'apiKey', apiKeyId: newId } });
    expect((await currentUserWithKey(old.key)).status).toBe(200);

    // the table, read again: the new key has the old one's description, rights and expiry; the old one ends in an hour
    await rowOf(newId).waitFor();
    await expect(page.locator('.notice').innerText()).resolves.toBe('“Billing service” rolled: a new key replaces it.');
    await expect(rowOf(newId).locator('td.description').innerText()).resolves.toBe('Billing service');
    await expect(rowOf(newId).locator('.status').innerText()).resolves.toBe('ACTIVE');
    await expect(rowOf(newId).innerText()).resolves.toContain('RIGHT_USER_INFO');
    await expect(expiresCell(newId).innerText()).resolves.toBe(await shownAs(Date.parse(expiresAt)));
    const ends = await storedExpiry(old.id);
    expect(ends).toBeGreaterThanOrEqual(rolled.between[0] + HOUR_MS - 1000);
    expect(ends).toBeLessThanOrEqual(rolled.between[1] + HOUR_MS + 1000);
    await expect.poll(() => expiresCell(old.id).innerText()).toBe(await shownAs(ends));
    expect(await overlapEnds(rolled.between, HOUR_MS)).toContain(await expiresCell(old.id).innerText());
    await expect(rowOf(old.id).locator('.status').innerText()).resolves.toBe('ACTIVE');
    await expect(suite.sut.db.query('SELECT rolled_from_id FROM api_keys WHERE id = $1', [newId])).resolves.toEqual([{ rolled_from_id: old.id }]);

    expect(requested.filter((url) => url.includes(copied) || url.includes('eyJ'))).toEqual([]);
    expect(browserErrors).toEqual([]);
    keepForDocs('roll-dialog', 'console-roll');
  });

  it('rolls with “Now”: the old key is refused at once and shows as expired, with no roll offered again', { timeout: 90_000 }, async () => {
    const person = await suite.world.makeCustomerUser(await suite.world.makeTenantAdmin());
    const old = await suite.world.makeKey(person, { description: 'Mobile app' });
    expect((await currentUserWithKey(old.key)).status).toBe(200);

    await openSecurity(person, old.id);
    await rowOf(old.id).getByRole('button', { name: 'Roll: Mobile app' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll this API key' });
    await dialog.getByRole('radio', { name: 'Now', exact: true }).check();
    await expect(dialog.locator('[aria-live]').innerText()).resolves.toBe('Programs still using the old key are refused from the moment the new key is made.');
    // Cancel sends nothing and leaves the key alone
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await currentUserWithKey(old.key)).status).toBe(200);

    const rolled = await rollKey(page, rowOf(old.id), { overlap: 'Now' });
    expect(rolled.sent).toEqual({ overlapSeconds: 0 });
    await expect(rolled.dialog.innerText()).resolves.toContain('The old key no longer works.');
    // refused at once, before the dialog is even closed
    const refused = await currentUserWithKey(old.key);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toMatchObject({ message: 'API key has expired' });
    const copied = await copyKeyAndClose(page, rolled.dialog);
    expect((await currentUserWithKey(copied)).status).toBe(200);

    const newId = copied.split('.')[1]!;
    await rowOf(newId).waitFor();
    await expect.poll(() => rowOf(old.id).locator('.status').innerText()).toBe('EXPIRED');
    await expect(rowOf(old.id).getByRole('button', { name: /^Roll:/ }).count()).resolves.toBe(0);
    await expect(rowOf(newId).getByRole('button', { name: 'Roll: Mobile app' }).count()).resolves.toBe(1);
    await expect(expiresCell(newId).innerText()).resolves.toBe('Never');
    expect(browserErrors).toEqual([]);
  });

  it('rolls a service account’s key on its own route: both keys pass the gateway for the day of overlap', { timeout: 90_000 }, async () => {
    expect(isAbsolute(ACCESS_POLICY_FIXTURE)).toBe(true);
    const tenantAdmin = await suite.world.makeTenantAdmin();
    const account = await suite.world.makeServiceAccount(tenantAdmin, { name: 'Telemetry ingest', rights: ['RIGHT_TELEMETRY_READ'] });
    const old = await suite.world.makeAccountKey(account.id, tenantAdmin, { description: 'Gateway fleet' });
    expect((await forwardAuth(old.key, '/v1/telemetry/x')).status).toBe(200);

    await openConsoleAs(tenantAdmin);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Service accounts' }).click();
    await page.getByRole('table', { name: 'Service accounts' }).getByRole('link', { name: 'Telemetry ingest', exact: true }).click();
    await page.getByRole('heading', { name: 'Telemetry ingest', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'API keys' }).click();
    await rowOf(old.id).waitFor();

    // the default overlap: a day
    const rolled = await rollKey(page, rowOf(old.id), { overlap: 'In 1 day' });
    expect(rolled.url).toBe(`${suite.sut.url}/api/service-accounts/${account.id}/api-keys/${old.id}/roll`);
    expect(rolled.sent).toEqual({ overlapSeconds: 86_400 });
    await expect(rolled.dialog.innerText()).resolves.toContain('as the service account “Telemetry ingest”');
    const copied = await copyKeyAndClose(page, rolled.dialog);
    const newId = copied.split('.')[1]!;

    for (const [key, keyId] of [
      [copied, newId],
      [old.key, old.id],
    ]) {
      const allowed = await forwardAuth(key, '/v1/telemetry/x');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('x-keygate-owner-id')).toBe(account.id);
      expect(allowed.headers.get('x-keygate-key-id')).toBe(keyId);
    }
    expect((await forwardAuth(copied, '/v1/devices/x')).status).toBe(403);

    await rowOf(newId).waitFor();
    await expect(rowOf(newId).getAttribute('data-owner-type')).resolves.toBe('serviceAccount');
    const ends = await storedExpiry(old.id);
    expect(ends).toBeGreaterThanOrEqual(rolled.between[0] + DAY_MS - 1000);
    expect(ends).toBeLessThanOrEqual(rolled.between[1] + DAY_MS + 1000);
    await expect.poll(() => expiresCell(old.id).innerText()).toBe(await shownAs(ends));
    expect(await overlapEnds(rolled.between, DAY_MS)).toContain(await expiresCell(old.id).innerText());
    expect(browserErrors).toEqual([]);
  });
});
