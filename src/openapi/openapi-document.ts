import type { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ParameterObject, type ResponseObject, type SchemaObject,
} from '@nestjs/swagger';
import { ErrorDto } from '../common/error.dto.js';
import { USER_ID } from '../common/ids.js';
import type { RightsCatalog } from '../rights/rights-catalog.js';
import { API_KEY_SCHEME, JWT_SCHEME } from '../rights/route-rights.decorator.js';

/**
 * The OpenAPI document the server serves at /swagger-json: generated from the code (the DTOs through
 * the Swagger CLI plugin, the routes' access decorators), then completed here, in one place, with
 * what every operation shares: its error answers, its path parameters' forms, its security.
 */
export function buildOpenApiDocument(app: INestApplication, catalog: RightsCatalog): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('keygate')
      .setDescription(
        'Issues, manages and verifies API keys. Authorize with a JWT from `POST /api/auth/login`, ' +
          'or with an API key entered as `ApiKey <key>` in the `apiKey` form. When both are sent, the JWT decides.',
      )
      .setVersion('0.1.0')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-Authorization', description: 'Enter `ApiKey <key>`, e.g. `ApiKey NNSXS.…`' },
        API_KEY_SCHEME,
      )
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The `token` from `POST /api/auth/login`. As RFC8725 advises: one algorithm (HS256) fixed by the server, ' +
            'expiry always checked, a token of an ended session refused.',
        },
        JWT_SCHEME,
      )
      .build(),
    { extraModels: [ErrorDto] },
  );
  // the server the document is read from: Swagger UI, Postman and the generated clients call the origin they were given
  document.servers = [{ url: '/', description: 'This keygate server', 'x-internal': false } as never];
  keepStandardMethods(document);
  describeOperations(document);
  listRightNames(document, catalog);
  listTags(document);
  return document;
}

/** The request bodies that name rights: the catalog is data (the access policy), so their enum is filled in at start. */
const BODIES_WITH_RIGHTS = ['CreateApiKeyDto', 'UpdateApiKeyDto', 'CreateServiceAccountDto', 'UpdateServiceAccountDto', 'VerifyKeyDto'];

function listRightNames(document: OpenAPIObject, catalog: RightsCatalog): void {
  const names = catalog.entries.map((entry) => entry.name);
  for (const name of BODIES_WITH_RIGHTS) {
    const rights = (document.components?.schemas?.[name] as SchemaObject | undefined)?.properties?.rights as SchemaObject | undefined;
    if (!rights?.items) continue;
    (rights.items as SchemaObject).enum = names;
    // an example naming a right this server's policy lacks would contradict the enum
    if (Array.isArray(rights.example) && !rights.example.every((right: string) => names.includes(right))) rights.example = ['RIGHT_ALL'];
  }
}

/** OpenAPI 3.0 knows eight methods: `@All()` (forward authentication) also lists SEARCH and the like, which validators refuse. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'parameters', 'summary', 'description', 'servers']);

function keepStandardMethods(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths) as Array<Record<string, unknown>>) {
    for (const key of Object.keys(item)) if (!OPENAPI_METHODS.has(key)) delete item[key];
  }
}

const TAGS: Record<string, string> = {
  health: 'Liveness and readiness, for load balancers and orchestrators',
  rights: 'The catalog of rights: keygate\'s own and the platform\'s',
  audit: 'Who did what to which key or session, when and from where',
  users: 'Users, and who manages whom',
  'service-accounts': 'Service accounts and their keys: for backends and device fleets',
  'api-keys': 'A user\'s API keys',
  auth: 'Login, refresh, logout and the caller',
  platform: 'For the platform: verifying keys and forward authentication for gateways',
  tenants: 'Tenants',
  customers: 'The customers of a tenant',
  metrics: 'Prometheus metrics, for operators (RIGHT_METRICS_READ)',
  webhooks: 'Signed POSTs of key events to receivers (RIGHT_USER_WEBHOOKS)',
};

/** Every tag the operations use, declared once at the top (the order they first appear in). */
function listTags(document: OpenAPIObject): void {
  const tags = new Set(operationsOf(document).flatMap(({ operation }) => operation.tags ?? []));
  document.tags = [...tags].map((name) => ({ name, ...(TAGS[name] ? { description: TAGS[name] } : {}) }));
}

const UUID_PARAMETER: SchemaObject = {
  type: 'string',
  format: 'uuid',
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  minLength: 36,
  maxLength: 36,
};
const EXAMPLE_UUID = '9d5f3c1e-2b7a-4e8f-a1c3-5d6e7f809a1b';

/** What each path parameter may be; a path id of another form names nothing (`404`). */
const PATH_PARAMETERS: Record<string, Pick<ParameterObject, 'description' | 'schema' | 'example'>> = {
  userId: {
    description: 'A user id (a UUID, any letter case), or `me` for the caller',
    schema: { type: 'string', pattern: USER_ID.source, minLength: 2, maxLength: 36 },
    example: 'me',
  },
  keyId: {
    description: 'The key\'s id: the middle part of `NNSXS.<id>.<secret>`',
    schema: { type: 'string', pattern: '^[A-Z2-7]{39}$', minLength: 39, maxLength: 39 },
    example: 'ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI',
  },
  serviceAccountId: { description: "The service account's id", schema: UUID_PARAMETER, example: EXAMPLE_UUID },
  tenantId: { description: "The tenant's id", schema: UUID_PARAMETER, example: EXAMPLE_UUID },
  customerId: { description: "The customer's id", schema: UUID_PARAMETER, example: EXAMPLE_UUID },
  webhookId: { description: "The webhook's id", schema: UUID_PARAMETER, example: EXAMPLE_UUID },
  path: {
    description: 'For Envoy (`path_prefix`): the original path after `/api/forward-auth/`',
    schema: { type: 'string', minLength: 1, maxLength: 8192 },
    example: 'v1/telemetry/room-1',
  },
};

/** Operations whose services refuse with a conflict (docs/errors.md), and why. */
const CONFLICTS: Record<string, string> = {
  UsersController_create: 'The email is already taken',
  UsersController_update: 'The last enabled system administrator cannot be disabled',
  UsersController_delete: 'The last enabled system administrator cannot be deleted',
  ApiKeysController_create: 'The owner already has `API_KEYS_MAX_PER_USER` keys',
  ServiceAccountApiKeysController_create: 'The owner already has `API_KEYS_MAX_PER_USER` keys',
  ApiKeysController_update: 'The key was deleted or changed meanwhile: read it again',
  ServiceAccountApiKeysController_update: 'The key was deleted or changed meanwhile: read it again',
  ApiKeysController_roll: 'The key is disabled or expired: enable it, or create a new key',
  ServiceAccountApiKeysController_roll: 'The key is disabled or expired: enable it, or create a new key',
};

/** Public operations that count calls or failures per address, and answer `429` past the limit. */
const THROTTLED_PUBLIC: Record<string, string> = {
  AuthController_login: 'Too many failed logins for this account, or for any accounts, from this address',
  LeakReportController_report: 'Too many leak reports from this address this minute',
};

/** Operations that name an id in their body, which may be unknown: `404` although they have no path id. */
const UNKNOWN_IDS_IN_BODY: Record<string, string> = {
  UsersController_create: 'The tenant or customer named is unknown',
  ServiceAccountsController_create: 'The customer named is unknown',
  WebhooksController_create: 'The tenant named is unknown',
};

/** Seconds, as the server's `Retry-After` header says them. */
const RETRY_AFTER = {
  description: 'Seconds to wait before trying again',
  schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 2_147_483_647 },
} as const;

/** What a key past its own rate limit is told beside Retry-After (draft-ietf-httpapi-ratelimit-headers-10). */
const KEY_RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': { description: 'With a key past its `rateLimit`: `"key";q=<limit>;w=<windowSeconds>`', schema: { type: 'string', pattern: '^"key";q=\\d+;w=\\d+$' } },
  RateLimit: { description: 'With a key past its `rateLimit`: `"key";r=0;t=<seconds until the window ends>`', schema: { type: 'string', pattern: '^"key";r=\\d+;t=\\d+$' } },
} as const;

const ERROR_CONTENT = { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } };

/**
 * Adds what operations share, from each one's parameters, body and access rule (the route decorators
 * put a protected route's security schemes on it): `400` for any input, `401`, `403` and `429` when
 * protected, `404` for a path id, `409` where a service refuses with a conflict, `503` (with
 * `Retry-After`) wherever the database is asked, `500` everywhere; every error with the one error
 * body. Public operations get an explicit empty `security`. Done here rather than by decorators,
 * which would stop the Swagger plugin from documenting each operation's success response.
 */
function describeOperations(document: OpenAPIObject): void {
  for (const { path, operation } of operationsOf(document)) {
    const id = operation.operationId ?? '';
    const parameters = (operation.parameters ?? []) as ParameterObject[];
    for (const name of path.match(/(?<=\{)\w+(?=\})/g) ?? []) {
      if (!parameters.some((p) => p.in === 'path' && p.name === name)) parameters.push({ name, in: 'path', required: true });
    }
    for (const parameter of parameters) {
      if (parameter.in === 'path' && PATH_PARAMETERS[parameter.name]) Object.assign(parameter, PATH_PARAMETERS[parameter.name]);
    }
    if (parameters.length) operation.parameters = parameters;
    const isProtected = (operation.security?.length ?? 0) > 0;
    if (!isProtected) operation.security = [];
    splitSummary(operation);

    const responses = operation.responses as Record<string, ResponseObject>;
    const add = (status: number, description: string, withRetryAfter = false) => {
      responses[status] ??= { description };
      if (withRetryAfter) responses[status].headers = { 'Retry-After': RETRY_AFTER, ...responses[status].headers };
    };
    if (operation.requestBody || parameters.length) {
      add(400, 'Invalid input: a field or parameter of the wrong form, or unknown (`errors` lists each problem)');
    }
    if (isProtected) {
      add(401, 'No valid JWT or API key');
      add(403, 'The caller lacks the route\'s right (`missingRight`), does not manage the target, or cannot grant (`missingRights`), or its key may not be used from this address (`reason: ADDRESS_NOT_ALLOWED`)');
    }
    if (parameters.some((p) => p.in === 'path')) add(404, 'Unknown: an id that names nothing (a path id not of its form included)');
    if (UNKNOWN_IDS_IN_BODY[id]) add(404, UNKNOWN_IDS_IN_BODY[id]);
    if (CONFLICTS[id]) add(409, CONFLICTS[id]);
    if (isProtected) {
      add(429, 'Too many failed credential checks from this address, or with this key, or the key is past its own rate limit (`reason: RATE_LIMITED`)', true);
      responses[429]!.headers = { ...responses[429]!.headers, ...KEY_RATE_LIMIT_HEADERS };
    }
    if (THROTTLED_PUBLIC[id]) add(429, THROTTLED_PUBLIC[id], true);
    if (id !== 'HealthController_live') add(503, 'The database is unavailable', true);
    add(500, 'A bug: logged with its stack, answered without details');
    for (const [status, response] of Object.entries(responses)) {
      if (Number(status) >= 400) response.content ??= ERROR_CONTENT;
      if (Number(status) === 429 || Number(status) === 503) response.headers = { 'Retry-After': RETRY_AFTER, ...response.headers };
    }
  }
}

/** The JSDoc the plugin made the summary: its first sentence stays the summary, the whole becomes the description. */
function splitSummary(operation: OperationObject): void {
  const text = operation.summary?.trim();
  if (!text) return;
  const first = /^[\s\S]*?[.:](?=\s|$)/.exec(text)?.[0] ?? text;
  operation.description ??= text;
  operation.summary = first.replace(/\s+/g, ' ').replace(/[.:]$/, '');
}

function operationsOf(document: OpenAPIObject): Array<{ path: string; method: string; operation: OperationObject }> {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, OperationObject>)
      .filter(([, operation]) => operation && typeof operation === 'object' && 'responses' in operation)
      .map(([method, operation]) => ({ path, method, operation })),
  );
}
