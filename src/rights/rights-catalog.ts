import { Authority } from './authority.js';
import { EMPTY_POLICY, type AccessPolicy } from './access-policy.js';
import type { CredentialOwner, Principal } from './principal.js';
import { CannotGrant, UnknownRights } from './rights.errors.js';
import { KEYGATE_RIGHTS, Right, type RightName } from './right.js';

/** A right as `GET /api/rights` lists it; `members` only on pseudo-rights, what they stand for now. */
export interface CatalogEntry {
  name: RightName;
  description: string;
  origin: 'keygate' | 'policy';
  members?: RightName[];
}

const PSEUDO_RIGHTS: ReadonlySet<string> = new Set([Right.USER_ALL, Right.ALL]);
const KEYGATE_CONCRETE = KEYGATE_RIGHTS.map((r) => r.name).filter((r) => !PSEUDO_RIGHTS.has(r));
const USER_RIGHTS = KEYGATE_CONCRETE.filter((r) => r.startsWith('RIGHT_USER_'));
const CUSTOMER_USER_RIGHTS = [Right.USER_INFO, Right.USER_SETTINGS_BASIC, Right.USER_SETTINGS_API_KEYS];
const NOT_FOR_TENANT_ADMINS: ReadonlySet<string> = new Set([Right.USER_TENANTS, Right.METRICS_READ]);

/** Effective-rights sets kept per (owner rights, key rights); bounded, as keys with few distinct rights lists share them. */
const MAX_SHARED_SETS = 10_000;

/**
 * Every right there is, keygate's and the platform's (from the access policy), and the rules that
 * turn rights into what a caller may do: the pseudo-rights (`RIGHT_ALL`, `RIGHT_USER_ALL`, the
 * policy's groups) expanded at the time of the call, the rights each authority holds, and a key's
 * rights within its owner's. The one place these are decided; built once at start.
 */
export class RightsCatalog {
  /** Every concrete right: what `RIGHT_ALL` stands for. */
  readonly concrete: ReadonlySet<RightName>;
  /** The platform's concrete rights. */
  readonly platform: ReadonlySet<RightName>;
  readonly entries: readonly CatalogEntry[];
  private readonly pseudo: ReadonlyMap<RightName, ReadonlySet<RightName>>;
  private readonly byAuthority: ReadonlyMap<Authority, ReadonlySet<RightName>>;
  private readonly sharedSets = new Map<string, ReadonlySet<RightName>>();

  constructor(policy: AccessPolicy = EMPTY_POLICY) {
    this.platform = new Set(policy.rights.map((r) => r.name));
    this.concrete = new Set([...KEYGATE_CONCRETE, ...this.platform]);
    this.pseudo = new Map<RightName, ReadonlySet<RightName>>([
      [Right.ALL, this.concrete],
      [Right.USER_ALL, new Set(USER_RIGHTS)],
      ...[...policy.groups].map(([name, members]) => [name, new Set(members)] as const),
    ]);
    const granted = (authority: Authority) => this.expand(policy.authorities.get(authority) ?? []);
    this.byAuthority = new Map([
      [Authority.SYS_ADMIN, this.concrete],
      [Authority.TENANT_ADMIN, new Set([...KEYGATE_CONCRETE.filter((r) => !NOT_FOR_TENANT_ADMINS.has(r)), ...granted(Authority.TENANT_ADMIN)])],
      [Authority.CUSTOMER_USER, new Set([...CUSTOMER_USER_RIGHTS, ...granted(Authority.CUSTOMER_USER)])],
    ]);
    const members = (name: RightName) => (this.pseudo.has(name) ? { members: [...this.pseudo.get(name)!] } : {});
    this.entries = [
      ...KEYGATE_RIGHTS.map(({ name, description }) => ({ name, description, origin: 'keygate' as const, ...members(name) })),
      ...policy.rights.map(({ name, description }) => ({ name, description, origin: 'policy' as const })),
      ...[...policy.groups.keys()].map((name) => ({ name, description: `Group: ${[...this.pseudo.get(name)!].join(', ')}`, origin: 'policy' as const, ...members(name) })),
    ];
  }

  /** Whether a right of this name exists now, concrete or pseudo. */
  isKnown(name: RightName): boolean {
    return this.concrete.has(name) || this.pseudo.has(name);
  }

  /** Whether the name is one of the access policy's groups. */
  platformGroup(name: RightName): boolean {
    return this.pseudo.has(name) && name !== Right.ALL && name !== Right.USER_ALL;
  }

  isPseudo(name: RightName): boolean {
    return this.pseudo.has(name);
  }

  /** The concrete rights a list stands for now: pseudo-rights expanded, names that no longer exist left out. */
  expand(rights: Iterable<RightName>): Set<RightName> {
    const expanded = new Set<RightName>();
    for (const right of rights) {
      const members = this.pseudo.get(right);
      if (members) members.forEach((r) => expanded.add(r));
      else if (this.concrete.has(right)) expanded.add(right);
    }
    return expanded;
  }

  /** The rights a user holds by its authority. */
  authorityRights(authority: Authority): ReadonlySet<RightName> {
    return this.byAuthority.get(authority)!;
  }

  /** What a service account may hold: the platform's rights, verifying keys and, at system level, reading metrics. */
  serviceAccountGrantable(systemLevel: boolean): ReadonlySet<RightName> {
    return new Set([...this.platform, Right.KEYS_VERIFY, ...(systemLevel ? [Right.METRICS_READ] : [])]);
  }

  /** What an owner may do now: a user by its authority, a service account by its rights within what its level may hold. */
  ownerRights(owner: Pick<CredentialOwner, 'authority' | 'rights' | 'tenantId'>): ReadonlySet<RightName> {
    if (owner.authority !== null) return this.authorityRights(owner.authority);
    const systemLevel = owner.tenantId === null;
    return this.shared(`sa|${systemLevel}|${JSON.stringify(owner.rights)}`, () => intersect(this.expand(owner.rights ?? []), this.serviceAccountGrantable(systemLevel)));
  }

  /**
   * What a key may do: its rights, expanded now, within its owner's current rights. Keys with the
   * same rights and owner rights share one read-only set, so thousands of remembered keys hold a handful.
   */
  keyRights(keyRights: readonly RightName[], owner: Pick<CredentialOwner, 'authority' | 'rights' | 'tenantId'>): ReadonlySet<RightName> {
    const ownerId = owner.authority ?? `sa|${owner.tenantId === null}|${JSON.stringify(owner.rights)}`;
    return this.shared(`${ownerId}|${JSON.stringify(keyRights)}`, () => intersect(this.expand(keyRights), this.ownerRights(owner)));
  }

  private shared(id: string, make: () => ReadonlySet<RightName>): ReadonlySet<RightName> {
    let rights = this.sharedSets.get(id);
    if (rights === undefined) {
      if (this.sharedSets.size >= MAX_SHARED_SETS) this.sharedSets.clear();
      rights = make();
      this.sharedSets.set(id, rights);
    }
    return rights;
  }
}

/** The rights in `requested` that `held` does not cover. */
export function missingRights(held: ReadonlySet<RightName>, requested: Iterable<RightName>): RightName[] {
  return [...new Set(requested)].filter((r) => !held.has(r));
}

function intersect(a: ReadonlySet<RightName>, b: ReadonlySet<RightName>): Set<RightName> {
  return new Set([...a].filter((r) => b.has(r)));
}

/** Refuses a list that names a right the catalog does not have. */
export function assertKnownRights(catalog: RightsCatalog, rights: readonly RightName[]): void {
  const unknown = rights.filter((r) => !catalog.isKnown(r));
  if (unknown.length) throw new UnknownRights(unknown);
}

/**
 * Nobody grants what they lack. A concrete right must be held by the caller. A pseudo-right
 * (`RIGHT_ALL`, `RIGHT_USER_ALL`, a group) hands out what it stands for within `within`, the rights
 * its holder can have at most (the key's owner's, or what an account may hold), so the caller must
 * hold those; and since it also grows with rights added later, a key caller grants one only if its
 * own key holds it (or `RIGHT_ALL`). A name no longer in the catalog grants nothing.
 */
export function assertGrantable(
  catalog: RightsCatalog,
  caller: Pick<Principal, 'rights' | 'method' | 'keyRights'>,
  rights: readonly RightName[],
  within: ReadonlySet<RightName>,
): void {
  const pseudo = rights.filter((r) => catalog.isPseudo(r));
  const granted = new Set([...rights.filter((r) => catalog.concrete.has(r)), ...[...catalog.expand(pseudo)].filter((r) => within.has(r))]);
  const lacking = missingRights(caller.rights, granted);
  if (caller.method === 'apiKey') {
    const held = caller.keyRights ?? [];
    lacking.unshift(...pseudo.filter((r) => !held.includes(r) && !held.includes(Right.ALL)));
  }
  if (lacking.length) throw new CannotGrant(lacking);
}
