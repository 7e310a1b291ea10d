// Writes openapi/keygate.json, the OpenAPI document exactly as the built server serves it at
// /swagger-json (without an access policy), and openapi/keygate.d.ts, the TypeScript types that
// openapi-typescript generates from it for the console and the CLI. Both are committed: the unit test
// src/openapi/generated-types.spec.ts and test/openapi-lint.e2e-spec.ts fail when either is stale.
// The app starts on a throwaway embedded database and never listens: the document is read in-process.
// `npm run openapi` builds first; `npm run lint:openapi` lints the document with Spectral and Redocly.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The document of the built app (dist/), with the access policy `policyFile` names when given. */
export async function builtAppDocument({ policyFile } = {}) {
  const factory = join(root, 'dist/src/app.factory.js');
  if (!existsSync(factory)) throw new Error('dist/ is missing: run `npm run build` first (or `npm run openapi`, which builds)');
  const { createApp } = await import(pathToFileURL(factory).href);
  const { loadConfig } = await import(pathToFileURL(join(root, 'dist/src/config/app-config.js')).href);
  const dataDir = mkdtempSync(join(tmpdir(), 'keygate-openapi-'));
  // only these settings: a DATABASE_URL in the caller's environment must not be touched
  const config = loadConfig({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'error',
    // a password of its own, so the first-start seeding prints none
    ADMIN_PASSWORD: randomBytes(18).toString('base64url'),
    ...(policyFile ? { ACCESS_POLICY_FILE: policyFile } : {}),
  });
  const app = await createApp(config);
  try {
    await app.init();
    const reply = await app.inject({ method: 'GET', url: '/swagger-json' });
    if (reply.statusCode !== 200) throw new Error(`GET /swagger-json answered ${reply.statusCode}: ${reply.body}`);
    return JSON.parse(reply.body);
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const DOCUMENT_FILE = join(root, 'openapi/keygate.json');
export const TYPES_FILE = join(root, 'openapi/keygate.d.ts');

/** The document as written to a file: two-space JSON and a final newline. */
export const documentText = (document) => `${JSON.stringify(document, null, 2)}\n`;

/**
 * The client types of a document, as openapi-typescript writes them. Rights in request bodies are
 * typed as strings: their enum is the serving server's catalog, which its access policy extends.
 */
export async function generatedTypes(document) {
  const { default: openapiTS, astToString, COMMENT_HEADER } = await import('openapi-typescript');
  const copy = structuredClone(document);
  for (const schema of Object.values(copy.components?.schemas ?? {})) delete schema.properties?.rights?.items?.enum;
  return COMMENT_HEADER + astToString(await openapiTS(copy));
}

async function main() {
  const document = await builtAppDocument();
  mkdirSync(dirname(DOCUMENT_FILE), { recursive: true });
  writeFileSync(DOCUMENT_FILE, documentText(document));
  writeFileSync(TYPES_FILE, await generatedTypes(document));
  console.log(`Written: ${DOCUMENT_FILE} and its client types, ${TYPES_FILE}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`openapi: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  });
}
