import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { World, type TestUser } from './support/client.js';
import { ACCESS_POLICY_FIXTURE, startTestApp, type TestApp } from './support/test-app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = (file: string) => join(root, 'test/contract', file);
const run = promisify(execFile);

interface NewmanFailure {
  error: { name: string; test?: string; message: string };
  source?: { name?: string };
}
interface NewmanSummary {
  run: {
    stats: { requests: { total: number; failed: number }; assertions: { total: number; failed: number } };
    failures: NewmanFailure[];
    executions: Array<{ item: { name: string }; response?: { code: number } }>;
  };
}

/**
 * Contract tests generated from the served document by Portman (test/contract/portman-config.json:
 * the order of operations, the ids each one hands on, the bodies' values), run with newman against the
 * real server: each operation's status is a documented success, its body JSON of the documented
 * schema, its headers those documented; a few protected operations again with an unknown key, whose
 * 401 must carry the documented error body. Forward authentication is asked once, as Traefik asks
 * (`GET` with `X-Forwarded-Method` and `-Uri`): its other methods and Envoy's form are left out
 * (test/contract/oas-filter.json), test/forward-auth.e2e-spec.ts covers them.
 */
describe('contract tests generated from the OpenAPI document (Portman, newman)', () => {
  let sut: TestApp;
  let dir: string;
  let tenantAdmin: TestUser;
  let summary: NewmanSummary;

  beforeAll(async () => {
    // the contract's example policy, so that forward authentication has a route to allow
    sut = await startTestApp({ ACCESS_POLICY_FILE: ACCESS_POLICY_FIXTURE });
    const world = new World(sut);
    tenantAdmin = await world.makeTenantAdmin();
    const key = await world.makeKey(tenantAdmin, { description: 'Portman' });
    const sysAdminKey = await world.makeKey(await world.admin(), { description: 'Portman, system' });
    dir = mkdtempSync(join(tmpdir(), 'keygate-contract-'));
    const document = join(dir, 'keygate.json');
    writeFileSync(document, await (await fetch(`${sut.url}/swagger-json`)).text());
    const collectionFile = join(dir, 'collection.json');
    await run(
      join(root, 'node_modules/.bin/portman'),
      ['--local', document, '--baseUrl', sut.url, '--portmanConfigFile', here('portman-config.json'), '--filterFile', here('oas-filter.json'),
        '--output', collectionFile, '--includeTests', 'true', '--syncPostman', 'false', '--extraUnknownFormats', 'int32'],
      { cwd: dir, maxBuffer: 64 * 1024 * 1024 },
    );
    const collection = JSON.parse(readFileSync(collectionFile, 'utf8'));
    // newman ships no types: the one call used here, typed by hand
    const newman = ((await import('newman' as string)) as { default: { run(options: object, done: (error: Error | null, summary: NewmanSummary) => void): void } }).default;
    summary = await new Promise<NewmanSummary>((resolve, reject) =>
      newman.run(
        {
          collection,
          envVar: [
            { key: 'baseUrl', value: sut.url },
            { key: 'apiKey', value: `ApiKey ${key.key}` },
            { key: 'sysAdminKey', value: sysAdminKey.key },
            { key: 'email', value: tenantAdmin.email },
            { key: 'password', value: tenantAdmin.password },
          ],
          reporters: [],
        },
        (error: Error | null, result: NewmanSummary) => (error ? reject(error) : resolve(result)),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await sut?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends every operation of the document (forward authentication once), and some without a valid key', () => {
    const statuses = summary.run.executions.map((execution) => `${execution.item.name}: ${execution.response?.code}`);
    // 47 operations, and 6 of them again without a valid key (the "Unauthorized" variations)
    expect(summary.run.executions.length, statuses.join('\n')).toBe(53);
    expect(summary.run.stats.requests.failed).toBe(0);
  });

  it('has no failed assertion', () => {
    const failures = summary.run.failures.map((failure) => `${failure.source?.name}: ${failure.error.test ?? failure.error.name}: ${failure.error.message}`);
    expect(failures).toEqual([]);
    expect(summary.run.stats.assertions.total).toBeGreaterThanOrEqual(summary.run.executions.length * 3);
  });
});
