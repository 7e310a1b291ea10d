import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import type { KeyState, RememberedKeyState } from '../../api-keys/api-key-check.js';
import type { ApiKey } from '../../api-keys/api-key.entity.js';
import { AppConfig } from '../../config/app-config.js';
import { ChangeFeed, type Change } from '../../database/change-feed.js';
import type { CredentialOwner, Principal } from '../../rights/principal.js';
import { RightsCatalog } from '../../rights/rights-catalog.js';
import type { User } from '../../users/user.entity.js';
import { ApiKeysService, ownerIdOf } from '../../api-keys/api-keys.service.js';
import { runContained } from '../../common/background.js';
import { BatchReader } from '../../common/batch-reader.js';
import { isDatabaseUnavailable } from '../../common/database-errors.js';
import { userOwner } from '../../users/users.service.js';
import { LRUCache } from 'lru-cache';
import { apiKeyPrincipal, jwtPrincipal, keyUseRestrictions } from '../verify/principal-builder.js';

/**
 * A credential's owner (a user or a service account) as verification needs it. `valid` turns false
 * the moment the owner changes. A class, for one shape.
 */
export class CachedOwner implements CredentialOwner {
  readonly type: CredentialOwner['type'];
  readonly id: string;
  readonly enabled: boolean;
  readonly authority: CredentialOwner['authority'];
  readonly tenantId: string | null;
  readonly customerId: string | null;
  readonly rights: readonly string[] | null;
  valid = true;
  /** A read of the owner, to renew the entry once it aged out, is under way. */
  refreshing = false;

  constructor(
    owner: CredentialOwner,
    /** Until when the entry vouches for the owner without the database being asked again (ms). */
    public freshUntil: number,
  ) {
    this.type = owner.type;
    this.id = owner.id;
    this.enabled = owner.enabled;
    this.authority = owner.authority;
    this.tenantId = owner.tenantId;
    this.customerId = owner.customerId;
    this.rights = owner.rights;
  }
}

/**
 * A key's verification data: the keyed hash of its secret, never the secret. A class, so every
 * entry has one shape and the checks that read entries stay monomorphic.
 */
export class CachedKey implements RememberedKeyState {
  readonly secretHash: Buffer;
  readonly enabled: boolean;
  readonly expiresAtMs: number | null;
  readonly ownerEnabled: boolean;
  secretDigest: string | null = null;
  /** When this instance last passed a use of the key on to the LastUsedRecorder (ms). */
  usedRecordedAtMs = 0;
  /** A read of the key, to renew the entry once it aged out, is under way. */
  refreshing = false;

  constructor(
    readonly id: string,
    readonly owner: CachedOwner,
    readonly principal: Principal,
    state: KeyState & { secretDigest?: string | null },
    /** Until when the entry vouches for the key without the database being asked again (ms). */
    public freshUntil: number,
  ) {
    this.secretHash = state.secretHash;
    this.enabled = state.enabled;
    this.expiresAtMs = state.expiresAtMs;
    this.ownerEnabled = state.ownerEnabled;
    this.secretDigest = state.secretDigest ?? null;
  }
}

export interface CachedJwt {
  readonly expiresAtMs: number;
  readonly owner: CachedOwner;
  /** The caller the token makes: its user's rights, its session. */
  readonly principal: Principal;
  /** Until when the entry vouches for the token's session without the database being asked again (ms). */
  readonly freshUntil: number;
}

/** How much longer an aged-out user or key is trusted while it is read again (see `vouches`). */
export const RENEWAL_GRACE_MS = 5000;
/** How long aged-out entries are gathered before they are read again together (well within the grace). */
export const RENEWAL_BATCH_MS = 200;

/** An entry that ages out and is then read again in the background. */
interface Renewable {
  readonly id: string;
  freshUntil: number;
  /** A read of the entry's source, to renew it, is under way. */
  refreshing: boolean;
}

/**
 * What this instance has verified against the database: keys (by id), users and JWTs, each in a
 * bounded LRU. Any change to a user or key, from this instance (ChangeFeed) or another
 * (PostgreSQL NOTIFY, relayed by DatabaseNotifications), drops what it touches; a lost
 * notification channel drops everything. An entry read from the database is only kept if no
 * change arrived while it was being read (the epoch), so a revocation racing a lookup cannot be
 * undone by it. Expiry needs no message: it is checked on every request.
 */
@Injectable()
export class AuthCache implements OnModuleDestroy {
  private readonly logger = new Logger('AuthCache');
  private epochCounter = 0;
  private readonly owners: LRUCache<string, CachedOwner>;
  private readonly keys: LRUCache<string, CachedKey>;
  private readonly jwts: LRUCache<string, CachedJwt>;
  /** Ids that no key has: ids are 192 random bits, so none of these can be created later. */
  private readonly unknownKeyIds: LRUCache<string, true>;
  /** Sessions heard to have ended: their remembered JWTs are dropped when next read (session ids are never reused). */
  private readonly endedSessions: LRUCache<string, true>;
  private readonly unsubscribe: () => void;
  private readonly maxAgeMs: number;
  private readonly keyRenewals: BatchReader<ApiKey>;
  private readonly ownerRenewals: BatchReader<CredentialOwner>;
  /** Lookups that memory answered (hits) or left to the database (misses), for /metrics. */
  readonly lookups = { keyHits: 0, keyMisses: 0, jwtHits: 0, jwtMisses: 0 };

  constructor(
    config: AppConfig,
    private readonly changes: ChangeFeed,
    apiKeys: ApiKeysService,
    private readonly catalog: RightsCatalog,
  ) {
    const size = config.AUTH_CACHE_SIZE;
    this.maxAgeMs = config.AUTH_CACHE_MAX_AGE_SECONDS * 1000;
    // keys and tokens hold their owner's entry: one forgotten here can no longer be invalidated, so it stops counting
    this.owners = new LRUCache({ max: size, dispose: (owner, _id, reason) => reason === 'evict' && (owner.valid = false) });
    this.keys = new LRUCache({ max: size });
    this.jwts = new LRUCache({ max: size });
    this.unknownKeyIds = new LRUCache({ max: Math.min(size, 100_000) });
    this.endedSessions = new LRUCache({ max: Math.min(size, 100_000) });
    this.unsubscribe = changes.subscribe((change) => this.invalidate(change));
    this.keyRenewals = new BatchReader((ids) => apiKeys.findManyForVerification(ids), RENEWAL_BATCH_MS);
    this.ownerRenewals = new BatchReader((ids) => apiKeys.findOwners(ids), RENEWAL_BATCH_MS);
  }

  /** How many entries each part holds now, for /metrics. */
  entries(): Record<'key' | 'owner' | 'jwt' | 'unknownKey' | 'endedSession', number> {
    return { key: this.keys.size, owner: this.owners.size, jwt: this.jwts.size, unknownKey: this.unknownKeyIds.size, endedSession: this.endedSessions.size };
  }

  /** Read before a database lookup, handed back when remembering its result. */
  get epoch(): number {
    return this.epochCounter;
  }

  /** Whether a lookup that began at `epoch` may be remembered: nothing changed since, and changes can be heard. */
  private current(epoch: number): boolean {
    return epoch === this.epochCounter && this.changes.live;
  }

  /** A key entry that still vouches for its key, whose owner entry still vouches for the owner. */
  key(id: string, now = Date.now()): CachedKey | undefined {
    const entry = this.keys.get(id);
    const found = entry && this.usable(entry.owner, now) && this.vouches(entry, now, this.renewKey) ? entry : undefined;
    if (found) this.lookups.keyHits++;
    else this.lookups.keyMisses++;
    return found;
  }

  private usable(owner: CachedOwner, now = Date.now()): boolean {
    return owner.valid && this.vouches(owner, now, this.renewOwner);
  }

  /**
   * Besides invalidation, entries age out within AUTH_CACHE_MAX_AGE_SECONDS: a last line of defence
   * should a notification ever be missed unnoticed. One that aged out is read again once, in the
   * background, and trusted meanwhile for at most RENEWAL_GRACE_MS more: were it dropped at once,
   * every request for it (for a user: for any of its maybe thousands of keys) would go to the
   * database until one read came back.
   */
  private vouches<E extends Renewable>(entry: E, now: number, renew: (entry: E) => void): boolean {
    if (now < entry.freshUntil) return true;
    if (now >= entry.freshUntil + RENEWAL_GRACE_MS) return false;
    if (!entry.refreshing) renew(entry);
    return true;
  }

  private readonly renewKey = (entry: CachedKey): void =>
    this.renew('key', entry, this.keyRenewals, (found) => this.settleKey(entry, found), () => this.dropKey(entry));
  private readonly renewOwner = (owner: CachedOwner): void =>
    this.renew(owner.type, owner, this.ownerRenewals, (found) => this.settleOwner(owner, found), () => this.forgetOwner(owner));

  /**
   * Reads an aged-out entry's source again, once at a time; with the database away the entry simply
   * ends with its grace. A renewal that fails for any other reason is a bug: it is logged with its
   * stack and the entry is dropped, so the credential is read again in full on its next use.
   */
  private renew<E extends Renewable, R extends { id: string }>(
    kind: string,
    entry: E,
    reader: BatchReader<R>,
    settle: (found: R | undefined) => void,
    drop: () => void,
  ): void {
    entry.refreshing = true;
    reader.load(entry.id).then(
      (found) =>
        runContained(this.logger, `Renewing a cached ${kind}`, () => {
          entry.refreshing = false;
          settle(found);
          this.logger.debug(`Read cached ${kind} ${entry.id} again after it aged out`);
        }, drop),
      (error: unknown) => {
        entry.refreshing = false;
        if (isDatabaseUnavailable(error)) return;
        this.logger.error(`Reading a cached ${kind} again failed: ${(error as Error)?.message ?? String(error)}`, (error as Error)?.stack);
        drop();
      },
    );
  }

  private dropKey(entry: CachedKey): void {
    if (this.keys.peek(entry.id) === entry) this.keys.delete(entry.id);
  }

  /**
   * A key read again: unchanged, and still the entry in use, it vouches again; otherwise it goes,
   * and the key is read again in full when next used. No epoch is needed here: a change that
   * overtook the read has already dropped the entry (or its owner), and a change after it arrives
   * as a notification like any other. Nor is anything renewed while changes cannot be heard.
   */
  private settleKey(entry: CachedKey, found: ApiKey | undefined): void {
    if (this.keys.peek(entry.id) !== entry) return;
    if (found && this.changes.live && sameKey(entry, found)) entry.freshUntil = this.freshUntil();
    else this.keys.delete(entry.id);
  }

  /** An owner read again, the same way: unchanged, its entry (and every key and token on it) vouches again. */
  private settleOwner(owner: CachedOwner, found: CredentialOwner | undefined): void {
    if (owner.valid && found && this.changes.live && sameOwner(owner, found)) owner.freshUntil = this.freshUntil();
    else this.forgetOwner(owner);
  }

  private forgetOwner(owner: CachedOwner): void {
    owner.valid = false;
    if (this.owners.peek(owner.id) === owner) this.owners.delete(owner.id);
  }

  /**
   * Somewhere between half the age limit and all of it: keys verified together (a client starting
   * up, an instance warming) are then read again at different moments, not as one burst of
   * database reads a minute.
   */
  private freshUntil(now = Date.now()): number {
    return now + this.maxAgeMs * (0.5 + Math.random() / 2);
  }

  isUnknownKey(id: string): boolean {
    return this.unknownKeyIds.get(id) !== undefined;
  }

  /**
   * A JWT remembered with its user: vouched for while the user's entry is and its session has not
   * been heard to end (logout, a reused refresh token, disabling the user); and, like every entry,
   * it ages out: then the token is verified again in full, its session read again.
   */
  jwt(token: string, now = Date.now()): CachedJwt | undefined {
    const entry = this.jwts.get(token);
    const found = entry && now < entry.freshUntil && this.usable(entry.owner, now) && !this.endedSessions.has(entry.principal.sessionId!);
    if (found) {
      this.lookups.jwtHits++;
      return entry;
    }
    this.lookups.jwtMisses++;
    if (entry) this.jwts.delete(token);
    return undefined;
  }

  /** `state` is the one the database check used. */
  rememberKey(epoch: number, key: ApiKey, owner: CredentialOwner, state: KeyState & { secretDigest?: string | null }): CachedKey | undefined {
    if (!this.current(epoch)) return undefined;
    const entry = new CachedKey(key.id, this.rememberOwner(owner), apiKeyPrincipal(this.catalog, key, owner), state, this.freshUntil());
    // what a secret hashes to does not change with the key's state: a key read again after aging
    // out keeps its verified digest, so a wrong secret then still costs a hash, not an HMAC
    const previous = this.keys.peek(key.id);
    if (!entry.secretDigest && previous?.secretDigest && previous.secretHash.equals(entry.secretHash)) entry.secretDigest = previous.secretDigest;
    this.keys.set(key.id, entry);
    return entry;
  }

  rememberUnknownKey(epoch: number, id: string): void {
    if (this.current(epoch)) this.unknownKeyIds.set(id, true);
  }

  rememberJwt(epoch: number, token: string, expiresAtMs: number, user: User, sessionId: string): void {
    if (!this.current(epoch)) return;
    this.jwts.set(token, { expiresAtMs, owner: this.rememberOwner(userOwner(user)), principal: jwtPrincipal(this.catalog, user, sessionId), freshUntil: this.freshUntil() });
  }

  invalidate(change: Change): void {
    this.epochCounter++;
    if (change.kind === 'apiKey') {
      this.keys.delete(change.id);
    } else if (change.kind === 'session') {
      this.endedSessions.set(change.id, true);
    } else if (change.kind === 'user' || change.kind === 'serviceAccount') {
      // keys and tokens of the owner see `valid === false` on it and are dropped when next read
      const entry = this.owners.peek(change.id);
      this.owners.delete(change.id);
      if (entry) entry.valid = false;
    } else {
      for (const owner of this.owners.values()) owner.valid = false;
      this.owners.clear();
      this.keys.clear();
      this.jwts.clear();
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private rememberOwner(owner: CredentialOwner): CachedOwner {
    const existing = this.owners.get(owner.id);
    // the entry in hand describes the owner as just read: it stays (renewed if it aged out), and every
    // key and token hanging off it keeps being decided from memory; a different one replaces it
    if (existing?.valid && sameOwner(existing, owner)) {
      const now = Date.now();
      if (now >= existing.freshUntil) existing.freshUntil = this.freshUntil(now);
      return existing;
    }
    if (existing) existing.valid = false;
    const entry = new CachedOwner(owner, this.freshUntil());
    this.owners.set(owner.id, entry);
    return entry;
  }
}

/** Whether an owner read again is the one an entry describes, as far as verification is concerned. */
function sameOwner(entry: CachedOwner, owner: CredentialOwner): boolean {
  return (
    entry.type === owner.type &&
    entry.enabled === owner.enabled &&
    entry.authority === owner.authority &&
    entry.tenantId === owner.tenantId &&
    entry.customerId === owner.customerId &&
    entry.rights?.join() === owner.rights?.join()
  );
}

/** Whether a key read again is the one an entry was made from, as far as verification is concerned. */
function sameKey(entry: CachedKey, key: ApiKey): boolean {
  return (
    key.enabled === entry.enabled &&
    (key.expiresAt?.getTime() ?? null) === entry.expiresAtMs &&
    ownerIdOf(key) === entry.owner.id &&
    key.secretHash.equals(entry.secretHash) &&
    key.rights.join() === (entry.principal.keyRights ?? []).join() &&
    JSON.stringify(keyUseRestrictions(key)) === JSON.stringify(entry.principal.restrictions) &&
    JSON.stringify(key.metadata ?? null) === JSON.stringify(entry.principal.metadata)
  );
}
