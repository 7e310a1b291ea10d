import { Injectable } from '@nestjs/common';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import type { Principal } from '../rights/principal.js';
import type { Customer } from './customer.entity.js';
import { CustomersRepository } from './customers.repository.js';
import type { NamedPageQueryDto } from './dto/named-page-query.dto.js';
import { CustomerNotFound, NotInTenant } from './tenant.errors.js';

type Caller = Pick<Principal, 'tenantId'>;

/** Customers, managed by their tenant's administrators, always within the caller's own tenant. */
@Injectable()
export class CustomersService {
  constructor(
    private readonly customers: CustomersRepository,
    private readonly changes: ChangeFeed,
  ) {}

  create(caller: Caller, name: string): Promise<Customer> {
    return this.customers.create(ownTenant(caller), name);
  }

  async list(caller: Caller, query: NamedPageQueryDto): Promise<Page<Customer>> {
    const [customers, total] = await this.customers.findPageInTenant(ownTenant(caller), query);
    return toPage(customers, total, query);
  }

  /** Deletes the customer with its users and their keys. */
  async delete(caller: Caller, id: string): Promise<void> {
    const customer = await this.customers.findByIdInTenant(ownTenant(caller), id);
    if (!customer) throw new CustomerNotFound(id);
    await this.customers.delete(customer.id);
    this.changes.publish({ kind: 'reset' });
  }
}

function ownTenant(caller: Caller): string {
  if (!caller.tenantId) throw new NotInTenant();
  return caller.tenantId;
}
