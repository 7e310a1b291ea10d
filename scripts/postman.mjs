// Writes postman/keygate.postman_collection.json: the OpenAPI document of the built app (dist/),
// converted by Postman's own converter (openapi-to-postmanv2, its v2 interface: enum fields get one of
// their values and list the others; optional query parameters come unticked). `npm run postman` builds first.
// The document is the built server's own (scripts/openapi.mjs).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Converter from 'openapi-to-postmanv2';
import { builtAppDocument } from './openapi.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the collection's requests go until the user changes the `baseUrl` variable. */
export const DEFAULT_BASE_URL = 'http://localhost:3000';

/** The collection variable the converter puts in every protected request's `X-Authorization` header. */
const CREDENTIAL_VARIABLE = {
  key: 'apiKey',
  value: '',
  type: 'string',
  description: 'Sent as X-Authorization: `ApiKey <key>` for an API key, or `Bearer <token>` for a JWT from POST /api/auth/login.',
};

/**
 * The Postman collection (v2.1) for an OpenAPI document: one folder per tag, the `apiKey` scheme on
 * every protected request, `baseUrl` and `apiKey` as collection variables.
 */
export async function toPostmanCollection(document, baseUrl = DEFAULT_BASE_URL) {
  // the served document names no server (Swagger UI calls the page's own origin); Postman needs one
  const input = { ...document, servers: [{ url: baseUrl }] };
  const result = await new Promise((resolvePromise, reject) =>
    Converter.convertV2({ type: 'json', data: input }, { folderStrategy: 'Tags', parametersResolution: 'Schema', enableOptionalParameters: false }, (error, converted) =>
      error ? reject(error) : resolvePromise(converted),
    ),
  );
  if (!result.result) throw new Error(`openapi-to-postmanv2 refused the document: ${result.reason}`);
  const collection = result.output[0].data;
  collection.variable = [...(collection.variable ?? []).filter((v) => v.key !== CREDENTIAL_VARIABLE.key), CREDENTIAL_VARIABLE];
  return collection;
}

async function main() {
  const out = resolve(process.argv[2] ?? join(root, 'postman', 'keygate.postman_collection.json'));
  const collection = await toPostmanCollection(await builtAppDocument());
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(collection, null, 2)}\n`);
  console.log(`Postman collection written to ${out}`);
  console.log('Import it in Postman (File → Import), then set the collection variable apiKey to `ApiKey <key>` or `Bearer <token>`.');
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error) => {
    console.error(`postman: ${error instanceof Error ? error.message : error}`);
    process.exitCode = 1;
  });
}
