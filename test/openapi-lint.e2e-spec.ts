import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name: string) => join(root, 'node_modules/.bin', name);
const run = promisify(execFile);

interface SpectralResult {
  code: string;
  message: string;
  path: string[];
  /** 0 error, 1 warning, 2 information, 3 hint */
  severity: number;
}
interface RedoclyResult {
  totals: { errors: number; warnings: number };
  problems: Array<{ ruleId: string; severity: string; message: string; location: Array<{ pointer: string }> }>;
}

/** Spectral with the repository's ruleset (spectral:oas and the installed OWASP ruleset): every problem found. */
async function spectral(file: string): Promise<SpectralResult[]> {
  // exits 1 when it finds an error: the JSON on stdout says which
  const { stdout } = await run(bin('spectral'), ['lint', file, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json', '--quiet'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`spectral failed: ${error.stderr}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout) as SpectralResult[];
}

/** Redocly's recommended rules with the repository's redocly.yaml. */
async function redocly(file: string): Promise<RedoclyResult> {
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' };
  const { stdout } = await run(bin('redocly'), ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'], {
    cwd: root,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string; stderr?: string }) => {
    if (!error.stdout) throw new Error(`redocly failed: ${error.stderr}`);
    return { stdout: error.stdout };
  });
  return JSON.parse(stdout) as RedoclyResult;
}

const errorsOf = (results: SpectralResult[]) =>
  results.filter((r) => r.severity === 0).map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`);

/**
 * The document the server serves is the one committed in openapi/keygate.json (which the client types
 * are generated from), and Spectral (OWASP and oas rules) and Redocly (recommended) find no error in it,
 * offline, with the rules the repository turns off said in .spectral.yaml and redocly.yaml.
 */
describe('the served OpenAPI document, linted', () => {
  let sut: TestApp;
  let dir: string;
  let served: Record<string, any>;
  let file: string;

  beforeAll(async () => {
    sut = await startTestApp();
    const reply = await fetch(`${sut.url}/swagger-json`);
    served = (await reply.json()) as Record<string, any>;
    dir = mkdtempSync(join(tmpdir(), 'keygate-openapi-lint-'));
    file = join(dir, 'served.json');
    writeFileSync(file, JSON.stringify(served));
  });
  afterAll(async () => {
    await sut?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is the committed openapi/keygate.json (after a change: npm run openapi)', () => {
    const committed = JSON.parse(readFileSync(join(root, 'openapi/keygate.json'), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('has no Spectral error', async () => {
    expect(errorsOf(await spectral(file))).toEqual([]);
  }, 60_000);

  it('has no Redocly error', async () => {
    const result = await redocly(file);
    expect(result.problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId} at ${p.location[0]?.pointer}`)).toEqual([]);
    expect(result.totals.errors).toBe(0);
  }, 60_000);

  it('would fail if the document lost what the rules ask for', async () => {
    // a public operation without its explicit `security: []`, an operation without a summary, a path parameter undeclared
    const broken = structuredClone(served);
    delete broken.paths['/api/auth/login'].post.security;
    delete broken.paths['/api/health'].get.summary;
    broken.paths['/api/users/{userId}'].get.parameters = [];
    const brokenFile = join(dir, 'broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    expect(errorsOf(await spectral(brokenFile))).toEqual(expect.arrayContaining([expect.stringMatching(/^path-params at paths\.\/api\/users\/\{userId\}\.get/)]));
    const rules = (await redocly(brokenFile)).problems.filter((p) => p.severity === 'error').map((p) => p.ruleId);
    expect(rules).toEqual(expect.arrayContaining(['security-defined', 'operation-summary', 'path-parameters-defined']));
  }, 60_000);

  it('documents what the server answers: every protected operation, login and leak reports can be 429 with Retry-After, every error has the one error body', () => {
    for (const [path, item] of Object.entries(served.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const route = `${method.toUpperCase()} ${path}`;
        expect(operation.summary, route).toBeTruthy();
        if (operation.security.length > 0) expect(Object.keys(operation.responses), route).toEqual(expect.arrayContaining(['401', '403']));
        if (operation.security.length > 0 || ['POST /api/auth/login', 'POST /api/keys/report-leaked'].includes(route)) {
          expect(operation.responses['429']?.headers?.['Retry-After'], route).toBeDefined();
        }
        for (const [status, response] of Object.entries(operation.responses as Record<string, any>)) {
          if (Number(status) >= 400) expect(response.content['application/json'].schema, `${route} ${status}`).toEqual({ $ref: '#/components/schemas/ErrorDto' });
        }
      }
    }
    expect(served.components.schemas.HealthDto.properties.status).toMatchObject({ type: 'string', enum: ['ok'] });
  });
});
