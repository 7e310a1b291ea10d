import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import { ApiKey } from './api-key.entity.js';
import type { ApiKeyPageQueryDto } from './dto/api-key-input.dto.js';
import type { CredentialOwner } from '../rights/principal.js';

const KEY_ID = /^[A-Z2-7]{39}$/;

type Changes = Partial<Pick<ApiKey, 'description' | 'enabled' | 'expiresAt' | 'rights' | 'allowedCidrs' | 'rateLimit' | 'rateLimitWindowSeconds' | 'metadata'>>;

/** The column that holds an owner of this kind. */
function ownerColumn(owner: Pick<CredentialOwner, 'type'>): 'user_id' | 'service_account_id' {
  return owner.type === 'user' ? 'user_id' : 'service_account_id';
}

/** The condition "owned by `owner`", for find options. */
function ownedBy(owner: Pick<CredentialOwner, 'type' | 'id'>): { userId: string } | { serviceAccountId: string } {
  return owner.type === 'user' ? { userId: owner.id } : { serviceAccountId: owner.id };
}

/** API keys, always reached through their owner (a user or a service account) except for the one lookup that verifies a key. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** For verification only: the keys of these ids that exist, whoever owns them, in one query. */
  findManyForVerification(ids: string[]): Promise<ApiKey[]> {
    return this.keys.findBy({ id: In(ids) });
  }

  findByIdForOwner(owner: CredentialOwner, id: string): Promise<ApiKey | null> {
    return KEY_ID.test(id) ? this.keys.findOneBy({ id, ...ownedBy(owner) }) : Promise.resolve(null);
  }

  findPageForOwner(owner: CredentialOwner, query: ApiKeyPageQueryDto): Promise<[ApiKey[], number]> {
    const qb = this.keys.createQueryBuilder('k').where(`k.${ownerColumn(owner)} = :ownerId`, { ownerId: owner.id });
    if (query.textSearch) qb.andWhere('k.description ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, query.sortProperty);
  }

  countForOwner(owner: CredentialOwner): Promise<number> {
    return this.keys.countBy(ownedBy(owner));
  }

  create(fields: Partial<ApiKey>): ApiKey {
    return this.keys.create(fields);
  }

  insert(key: ApiKey): Promise<ApiKey> {
    return this.keys.save(key);
  }

  /**
   * Writes only the given fields of the user's key, in one statement, and returns the key as it
   * now is; null when the key is gone or (with `unlessRightsChanged`) its rights changed meanwhile.
   * Never a read-modify-save: that could write back a key deleted or disabled in between.
   */
  async updateForOwner(owner: CredentialOwner, id: string, changes: Changes, unlessRightsChanged?: string[]): Promise<ApiKey | null> {
    const qb = this.keys.createQueryBuilder().update(ApiKey).set(changes as QueryDeepPartialEntity<ApiKey>).where(`id = :id AND ${ownerColumn(owner)} = :ownerId`, { id, ownerId: owner.id });
    if (unlessRightsChanged) qb.andWhere('rights = :rights', { rights: unlessRightsChanged });
    const result = await qb.execute();
    return result.affected ? this.keys.findOneBy({ id, ...ownedBy(owner) }) : null;
  }

  async deleteForOwner(owner: CredentialOwner, id: string): Promise<boolean> {
    if (!KEY_ID.test(id)) return false;
    const result = await this.keys.delete({ id, ...ownedBy(owner) });
    return (result.affected ?? 0) > 0;
  }

  /** Disables these keys that are still enabled, in one statement; the ids of those it disabled. */
  async disableMany(ids: string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const result = await this.keys.createQueryBuilder().update(ApiKey).set({ enabled: false }).where('id IN (:...ids) AND enabled', { ids }).returning(['id']).execute();
    return (result.raw as Array<{ id: string }>).map((row) => row.id);
  }

  /** One statement for a whole batch of last-used times. */
  async recordLastUsed(times: ReadonlyMap<string, Date>): Promise<void> {
    if (times.size === 0) return;
    const ids = [...times.keys()];
    const at = ids.map((id) => times.get(id)!.toISOString());
    await this.keys.query(
      `UPDATE api_keys AS k SET last_used_at = u.at
         FROM unnest($1::varchar[], $2::timestamptz[]) AS u(id, at)
        WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`,
      [ids, at],
    );
  }
}
