/** What the access and refresh tokens of a session say; login signs them, verification reads them. */
export const SESSION_ENDED = 'The session has ended; log in again';

export interface TokenPayload {
  sub: string;
  typ: 'access' | 'refresh';
  /** The session (login) the token belongs to. */
  sid: string;
  /** Refresh tokens only: the generation of the session's refresh token, exchangeable only while current. */
  gen?: number;
  exp?: number;
}
