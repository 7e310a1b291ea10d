import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './support/test-app.js';

/** The options Swagger UI starts with, as the served init script holds them. */
async function swaggerOptions(sut: TestApp): Promise<Record<string, unknown>> {
  const reply = await fetch(`${sut.url}/swagger/swagger-ui-init.js`);
  expect(reply.status).toBe(200);
  const script = await reply.text();
  const match = /"customOptions":\s*(\{[^{}]*\})/.exec(script);
  expect(match, script.slice(-600)).not.toBeNull();
  return JSON.parse(match![1]!);
}

describe.each<[string, Record<string, string>, boolean]>([
  ['by default', {}, false],
  ['with SWAGGER_PERSIST_AUTHORIZATION=true', { SWAGGER_PERSIST_AUTHORIZATION: 'true' }, true],
])('Swagger UI %s', (_name, env, persists) => {
  let sut: TestApp;

  beforeAll(async () => {
    sut = await startTestApp(env);
  });
  afterAll(() => sut.close());

  it(`${persists ? 'keeps' : 'does not keep'} typed credentials in the browser (persistAuthorization: ${persists})`, async () => {
    expect(await swaggerOptions(sut)).toMatchObject({ persistAuthorization: persists });
  });
});
