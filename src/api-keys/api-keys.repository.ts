import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { fetchPage, likePattern } from '../common/page.dto.js';
import { ApiKey } from './api-key.entity.js';
import type { ApiKeyPageQueryDto } from './dto/api-key-input.dto.js';

const KEY_ID = /^[A-Z2-7]{39}$/;

/** API keys, always reached through their owner except for the one lookup that verifies a key. */
@Injectable()
export class ApiKeysRepository {
  constructor(@InjectRepository(ApiKey) private readonly keys: Repository<ApiKey>) {}

  /** For verification only: the keys of these ids that exist, whoever owns them, in one query. */
  findManyForVerification(ids: string[]): Promise<ApiKey[]> {
    return this.keys.findBy({ id: In(ids) });
  }

  findByIdForUser(userId: string, id: string): Promise<ApiKey | null> {
    return KEY_ID.test(id) ? this.keys.findOneBy({ id, userId }) : Promise.resolve(null);
  }

  findPageForUser(userId: string, query: ApiKeyPageQueryDto): Promise<[ApiKey[], number]> {
    const qb = this.keys.createQueryBuilder('k').where('k.user_id = :userId', { userId });
    if (query.textSearch) qb.andWhere('k.description ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, query.sortProperty);
  }

  countForUser(userId: string): Promise<number> {
    return this.keys.countBy({ userId });
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
  async updateForUser(
    userId: string,
    id: string,
    changes: Partial<Pick<ApiKey, 'description' | 'enabled' | 'expiresAt' | 'rights'>>,
    unlessRightsChanged?: string[],
  ): Promise<ApiKey | null> {
    const qb = this.keys.createQueryBuilder().update(ApiKey).set(changes).where('id = :id AND user_id = :userId', { id, userId });
    if (unlessRightsChanged) qb.andWhere('rights = :rights', { rights: unlessRightsChanged });
    const result = await qb.execute();
    return result.affected ? this.keys.findOneBy({ id, userId }) : null;
  }

  async deleteForUser(userId: string, id: string): Promise<boolean> {
    if (!KEY_ID.test(id)) return false;
    const result = await this.keys.delete({ id, userId });
    return (result.affected ?? 0) > 0;
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
