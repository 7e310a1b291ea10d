import type { Authority } from './authority.js';
import type { Right } from './right.js';

export type AuthenticationMethod = 'jwt' | 'apiKey';

/** Who is calling: the user behind the credential and what this request may do. */
export interface Principal {
  userId: string;
  authority: Authority;
  tenantId: string | null;
  customerId: string | null;
  method: AuthenticationMethod;
  /** The key's id when the call came with an API key. */
  apiKeyId: string | null;
  /** The session (login) of the JWT that authenticated the call; null with a key. */
  sessionId: string | null;
  /** With a key: the key's literal rights (so `RIGHT_USER_ALL` can be granted on only by a key that has it). */
  keyRights: readonly string[] | null;
  /** Effective rights for this request. */
  rights: ReadonlySet<Right>;
}
