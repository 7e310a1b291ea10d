import { Inject, Injectable } from '@nestjs/common';
import type { KeyEventPageQueryDto } from '../audit/audit-event.dto.js';
import { AuditAction, type AuditEvent } from '../audit/audit-event.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { AppConfig } from '../config/app-config.js';
import { SERVER_SECRETS, type ServerSecrets } from '../config/config.module.js';
import { BatchReader } from '../common/batch-reader.js';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import type { CredentialOwner, OwnerType, Principal } from '../rights/principal.js';
import { Right, type RightName } from '../rights/right.js';
import { assertGrantable, assertKnownRights, RightsCatalog } from '../rights/rights-catalog.js';
import { accountOwner, ServiceAccountsService } from '../service-accounts/service-accounts.service.js';
import { userOwner, UsersService } from '../users/users.service.js';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from './api-key-format.js';
import { apiKeyRejection, INVALID_API_KEY, keyState, MALFORMED_API_KEY, rememberedSecretMatches, type KeyState, type RememberedKeyState } from './api-key-check.js';
import type { ApiKey } from './api-key.entity.js';
import { ApiKeyChanged, ApiKeyNotFound, CannotRollInactiveKey, InvalidExpiry, RestrictedKeyCannotLoosen, TooManyApiKeys } from './api-key.errors.js';
import { ApiKeysRepository } from './api-keys.repository.js';
import { NO_RESTRICTIONS, restrictionChanges, type KeyRestrictionFields } from './key-restriction-rules.js';
import type { ApiKeyPageQueryDto, CreateApiKeyDto, RollApiKeyDto, UpdateApiKeyDto } from './dto/api-key-input.dto.js';

const DAY_MS = 86_400_000;

/** Whose keys a route manages: a user (`me` allowed) or a service account, as named in its path. */
export interface KeyOwnerRef {
  type: OwnerType;
  id: string;
}

/** A key read for verification, with its owner as they are now, and the state its check used. */
export interface VerifiedApiKey {
  key: ApiKey;
  owner: CredentialOwner;
  /** With the secret's digest once it matched, so that memory need not take the HMAC again. */
  state: RememberedKeyState;
}

/**
 * What checking a presented key against the database decided: the key with its owner, or why not.
 * A refusal's `record` is what the database holds for the key's id: null when no key has it, absent
 * when the key was malformed and never looked up. Callers may remember it, so the next attempt with
 * the same id needs no database read.
 */
export type KeyVerification = ({ ok: true } & VerifiedApiKey) | { ok: false; reason: string; record?: VerifiedApiKey | null };

/** A key as stored, with its owner. */
interface KeyWithOwner {
  id: string;
  key: ApiKey;
  owner: CredentialOwner;
}

/** The owner of the keys a route manages, found and checked to be the caller's to manage. */
interface ManagedOwner {
  owner: CredentialOwner;
  /** What the owner's keys can hold at most: the owner's current rights. */
  rights: ReadonlySet<RightName>;
}

@Injectable()
export class ApiKeysService {
  /** Keys presented in the same turn of the event loop are looked up together: two queries for all of them. */
  private readonly forVerification = new BatchReader<KeyWithOwner>((ids) => this.findWithOwners(ids));

  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly users: UsersService,
    private readonly accounts: ServiceAccountsService,
    private readonly catalog: RightsCatalog,
    private readonly changes: ChangeFeed,
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    @Inject(SERVER_SECRETS) private readonly secrets: ServerSecrets,
  ) {}

  /** The owner a route names: not found when unknown, refused when the caller does not manage it. */
  private async managedOwner(caller: Principal, ref: KeyOwnerRef): Promise<ManagedOwner> {
    const owner = ref.type === 'user' ? userOwner(await this.users.getManaged(caller, ref.id)) : accountOwner(await this.accounts.getManaged(caller, ref.id));
    return { owner, rights: this.catalog.ownerRights(owner) };
  }

  async create(caller: Principal, ref: KeyOwnerRef, dto: CreateApiKeyDto, clientIp: string): Promise<{ apiKey: ApiKey; key: string }> {
    if (caller.restrictions !== null) throw new RestrictedKeyCannotLoosen('create-key');
    const managed = await this.managedOwner(caller, ref);
    const { owner } = managed;
    const rights = dto.rights ?? [Right.ALL];
    assertKnownRights(this.catalog, rights);
    this.assertGrantable(caller, managed, rights);
    const expiresAt = this.checkedExpiry(dto.expiresAt ?? null, true);
    const max = this.config.API_KEYS_MAX_PER_USER;
    if (max > 0 && (await this.keys.countForOwner(owner)) >= max) throw new TooManyApiKeys(owner.id, max, owner.type);
    return this.issue(caller, owner, { description: dto.description, rights, expiresAt, rolledFromId: null, ...NO_RESTRICTIONS, ...restrictionChanges(dto) }, clientIp);
  }

  /** A new key for `owner`, shown this once, recorded on the audit trail. */
  private async issue(
    caller: Principal,
    owner: CredentialOwner,
    fields: Pick<ApiKey, 'description' | 'rights' | 'expiresAt' | 'rolledFromId'> & KeyRestrictionFields,
    clientIp: string,
  ): Promise<{ apiKey: ApiKey; key: string }> {
    const generated = generateApiKey();
    const apiKey = await this.keys.insert(
      this.keys.create({
        ...fields,
        id: generated.id,
        userId: owner.type === 'user' ? owner.id : null,
        serviceAccountId: owner.type === 'serviceAccount' ? owner.id : null,
        secretHash: hashSecret(this.secrets.apiKeyHashSecret, generated.secret),
        enabled: true,
        lastUsedAt: null,
      }),
    );
    await this.audit.record({
      ...this.auditFields(caller, owner, apiKey.id, clientIp),
      action: AuditAction.API_KEY_CREATED,
      details: {
        description: apiKey.description,
        rights: apiKey.rights,
        expiresAt: apiKey.expiresAt,
        ...(fields.rolledFromId ? { rolledFromId: fields.rolledFromId } : {}),
        ...(apiKey.allowedCidrs ? { allowedCidrs: apiKey.allowedCidrs } : {}),
        ...(apiKey.rateLimit !== null ? { rateLimit: { limit: apiKey.rateLimit, windowSeconds: apiKey.rateLimitWindowSeconds } } : {}),
      },
    });
    return { apiKey, key: generated.key };
  }

  /**
   * Rolls a working key (Stripe's roll, Unkey's reroll): a new key with its description, rights,
   * expiry, restrictions and metadata, while the old one keeps working for `overlapSeconds` (or until its own expiry, if sooner)
   * and is then refused as expired. The new key does not count against API_KEYS_MAX_PER_USER: it
   * replaces one.
   */
  async roll(caller: Principal, ref: KeyOwnerRef, keyId: string, dto: RollApiKeyDto, clientIp: string): Promise<{ apiKey: ApiKey; key: string }> {
    const { key, ...managed } = await this.ownedKey(caller, ref, keyId);
    if (!key.enabled || (key.expiresAt !== null && key.expiresAt.getTime() <= Date.now())) throw new CannotRollInactiveKey(keyId);
    // a roll hands the key's rights out again, to a new key
    this.assertGrantable(caller, managed, key.rights);
    const overlapSeconds = dto.overlapSeconds ?? 0;
    const overlapEnds = new Date(Date.now() + overlapSeconds * 1000);
    const created = await this.issue(caller, managed.owner, {
      description: key.description,
      rights: key.rights,
      expiresAt: key.expiresAt,
      rolledFromId: key.id,
      allowedCidrs: key.allowedCidrs,
      rateLimit: key.rateLimit,
      rateLimitWindowSeconds: key.rateLimitWindowSeconds,
      metadata: key.metadata,
    }, clientIp);
    // the old key ends with the overlap, or with its own expiry if that comes first (a key deleted meanwhile stays gone)
    if (key.expiresAt === null || key.expiresAt > overlapEnds) {
      await this.keys.updateForOwner(managed.owner, key.id, { expiresAt: overlapEnds });
      this.changes.publish({ kind: 'apiKey', id: key.id });
    }
    await this.audit.record({
      ...this.auditFields(caller, managed.owner, key.id, clientIp),
      action: AuditAction.API_KEY_ROLLED,
      details: { newKeyId: created.apiKey.id, overlapSeconds },
    });
    return created;
  }

  async list(caller: Principal, ref: KeyOwnerRef, query: ApiKeyPageQueryDto): Promise<Page<ApiKey>> {
    const { owner } = await this.managedOwner(caller, ref);
    const [keys, total] = await this.keys.findPageForOwner(owner, query);
    return toPage(keys, total, query);
  }

  async get(caller: Principal, ref: KeyOwnerRef, keyId: string): Promise<ApiKey> {
    return (await this.ownedKey(caller, ref, keyId)).key;
  }

  /** The key and its owner: not found unless the key is the owner's, refused unless the caller manages the owner. */
  private async ownedKey(caller: Principal, ref: KeyOwnerRef, keyId: string): Promise<ManagedOwner & { key: ApiKey }> {
    const managed = await this.managedOwner(caller, ref);
    const key = await this.keys.findByIdForOwner(managed.owner, keyId);
    if (!key) throw new ApiKeyNotFound(keyId, ref.id, ref.type);
    return { ...managed, key };
  }

  async update(caller: Principal, ref: KeyOwnerRef, keyId: string, dto: UpdateApiKeyDto, clientIp: string): Promise<ApiKey> {
    if (caller.restrictions !== null && (dto.allowedCidrs !== undefined || dto.rateLimit !== undefined)) throw new RestrictedKeyCannotLoosen('change-restrictions');
    const { key, ...managed } = await this.ownedKey(caller, ref, keyId);
    const { owner } = managed;
    const changes: Partial<Pick<ApiKey, 'description' | 'enabled' | 'expiresAt' | 'rights'> & KeyRestrictionFields> = restrictionChanges(dto);
    if (dto.rights) {
      const before = new Set(key.rights);
      const after = new Set<string>(dto.rights);
      assertKnownRights(this.catalog, dto.rights);
      this.assertGrantable(caller, managed, [...after].filter((r) => !before.has(r)).concat([...before].filter((r) => !after.has(r))));
      changes.rights = dto.rights;
    }
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.enabled !== undefined) changes.enabled = dto.enabled;
    if (dto.expiresAt !== undefined) changes.expiresAt = this.checkedExpiry(dto.expiresAt, false);
    // bringing a key back to life, or letting it live longer, hands out its rights again
    const extends_ = changes.expiresAt !== undefined && (changes.expiresAt === null || (key.expiresAt !== null && changes.expiresAt > key.expiresAt));
    if ((changes.enabled === true && !key.enabled) || extends_) this.assertGrantable(caller, managed, key.rights);
    // a rights change is checked against the rights read above: refused if they changed meanwhile
    const saved = await this.keys.updateForOwner(owner, key.id, changes, dto.rights ? key.rights : undefined);
    if (!saved) throw new ApiKeyChanged(keyId);
    this.changes.publish({ kind: 'apiKey', id: key.id });
    await this.audit.record(...this.updateEvents(key, saved).map((event) => ({ ...this.auditFields(caller, owner, key.id, clientIp), ...event })));
    return saved;
  }

  async delete(caller: Principal, ref: KeyOwnerRef, keyId: string, clientIp: string): Promise<void> {
    const { owner } = await this.managedOwner(caller, ref);
    if (!(await this.keys.deleteForOwner(owner, keyId))) throw new ApiKeyNotFound(keyId, ref.id, ref.type);
    this.changes.publish({ kind: 'apiKey', id: keyId });
    await this.audit.record({ ...this.auditFields(caller, owner, keyId, clientIp), action: AuditAction.API_KEY_DELETED });
  }

  /** The key's events, newest first (the key must be the user's, and the user the caller's to manage). */
  async events(caller: Principal, ref: KeyOwnerRef, keyId: string, query: KeyEventPageQueryDto): Promise<Page<AuditEvent>> {
    const key = await this.get(caller, ref, keyId);
    return this.audit.listForKey(key.id, query);
  }

  private auditFields(caller: Principal, owner: CredentialOwner, apiKeyId: string, clientIp: string) {
    return { actor: caller, targetUserId: owner.type === 'user' ? owner.id : null, tenantId: owner.tenantId, apiKeyId, clientIp, keyOwner: owner };
  }

  /** ENABLED / DISABLED for the switch, UPDATED with each other changed field's old and new value. */
  private updateEvents(
    before: Pick<ApiKey, 'description' | 'enabled' | 'expiresAt' | 'rights'> & KeyRestrictionFields,
    after: ApiKey,
  ): Array<{ action: AuditAction; details?: Record<string, unknown> }> {
    const events: Array<{ action: AuditAction; details?: Record<string, unknown> }> = [];
    if (before.enabled !== after.enabled) events.push({ action: after.enabled ? AuditAction.API_KEY_ENABLED : AuditAction.API_KEY_DISABLED });
    const changed: Record<string, { from: unknown; to: unknown }> = {};
    if (before.description !== after.description) changed.description = { from: before.description, to: after.description };
    if ((before.expiresAt?.getTime() ?? null) !== (after.expiresAt?.getTime() ?? null)) changed.expiresAt = { from: before.expiresAt, to: after.expiresAt };
    if (before.rights.join() !== after.rights.join()) changed.rights = { from: before.rights, to: after.rights };
    if (String(before.allowedCidrs) !== String(after.allowedCidrs)) changed.allowedCidrs = { from: before.allowedCidrs, to: after.allowedCidrs };
    if (before.rateLimit !== after.rateLimit || before.rateLimitWindowSeconds !== after.rateLimitWindowSeconds) {
      changed.rateLimit = { from: rateLimitOf(before), to: rateLimitOf(after) };
    }
    // what metadata holds is the owner's business: the trail says it changed, not what it says
    if (JSON.stringify(before.metadata) !== JSON.stringify(after.metadata)) changed.metadata = { from: before.metadata === null ? null : 'set', to: after.metadata === null ? null : 'set' };
    if (Object.keys(changed).length) events.push({ action: AuditAction.API_KEY_UPDATED, details: changed });
    return events;
  }

  /**
   * Checks a presented key against the database: its shape, its secret (keyed hash, constant
   * time), its state and its owner's. Rejects only when the database could not answer.
   */
  async verify(presented: string): Promise<KeyVerification> {
    const parsed = parseApiKey(presented);
    if (!parsed) return { ok: false, reason: MALFORMED_API_KEY };
    const found = await this.forVerification.load(parsed.id);
    if (!found) return { ok: false, reason: INVALID_API_KEY, record: null };
    const { key, owner } = found;
    const record = { key, owner, state: { ...keyState(key, owner), secretDigest: null } };
    const rejection = apiKeyRejection(rememberedSecretMatches(this.secrets.apiKeyHashSecret, parsed.secret, record.state), record.state);
    return rejection ? { ok: false, reason: rejection, record } : { ok: true, ...record };
  }

  /**
   * Disables at once every real key among those reported leaked (its id and its secret match: an id
   * alone, which lists and logs show, disables nothing), each recorded on its audit trail. Returns
   * nothing a reporter could learn from: which were real is not said.
   */
  async reportLeaked(presented: readonly string[], clientIp: string): Promise<void> {
    const parsed = new Map(presented.flatMap((key) => {
      const p = parseApiKey(key);
      return p ? [[p.id, p.secret] as const] : [];
    }));
    if (parsed.size === 0) return;
    const real = (await this.keys.findManyForVerification([...parsed.keys()])).filter((k) => secretMatches(this.secrets.apiKeyHashSecret, parsed.get(k.id)!, k.secretHash));
    const disabled = new Set(await this.keys.disableMany(real.map((k) => k.id)));
    for (const key of real) this.changes.publish({ kind: 'apiKey', id: key.id });
    const owners = new Map((await this.findOwners(real.map(ownerIdOf))).map((o) => [o.id, o]));
    await this.audit.record(
      ...real.map((key) => ({
        action: AuditAction.API_KEY_LEAK_REPORTED,
        apiKeyId: key.id,
        targetUserId: key.userId,
        tenantId: owners.get(ownerIdOf(key))?.tenantId ?? null,
        clientIp,
        details: { disabled: disabled.has(key.id) },
      })),
    );
  }

  /** Keys of these ids with their owners; a key always has an owner (foreign key, cascade): one without is a key deleted meanwhile. */
  private async findWithOwners(ids: string[]): Promise<KeyWithOwner[]> {
    const keys = await this.keys.findManyForVerification(ids);
    // each key says which table its owner is in: no query for a kind no key here has
    const userIds = [...new Set(keys.flatMap((k) => (k.userId === null ? [] : [k.userId])))];
    const accountIds = [...new Set(keys.flatMap((k) => (k.serviceAccountId === null ? [] : [k.serviceAccountId])))];
    const [users, accounts] = await Promise.all([
      userIds.length ? this.users.findByIds(userIds) : [],
      accountIds.length ? this.accounts.findByIds(accountIds) : [],
    ]);
    const owners = new Map([...users.map(userOwner), ...accounts.map(accountOwner)].map((o) => [o.id, o]));
    return keys.flatMap((key) => {
      const owner = owners.get(ownerIdOf(key));
      return owner ? [{ id: key.id, key, owner }] : [];
    });
  }

  /** Users and service accounts of these ids as credential owners (ids are UUIDs: each names one or the other). */
  async findOwners(ids: string[]): Promise<CredentialOwner[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const [users, accounts] = await Promise.all([this.users.findByIds(unique), this.accounts.findByIds(unique)]);
    return [...users.map(userOwner), ...accounts.map(accountOwner)];
  }

  /** Keys as stored, by id, for reading remembered keys again (no rights are checked: it is not for callers). */
  findManyForVerification(ids: string[]): Promise<ApiKey[]> {
    return this.keys.findManyForVerification(ids);
  }

  /** `verify`'s decision for a key remembered in memory: why it fails, or null. */
  rejection(secret: string, state: RememberedKeyState, now: number): string | null {
    return apiKeyRejection(rememberedSecretMatches(this.secrets.apiKeyHashSecret, secret, state), state, now);
  }

  /**
   * Nobody grants what they lack (see `assertGrantable`): a key holds at most its owner's rights. A
   * service account's key cannot even name a right no account may hold (`RIGHT_USER_*`): it would never work.
   */
  private assertGrantable(caller: Principal, owner: ManagedOwner, rights: readonly RightName[]): void {
    if (owner.owner.type === 'serviceAccount') this.accounts.assertHoldable(rights, owner.owner.tenantId === null);
    assertGrantable(this.catalog, caller, rights, owner.rights);
  }

  /** An expiry within the configured maximum lifetime; a new key without one gets the maximum. */
  private checkedExpiry(expiresAt: string | null, isNew: boolean): Date | null {
    const maxDays = this.config.API_KEYS_MAX_LIFETIME_DAYS;
    if (maxDays === 0) return expiresAt ? new Date(expiresAt) : null;
    const latest = Date.now() + maxDays * DAY_MS;
    if (!expiresAt) {
      if (isNew) return new Date(latest);
      throw new InvalidExpiry(maxDays, 'missing');
    }
    if (Date.parse(expiresAt) > latest) throw new InvalidExpiry(maxDays, 'too late');
    return new Date(expiresAt);
  }
}

function rateLimitOf(key: KeyRestrictionFields): { limit: number; windowSeconds: number } | null {
  return key.rateLimit === null ? null : { limit: key.rateLimit, windowSeconds: key.rateLimitWindowSeconds! };
}

/** The id of a key's owner, whichever kind it is. */
export function ownerIdOf(key: Pick<ApiKey, 'userId' | 'serviceAccountId'>): string {
  return (key.userId ?? key.serviceAccountId)!;
}
