import type { Authority } from './authority.js';
import type { RightName } from './right.js';

export type AuthenticationMethod = 'jwt' | 'apiKey';

/** Whom a credential belongs to: a person, or a service account (a backend, a device fleet, an integration). */
export type OwnerType = 'user' | 'serviceAccount';

/** The owner of a key or token as verification needs it, whichever kind it is. */
export interface CredentialOwner {
  type: OwnerType;
  id: string;
  enabled: boolean;
  tenantId: string | null;
  customerId: string | null;
  /** A user's authority; null for a service account. */
  authority: Authority | null;
  /** A service account's own rights as stored; null for a user, whose rights come from its authority. */
  rights: readonly RightName[] | null;
}

/** Where from and how often a key may be used; on a principal, null when nothing restricts it. */
export interface KeyUseRestrictions {
  /** CIDRs the request must come from; null: any address. */
  allowedCidrs: readonly string[] | null;
  /** Uses per window, for the whole cluster; null: no limit. */
  rateLimit: { limit: number; windowSeconds: number } | null;
}

/** Who is calling: the owner behind the credential and what this request may do. */
export interface Principal {
  ownerType: OwnerType;
  /** The user behind the credential; for a service account's key, the account's id. */
  userId: string;
  /** The user's authority; null for a service account, which manages nobody. */
  authority: Authority | null;
  tenantId: string | null;
  customerId: string | null;
  method: AuthenticationMethod;
  /** The key's id when the call came with an API key. */
  apiKeyId: string | null;
  /** The session (login) of the JWT that authenticated the call; null with a key. */
  sessionId: string | null;
  /** With a key: the key's literal rights (so a pseudo-right can be granted on only by a key that has it). */
  keyRights: readonly RightName[] | null;
  /** Effective rights for this request. */
  rights: ReadonlySet<RightName>;
  /** With a key that has any: its restrictions (checked once the credential is accepted); null otherwise. */
  restrictions: KeyUseRestrictions | null;
  /** With a key: its owner's metadata, for verify to hand back; null otherwise. */
  metadata: Readonly<Record<string, unknown>> | null;
}
