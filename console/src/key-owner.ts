import { serviceAccountPath, userKeysPath, type OwnerType, type RightDescription, type ServiceAccount } from './api';
import { serviceAccountRights } from './rights';

/** Whose keys a panel shows: the keys table and the generate dialog work the same for every owner. */
export interface KeyOwner {
  /** Where its keys live: `/api/users/{id}/api-keys` or `/api/service-accounts/{id}/api-keys`. */
  keysPath: string;
  type: OwnerType;
  /** How the texts name it; absent for the person logged in ("you"). */
  name?: string;
  /** The catalog's rights its keys may be given (all when absent). */
  offered?: (right: RightDescription) => boolean;
}

/** The keys of the person logged in. */
export const MY_KEYS: KeyOwner = { keysPath: userKeysPath('me'), type: 'user' };

export function userKeys(userId: string, name: string): KeyOwner {
  return { keysPath: userKeysPath(userId), type: 'user', name };
}

export function serviceAccountKeys(account: ServiceAccount): KeyOwner {
  return {
    keysPath: `${serviceAccountPath(account.id)}/api-keys`,
    type: 'serviceAccount',
    name: account.name,
    offered: serviceAccountRights(account.tenantId === null),
  };
}

/** The owner in a sentence: "you", "Carla", "the service account “Telemetry ingest”". */
export function ownerPhrase(owner: Pick<KeyOwner, 'type' | 'name'>): string {
  if (owner.type === 'serviceAccount') return `the service account “${owner.name ?? ''}”`;
  return owner.name ?? 'you';
}

/** Whom a key's rights are bounded by, in a sentence. */
export function ownerBound(owner: Pick<KeyOwner, 'type' | 'name'>): string {
  if (owner.type === 'serviceAccount') return 'that account has';
  return owner.name ? 'that user has' : 'you have';
}
