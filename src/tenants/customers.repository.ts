import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isUuid } from '../common/ids.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import type { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import { Customer } from './customer.entity.js';

/** Customers, always within one tenant. */
@Injectable()
export class CustomersRepository {
  constructor(@InjectRepository(Customer) private readonly customers: Repository<Customer>) {}

  findByIdInTenant(tenantId: string, id: string): Promise<Customer | null> {
    return isUuid(id) ? this.customers.findOneBy({ id, tenantId }) : Promise.resolve(null);
  }

  create(tenantId: string, name: string): Promise<Customer> {
    return this.customers.save(this.customers.create({ tenantId, name }));
  }

  findPageInTenant(tenantId: string, query: NamedPageQueryDto): Promise<[Customer[], number]> {
    const qb = this.customers.createQueryBuilder('c').where('c.tenant_id = :tenantId', { tenantId });
    if (query.textSearch) qb.andWhere('c.name ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, query.sortProperty);
  }

  async delete(id: string): Promise<void> {
    await this.customers.delete({ id });
  }
}
