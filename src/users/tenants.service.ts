import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import { CustomersRepository } from './customers.repository.js';
import type { NamedPageQueryDto } from './dto/tenant.dto.js';
import type { Customer } from './customer.entity.js';
import type { Actor } from './management.js';
import type { Tenant } from './tenant.entity.js';
import { TenantsRepository } from './tenants.repository.js';

/** Tenants (managed by system administrators) and their customers (managed by the tenant's administrators). */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantsRepository,
    private readonly customers: CustomersRepository,
    private readonly changes: ChangeFeed,
  ) {}

  createTenant(name: string): Promise<Tenant> {
    return this.tenants.create(name);
  }

  async listTenants(query: NamedPageQueryDto): Promise<Page<Tenant>> {
    const [tenants, total] = await this.tenants.findPage(query);
    return toPage(tenants, total, query);
  }

  /** Deletes the tenant with its customers, users and their keys. */
  async deleteTenant(id: string): Promise<void> {
    if (!(await this.tenants.findById(id))) throw new NotFoundException(`Tenant ${id} not found`);
    await this.tenants.delete(id);
    this.changes.publish({ kind: 'reset' });
  }

  createCustomer(actor: Actor, name: string): Promise<Customer> {
    return this.customers.create(this.ownTenant(actor), name);
  }

  async listCustomers(actor: Actor, query: NamedPageQueryDto): Promise<Page<Customer>> {
    const [customers, total] = await this.customers.findPageInTenant(this.ownTenant(actor), query);
    return toPage(customers, total, query);
  }

  /** Deletes the customer with its users and their keys. */
  async deleteCustomer(actor: Actor, id: string): Promise<void> {
    const customer = await this.customers.findByIdInTenant(this.ownTenant(actor), id);
    if (!customer) throw new NotFoundException(`Customer ${id} not found`);
    await this.customers.delete(customer.id);
    this.changes.publish({ kind: 'reset' });
  }

  private ownTenant(actor: Actor): string {
    if (!actor.tenantId) throw new ForbiddenException('Customers belong to a tenant: only its tenant administrators manage them');
    return actor.tenantId;
  }
}
