import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { KeyState } from '../api-keys/api-key-check.js';
import type { ApiKey } from '../api-keys/api-key.entity.js';
import { AppConfig } from '../config/app-config.js';
import { ChangeFeed, type Change } from '../database/change-feed.js';
import type { Principal } from '../rights/principal.js';
import type { User } from '../users/user.entity.js';
import { LruMap } from './lru-map.js';
import { apiKeyPrincipal, jwtPrincipal } from './principals.js';

/** A user as verification needs it. `valid` turns false the moment the user changes. */
export interface CachedUser {
  readonly id: string;
  readonly cachedAt: number;
  readonly enabled: boolean;
  readonly jwtPrincipal: Principal;
  valid: boolean;
}

/** A key's verification data: the keyed hash of its secret, never the secret. */
export interface CachedKey extends KeyState {
  readonly id: string;
  readonly owner: CachedUser;
  readonly principal: Principal;
}

export interface CachedJwt {
  readonly expiresAtMs: number;
  readonly owner: CachedUser;
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
  private epochCounter = 0;
  private readonly users: LruMap<string, CachedUser>;
  private readonly keys: LruMap<string, CachedKey>;
  private readonly jwts: LruMap<string, CachedJwt>;
  /** Ids that no key has: ids are 192 random bits, so none of these can be created later. */
  private readonly unknownKeyIds: LruMap<string, true>;
  private readonly unsubscribe: () => void;
  private readonly maxAgeMs: number;

  constructor(
    config: AppConfig,
    private readonly changes: ChangeFeed,
  ) {
    const size = config.AUTH_CACHE_SIZE;
    this.maxAgeMs = config.AUTH_CACHE_MAX_AGE_SECONDS * 1000;
    // keys and tokens hold their owner's entry: one forgotten here can no longer be invalidated, so it stops counting
    this.users = new LruMap(size, (user) => (user.valid = false));
    this.keys = new LruMap(size);
    this.jwts = new LruMap(size);
    this.unknownKeyIds = new LruMap(Math.min(size, 100_000));
    this.unsubscribe = changes.subscribe((change) => this.invalidate(change));
  }

  /** Read before a database lookup, handed back when remembering its result. */
  get epoch(): number {
    return this.epochCounter;
  }

  /** Whether a lookup that began at `epoch` may be remembered: nothing changed since, and changes can be heard. */
  private current(epoch: number): boolean {
    return epoch === this.epochCounter && this.changes.live;
  }

  key(id: string): CachedKey | undefined {
    const entry = this.keys.get(id);
    if (entry && this.usable(entry.owner)) return entry;
    if (entry) this.keys.delete(id);
    return undefined;
  }

  /**
   * An owner entry still vouches for what hangs off it. Besides invalidation, entries age out after
   * AUTH_CACHE_MAX_AGE_SECONDS: a last line of defence should a notification ever be missed unnoticed.
   */
  private usable(owner: CachedUser): boolean {
    return owner.valid && Date.now() - owner.cachedAt < this.maxAgeMs;
  }

  isUnknownKey(id: string): boolean {
    return this.unknownKeyIds.get(id) !== undefined;
  }

  jwt(token: string): CachedJwt | undefined {
    const entry = this.jwts.get(token);
    if (entry && this.usable(entry.owner)) return entry;
    if (entry) this.jwts.delete(token);
    return undefined;
  }

  /** `state` is the one the database check used: its secret digest, once matched, comes along. */
  rememberKey(epoch: number, key: ApiKey, owner: User, state: KeyState): CachedKey | undefined {
    if (!this.current(epoch)) return undefined;
    const entry: CachedKey = { ...state, id: key.id, owner: this.rememberUser(owner), principal: apiKeyPrincipal(key, owner) };
    this.keys.set(key.id, entry);
    return entry;
  }

  rememberUnknownKey(epoch: number, id: string): void {
    if (this.current(epoch)) this.unknownKeyIds.set(id, true);
  }

  rememberJwt(epoch: number, token: string, expiresAtMs: number, user: User): void {
    if (!this.current(epoch)) return;
    this.jwts.set(token, { expiresAtMs, owner: this.rememberUser(user) });
  }

  invalidate(change: Change): void {
    this.epochCounter++;
    if (change.kind === 'apiKey') {
      this.keys.delete(change.id);
    } else if (change.kind === 'user') {
      // keys and tokens of the user see `valid === false` on their owner and are dropped when next read
      const entry = this.users.delete(change.id);
      if (entry) entry.valid = false;
    } else {
      for (const user of this.users.values()) user.valid = false;
      this.users.clear();
      this.keys.clear();
      this.jwts.clear();
    }
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private rememberUser(user: User): CachedUser {
    // a valid entry is current: any change to the user would have invalidated it
    const existing = this.users.get(user.id);
    if (existing && this.usable(existing)) return existing;
    if (existing) existing.valid = false;
    const entry: CachedUser = { id: user.id, cachedAt: Date.now(), enabled: user.enabled, jwtPrincipal: jwtPrincipal(user), valid: true };
    this.users.set(user.id, entry);
    return entry;
  }
}
