import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { assertLiteralHostAllowed, publicOnlyLookup } from './webhook-url.js';

export interface PostOutcome {
  statusCode: number | null;
  error: string | null;
}

/**
 * POSTs `body` once and reports what happened, never throwing: the receiver's status, or why it
 * gave none (a timeout, a closed connection, an address refused at connection time). Redirects
 * are not followed (one could lead anywhere); the answer's body is not read.
 */
export function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { signal: AbortSignal; allowPrivate: boolean },
): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
      assertLiteralHostAllowed(target, options.allowPrivate);
    } catch (error) {
      resolve({ statusCode: null, error: (error as Error).message });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, {
      method: 'POST',
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
      lookup: publicOnlyLookup(options.allowPrivate),
      signal: options.signal,
    });
    req.on('response', (res) => {
      resolve({ statusCode: res.statusCode ?? null, error: res.statusCode && res.statusCode >= 200 && res.statusCode < 300 ? null : `the receiver answered ${res.statusCode}` });
      res.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      const reason = options.signal.aborted
        ? (options.signal.reason as Error | undefined)?.name === 'TimeoutError' ? 'no answer in time (timed out)' : 'interrupted: the server was shutting down'
        : error.message;
      resolve({ statusCode: null, error: reason });
    });
    req.end(body);
  });
}
