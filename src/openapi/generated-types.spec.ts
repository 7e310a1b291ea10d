import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// the generation `npm run openapi` writes with, run here on the committed document
const openapiScript: { DOCUMENT_FILE: string; TYPES_FILE: string; generatedTypes(document: object): Promise<string> } = await import(
  new URL('../../scripts/openapi.mjs', import.meta.url).href as string
);

/**
 * The console's and the CLI's request and response types (openapi/keygate.d.ts) are what
 * openapi-typescript generates from the committed document, which test/openapi-lint.e2e-spec.ts holds
 * to what the server serves: a change to the API without `npm run openapi` fails one or the other.
 */
describe('the generated client types', () => {
  it('are what openapi-typescript generates from openapi/keygate.json (after a change: npm run openapi)', async () => {
    const document = JSON.parse(readFileSync(openapiScript.DOCUMENT_FILE, 'utf8')) as object;
    const committed = readFileSync(openapiScript.TYPES_FILE, 'utf8');
    const sut = await openapiScript.generatedTypes(document);
    expect(sut === committed, 'openapi/keygate.d.ts is stale: run npm run openapi').toBe(true);
  });

  it('would notice a change to the document', async () => {
    const document = JSON.parse(readFileSync(openapiScript.DOCUMENT_FILE, 'utf8')) as { components: { schemas: Record<string, any> } };
    document.components.schemas.HealthDto.properties.uptime = { type: 'integer' };
    expect(await openapiScript.generatedTypes(document)).not.toBe(readFileSync(openapiScript.TYPES_FILE, 'utf8'));
  });
});
