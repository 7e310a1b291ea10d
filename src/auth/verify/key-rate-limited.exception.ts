import { TooManyRequestsException } from '../../common/too-many-requests.exception.js';

/** The name of a key's quota policy in the RateLimit headers. */
const POLICY = '"key"';

/**
 * A key past its rate limit: 429 with Retry-After and the RateLimit-Policy / RateLimit headers of
 * draft-ietf-httpapi-ratelimit-headers-10 (`"key";q=<limit>;w=<window>`, `"key";r=0;t=<seconds>`).
 */
export class KeyRateLimitedException extends TooManyRequestsException {
  readonly reason = 'RATE_LIMITED';
  readonly responseHeaders: Record<string, string>;

  constructor({ limit, windowSeconds }: { limit: number; windowSeconds: number }, retryAfter: number) {
    super(`This API key is past its rate limit of ${limit} uses a ${windowSeconds} s window; retry in ${retryAfter} s`, retryAfter);
    this.responseHeaders = { 'RateLimit-Policy': `${POLICY};q=${limit};w=${windowSeconds}`, RateLimit: `${POLICY};r=0;t=${retryAfter}` };
    Object.assign(this.getResponse() as object, { reason: 'RATE_LIMITED' });
  }
}
