import { Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { installAuthenticationHook } from './auth/verify/authentication-hook.js';
import { Authenticator } from './auth/verify/authenticator.js';
import { KeyRestrictions } from './auth/verify/key-restrictions.js';
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
import { buildOpenApiDocument } from './openapi/openapi-document.js';

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
  installAuthenticationHook(fastify, app.get(Authenticator), app.get(KeyRestrictions));
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
  const document = buildOpenApiDocument(app, app.get(RightsCatalog));
  SwaggerModule.setup('swagger', app, document, {
    jsonDocumentUrl: 'swagger-json',
    // off by default: a key or JWT typed into Authorize would otherwise stay in the browser's localStorage
    swaggerOptions: { persistAuthorization: config.SWAGGER_PERSIST_AUTHORIZATION },
  });
}
