import type { FastifyInstance } from 'fastify';

const MAX_DEPTH = 32;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Either problem at all: one cheap scan, so the common string (ASCII, a key) costs no lookbehind. */
const SUSPECT = /[\u0000\ud800-\udfff]/;

/** Why a parsed JSON body cannot be taken further, or null. Iterative: a deep body cannot overflow the stack here. */
export function jsonBodyProblem(value: unknown): string | null {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length) {
    const [node, depth] = pending.pop()!;
    if (typeof node === 'string') {
      if (!SUSPECT.test(node)) continue;
      if (node.includes('\u0000')) return 'JSON strings must not contain NUL characters';
      if (LONE_SURROGATE.test(node)) return 'JSON strings must be well-formed Unicode';
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth >= MAX_DEPTH) return `JSON body is nested more than ${MAX_DEPTH} levels deep`;
    const children = Array.isArray(node) ? node : Object.entries(node).flat();
    for (const child of children) pending.push([child, depth + 1]);
  }
  return null;
}

/**
 * JSON as the only body type, with Fastify's JSON parser (which already refuses `__proto__` and `constructor.prototype` keys),
 * plus a 400 for bodies no field of keygate's can hold: nested too deep for the validators'
 * recursion, NUL characters and broken surrogates, which PostgreSQL cannot store.
 */
export function installStrictJsonParser(fastify: FastifyInstance): void {
  // every body keygate takes is JSON: text/plain would reach the validators as one string, so it gets 415 like any other type
  fastify.removeContentTypeParser('text/plain');
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const problem = jsonBodyProblem(value);
      if (problem) return done(Object.assign(new Error(problem), { statusCode: 400 }), undefined);
      done(null, value);
    });
  });
}
