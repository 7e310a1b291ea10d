import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject, type OperationObject, type ParameterObject } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { installAuthenticationHook } from './auth/verify/authentication-hook.js';
import { Authenticator } from './auth/verify/authenticator.js';
import { installForwardAuthHook } from './auth/platform/forward-auth-hook.js';
import { ForwardAuth } from './auth/platform/forward-auth.js';
import { KeyVerifier } from './auth/platform/key-verifier.js';
import { installVerifyHook } from './auth/platform/verify-hook.js';
import { HttpExceptionFilter, sendError } from './common/http-exception.filter.js';
import { installSecurityHeaders } from './common/security-headers.js';
import { installStrictJsonParser } from './common/strict-json.js';
import { serveConsole } from './console/serve-console.js';
import { AppModule } from './app.module.js';
import { RightsCatalog } from './rights/rights-catalog.js';
import type { AppConfig } from './config/app-config.js';
import { fastifyTrustProxy, TRUE_MEANS_LOOPBACK } from './config/trust-proxy.js';
import { createLogging } from './logging/logger.js';
import { RouteDurations } from './metrics/route-durations.js';
import { API_KEY_SCHEME, JWT_SCHEME } from './rights/route-rights.decorator.js';

/** The configured application, not yet listening: `main.ts` and the e2e tests both start it from here. */
export async function createApp(config: AppConfig, options: { logDestination?: DestinationStream } = {}): Promise<NestFastifyApplication> {
  // one pino logger, JSON lines, for every Nest Logger and the request log
  const logging = createLogging(config, options.logDestination);
  const adapter = new FastifyAdapter({
    trustProxy: fastifyTrustProxy(config.TRUST_PROXY),
    bodyLimit: 64 * 1024,
    // long enough for the 64 kB header values a fuzzer sends, so they get a JSON answer, not a dropped connection
    http: { maxHeaderSize: 256 * 1024 } as never,
    // the router's own refusals (a bad %-escape, an overlong path parameter) echo the path: answered as every error is
    frameworkErrors: (error: Error, _request: FastifyRequest, reply: FastifyReply) => sendError(reply, error),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: logging.nestLogger,
    // the JSON body parser is keygate's own (installStrictJsonParser)
    bodyParser: false,
  });
  if (config.TRUST_PROXY === TRUE_MEANS_LOOPBACK) {
    new Logger('Config').warn(
      'TRUST_PROXY=true is read as TRUST_PROXY=loopback: X-Forwarded-For is believed only from a proxy on this host. ' +
        "Give a hop count (e.g. 1) or the proxies' addresses (e.g. 10.0.0.0/8) instead of true",
    );
  }
  const fastify = app.getHttpAdapter().getInstance();
  installSecurityHeaders(fastify);
  const origins = config.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean);
  // closed unless origins are named: a browser on another origin cannot call the API
  if (origins.length) app.enableCors({ origin: origins, allowedHeaders: ['Authorization', 'X-Authorization', 'Content-Type', 'Accept'] });
  logging.requests.install(fastify, app.get(RouteDurations));
  installAuthenticationHook(fastify, app.get(Authenticator));
  installForwardAuthHook(fastify, app.get(ForwardAuth));
  installVerifyHook(fastify, app.get(KeyVerifier));
  installStrictJsonParser(fastify);
  app.setGlobalPrefix('api', { exclude: ['metrics'] });
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
    }),
  );
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();
  await setUpSwagger(app, config);
  await serveConsole(app);
  return app;
}

async function setUpSwagger(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  try {
    const metadata = await import('./metadata.js' as string);
    await SwaggerModule.loadPluginMetadata(metadata.default);
  } catch {
    new Logger('Swagger').warn('src/metadata.ts is missing: run `npm run build` for full schemas');
  }
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('keygate')
      .setDescription(
        'Issues, manages and verifies API keys. Authorize with a JWT from `POST /api/auth/login`, ' +
          'or with an API key entered as `ApiKey <key>` in the `apiKey` form. When both are sent, the JWT decides.',
      )
      .setVersion('0.1.0')
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-Authorization', description: 'Enter `ApiKey <key>`, e.g. `ApiKey NNSXS.…`' },
        API_KEY_SCHEME,
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `token` from `POST /api/auth/login`' }, JWT_SCHEME)
      .build(),
  );
  keepStandardMethods(document);
  describeProtectedOperations(document);
  listRightNames(document, app.get(RightsCatalog));
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'swagger-json',
    // off by default: a key or JWT typed into Authorize would otherwise stay in the browser's localStorage
    swaggerOptions: { persistAuthorization: config.SWAGGER_PERSIST_AUTHORIZATION },
  });
}

/** The request bodies that name rights: the catalog is data (the access policy), so their enum is filled in at start. */
const BODIES_WITH_RIGHTS = ['CreateApiKeyDto', 'UpdateApiKeyDto', 'CreateServiceAccountDto', 'UpdateServiceAccountDto', 'VerifyKeyDto'];

function listRightNames(document: OpenAPIObject, catalog: RightsCatalog): void {
  const names = catalog.entries.map((entry) => entry.name);
  for (const name of BODIES_WITH_RIGHTS) {
    const rights = (document.components?.schemas?.[name] as { properties?: Record<string, { items?: Record<string, unknown> }> } | undefined)?.properties?.rights;
    if (rights?.items) rights.items.enum = names;
  }
}

/** OpenAPI 3.0 knows eight methods: `@All()` (forward authentication) also lists SEARCH and the like, which validators refuse. */
const OPENAPI_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace', 'parameters', 'summary', 'description', 'servers']);

function keepStandardMethods(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths) as Array<Record<string, unknown>>) {
    for (const key of Object.keys(item)) if (!OPENAPI_METHODS.has(key)) delete item[key];
  }
}

/**
 * Adds what every protected operation shares: its 401 and 403 answers, and what `userId` may be.
 * Done here rather than by decorators, which would stop the Swagger plugin from documenting
 * each operation's success response.
 */
function describeProtectedOperations(document: OpenAPIObject): void {
  for (const operations of Object.values(document.paths)) {
    for (const operation of Object.values(operations) as OperationObject[]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      for (const parameter of (operation.parameters ?? []) as ParameterObject[]) {
        if (parameter.name === 'userId') parameter.description = 'A user id, or `me` for the caller';
      }
      if (!operation.security) continue;
      operation.responses['401'] ??= { description: 'No valid JWT or API key (JSON error body)' };
      operation.responses['403'] ??= { description: 'The caller lacks the named right (`missingRight`), or does not manage the target' };
    }
  }
}
