import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, hasChromium } from './support/browser.js';
import { consoleSuite, copyKeyAndClose, keyRow } from './support/console.js';

if (!hasChromium) console.warn(`Console restrictions browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)("a key's restrictions in the web console", () => {
  const suite = consoleSuite();
  let page: Page;

  const currentUserWithKey = (key: string) => fetch(`${suite.sut.url}/api/auth/user`, { headers: { Accept: 'application/json', 'X-Authorization': `ApiKey ${key}` } });
  const stored = async (keyId: string) =>
    (await suite.sut.db.query('SELECT allowed_cidrs, rate_limit, rate_limit_window_seconds, metadata FROM api_keys WHERE id = $1', [keyId]))[0];

  async function fillRestrictions(scope: Locator, values: { cidrs?: string; limit?: string; window?: string; metadata?: string }): Promise<void> {
    if (values.cidrs !== undefined) await scope.getByLabel('Allowed addresses').fill(values.cidrs);
    if (values.limit !== undefined) await scope.getByLabel('Rate limit: requests').fill(values.limit);
    if (values.window !== undefined) await scope.getByLabel('per seconds').fill(values.window);
    if (values.metadata !== undefined) await scope.getByLabel('Metadata (JSON)').fill(values.metadata);
  }

  it('generates a key restricted to other addresses, with a rate limit and metadata, shows them, and lifts the address restriction', { timeout: 90_000 }, async () => {
    const tenantAdmin = await suite.world.makeTenantAdmin();
    const person = await suite.world.makeCustomerUser(tenantAdmin);
    ({ page } = await suite.openAs(person));
    await page.getByRole('link', { name: 'Security' }).click();
    await page.getByRole('heading', { name: 'API keys' }).waitFor();

    await page.getByRole('button', { name: '+ Generate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Description').fill('Partner feed');
    // a mistake is said before anything is sent
    await fillRestrictions(dialog, { cidrs: '203.0.113.0/24\n2001:db8::/32', limit: '5', window: '60', metadata: '[1, 2]' });
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    await expect.poll(() => dialog.innerText()).toContain('Metadata must be a JSON object');
    await fillRestrictions(dialog, { metadata: '{"plan": "gold"}' });
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    await dialog.getByRole('heading', { name: 'Your new API key' }).waitFor();
    const key = await copyKeyAndClose(page, dialog);
    const keyId = key.split('.')[1]!;
    await expect(stored(keyId)).resolves.toEqual({ allowed_cidrs: ['203.0.113.0/24', '2001:db8::/32'], rate_limit: 5, rate_limit_window_seconds: 60, metadata: { plan: 'gold' } });

    const row = keyRow(page, 'Partner feed');
    await expect.poll(() => row.locator('td.restrictions-cell').innerText()).toBe('2 address ranges · 5 per 60 s · metadata');
    // this test's requests come from 127.0.0.1, outside the ranges
    expect((await currentUserWithKey(key)).status).toBe(403);

    await row.getByRole('button', { name: 'Restrictions: Partner feed' }).click();
    const edit = page.getByRole('dialog', { name: 'Restrictions of “Partner feed”' });
    await expect(edit.getByLabel('Metadata (JSON)').inputValue()).resolves.toContain('"plan": "gold"');
    await fillRestrictions(edit, { cidrs: '' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => row.locator('td.restrictions-cell').innerText()).toBe('5 per 60 s · metadata');
    await expect(stored(keyId)).resolves.toMatchObject({ allowed_cidrs: null, rate_limit: 5 });
    expect((await currentUserWithKey(key)).status).toBe(200);

    // the server's refusal is shown in the dialog: a range that is none
    await row.getByRole('button', { name: 'Restrictions: Partner feed' }).click();
    await fillRestrictions(edit, { cidrs: '10.0.0.0/40' });
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => edit.innerText()).toContain('IPv4 or IPv6 CIDR');
    await expect(suite.tab.browserErrors.filter((e) => !e.includes('400'))).toEqual([]);
  });
});
