import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { isUuid } from '../common/ids.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import type { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import { Tenant } from './tenant.entity.js';

@Injectable()
export class TenantsRepository {
  constructor(@InjectRepository(Tenant) private readonly tenants: Repository<Tenant>) {}

  findById(id: string): Promise<Tenant | null> {
    return isUuid(id) ? this.tenants.findOneBy({ id }) : Promise.resolve(null);
  }

  create(name: string): Promise<Tenant> {
    return this.tenants.save(this.tenants.create({ name }));
  }

  findPage(query: NamedPageQueryDto): Promise<[Tenant[], number]> {
    const qb = this.tenants.createQueryBuilder('t');
    if (query.textSearch) qb.where('t.name ILIKE :pattern', { pattern: likePattern(query.textSearch) });
    return fetchPage(qb, query, query.sortProperty);
  }

  async delete(id: string): Promise<void> {
    await this.tenants.delete({ id });
  }
}
