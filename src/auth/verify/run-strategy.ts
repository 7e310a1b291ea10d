import type { Strategy } from 'passport-strategy';

/** What a Passport strategy decided about a request. */
export type StrategyOutcome<T> = { ok: true; user: T } | { ok: false; reason: string; error?: unknown };

/**
 * Runs one Passport strategy on a request the way passport.authenticate does (a per-call object
 * whose success/fail/error the strategy calls), without its middleware chain.
 */
export function runStrategy<T>(strategy: Strategy, request: object): Promise<StrategyOutcome<T>> {
  return new Promise((resolve) => {
    const call = Object.create(strategy) as Strategy & Record<string, unknown>;
    call.success = (user: T) => resolve({ ok: true, user });
    call.fail = (challenge?: unknown) => resolve({ ok: false, reason: reasonOf(challenge) });
    call.error = (error: unknown) => resolve({ ok: false, reason: reasonOf(error), error });
    call.pass = () => resolve({ ok: false, reason: 'No credential' });
    call.redirect = () => resolve({ ok: false, reason: 'No credential' });
    try {
      call.authenticate(request as never, { session: false });
    } catch (error) {
      resolve({ ok: false, reason: reasonOf(error), error });
    }
  });
}

function reasonOf(challenge: unknown): string {
  if (challenge instanceof Error) {
    if (challenge.name === 'TokenExpiredError') return 'JWT has expired';
    if (challenge.name === 'JsonWebTokenError' || challenge.name === 'NotBeforeError') return `Invalid JWT: ${challenge.message}`;
    // an UnauthorizedException thrown by a strategy's validate() says why
    return challenge.message;
  }
  return typeof challenge === 'string' ? challenge : 'Invalid credentials';
}
