import { DomainError } from '../../common/domain-error.js';
import { SESSION_ENDED } from './token-payload.js';

/** A wrong username or password, an unknown user or a disabled account: the very same refusal for each (which one is not the client's to learn). */
export class InvalidLogin extends DomainError {
  readonly kind = 'unauthenticated';

  constructor() {
    super('Invalid username or password');
  }
}

/** Past the failure limit for the address, or for the account from the address: wait, even with the right password. */
export class TooManyLogins extends DomainError {
  readonly kind = 'too-many';

  constructor(
    scope: 'address' | 'account',
    readonly retryAfterSeconds: number,
  ) {
    super(`Too many failed logins ${scope === 'address' ? 'from your address' : 'for this account from your address'}; retry in ${retryAfterSeconds} s`, {
      retryAfterSeconds,
    });
  }
}

/** A refresh token keygate did not sign, that has expired, or that is an access token. */
export class InvalidRefreshToken extends DomainError {
  readonly kind = 'unauthenticated';

  constructor(why: 'invalid' | 'not-refresh') {
    super(why === 'invalid' ? 'Invalid or expired refresh token' : 'Not a refresh token');
  }
}

/** The session was ended (logout, a reused refresh token, the user disabled): log in again. */
export class SessionEnded extends DomainError {
  readonly kind = 'unauthenticated';

  constructor(reused = false) {
    super(reused ? 'This refresh token was already used, so its session has ended; log in again' : SESSION_ENDED);
  }
}

/** Logout ends a login session; a key has none. */
export class KeyHasNoSession extends DomainError {
  readonly kind = 'forbidden';

  constructor() {
    super('An API key has no session to log out of: disable or delete the key to stop it');
  }
}
