import { Authority } from './authority.js';
import { Right } from './right.js';

/** Every concrete right: what `RIGHT_USER_ALL` stands for today (and, as rights are added, tomorrow). */
export const CONCRETE_RIGHTS: ReadonlySet<Right> = new Set(Object.values(Right).filter((r) => r !== Right.USER_ALL));

const AUTHORITY_RIGHTS: Record<Authority, ReadonlySet<Right>> = {
  [Authority.SYS_ADMIN]: CONCRETE_RIGHTS,
  [Authority.TENANT_ADMIN]: new Set([...CONCRETE_RIGHTS].filter((r) => r !== Right.USER_TENANTS)),
  [Authority.CUSTOMER_USER]: new Set([Right.USER_INFO, Right.USER_SETTINGS_BASIC, Right.USER_SETTINGS_API_KEYS]),
};

/** The rights a user holds by its authority. */
export function authorityRights(authority: Authority): ReadonlySet<Right> {
  return AUTHORITY_RIGHTS[authority];
}

/** Replaces pseudo-rights by the concrete rights they stand for, at the time of the call. */
export function expandRights(rights: Iterable<string>): Set<Right> {
  const expanded = new Set<Right>();
  for (const right of rights) {
    if (right === Right.USER_ALL) CONCRETE_RIGHTS.forEach((r) => expanded.add(r));
    else if (CONCRETE_RIGHTS.has(right as Right)) expanded.add(right as Right);
  }
  return expanded;
}

/** What a key may do: its rights, expanded now, within what its owner may do now. */
export function effectiveKeyRights(keyRights: Iterable<string>, ownerAuthority: Authority): Set<Right> {
  const owner = authorityRights(ownerAuthority);
  return new Set([...expandRights(keyRights)].filter((r) => owner.has(r)));
}

/** The rights in `requested` that `held` does not cover. */
export function missingRights(held: ReadonlySet<Right>, requested: Iterable<Right>): Right[] {
  return [...new Set(requested)].filter((r) => !held.has(r));
}
