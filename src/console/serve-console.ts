import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PREFIX = '/console/';

/**
 * The project's root: the nearest folder above this file holding package.json, the same from
 * `src/console/` (tests) and `dist/src/console/` (the built server).
 */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where `vite build --config console/vite.config.ts` writes the console. */
export function consoleRoot(): string {
  return join(projectRoot(), 'dist', 'console');
}

/**
 * Serves the web console (a single-page app talking only to /api) at /console/, from the files
 * Vite built. Index.html is revalidated on each visit so a new build shows at once; the hashed
 * assets never change, so browsers keep them. Without a build, /console answers a 404 that says
 * how to make one. Call before `listen()`.
 */
export async function serveConsole(app: NestFastifyApplication, root = consoleRoot()): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.get('/console', (_request, reply) => reply.redirect(PREFIX, 302));
  if (!existsSync(join(root, 'index.html'))) {
    new Logger('Console').warn(`The web console is not built (no ${join(root, 'index.html')}): /console answers 404 until \`npm run build\``);
    const notBuilt = (_request: unknown, reply: FastifyReply) =>
      reply.status(404).header('content-type', 'application/json; charset=utf-8').send({
        statusCode: 404,
        error: 'Not Found',
        message: 'The web console is not built: run `npm run build` (it writes dist/console), then restart the server',
      });
    fastify.get(PREFIX, notBuilt);
    fastify.get(`${PREFIX}*`, notBuilt);
    return;
  }
  const assets = join(root, 'assets');
  await app.register(fastifyStatic, {
    root,
    prefix: PREFIX,
    // Swagger UI may have decorated the reply already; the console needs no sendFile of its own
    decorateReply: false,
    index: ['index.html'],
    setHeaders(reply, path) {
      void reply.header('Cache-Control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
