import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { isUuid } from '../common/ids.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import type { ServiceAccountPageQueryDto } from './dto/service-account.dto.js';
import { ServiceAccount } from './service-account.entity.js';

type Changes = Partial<Pick<ServiceAccount, 'name' | 'description' | 'enabled' | 'rights'>>;

/** Service accounts, listed and changed within the scope of who manages them: a tenant, or the system level (null). */
@Injectable()
export class ServiceAccountsRepository {
  constructor(@InjectRepository(ServiceAccount) private readonly accounts: Repository<ServiceAccount>) {}

  /** An id that is not a UUID names no account. */
  findById(id: string): Promise<ServiceAccount | null> {
    return isUuid(id) ? this.accounts.findOneBy({ id }) : Promise.resolve(null);
  }

  /** For verification only: those of these accounts that exist, in one query. */
  findByIds(ids: string[]): Promise<ServiceAccount[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.accounts.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  findPageInScope(tenantId: string | null, query: ServiceAccountPageQueryDto): Promise<[ServiceAccount[], number]> {
    const qb = this.accounts.createQueryBuilder('s').where('s.tenant_id IS NOT DISTINCT FROM :tenantId', { tenantId });
    if (query.textSearch) qb.andWhere('s.name ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, query.sortProperty);
  }

  insert(fields: Partial<ServiceAccount>): Promise<ServiceAccount> {
    return this.accounts.save(this.accounts.create(fields));
  }

  /**
   * Writes only the given fields, in one statement; null when the account is gone or (with
   * `unlessRightsChanged`) its rights changed meanwhile. Never a read-modify-save.
   */
  async update(id: string, changes: Changes, unlessRightsChanged?: string[]): Promise<ServiceAccount | null> {
    const qb = this.accounts.createQueryBuilder().update(ServiceAccount).set(changes).where('id = :id', { id });
    if (unlessRightsChanged) qb.andWhere('rights = :rights', { rights: unlessRightsChanged });
    const result = await qb.execute();
    return result.affected ? this.accounts.findOneBy({ id }) : null;
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.accounts.delete({ id });
    return (result.affected ?? 0) > 0;
  }
}
