import { Injectable } from '@nestjs/common';
import { AuditAction } from '../audit/audit-event.entity.js';
import { AuditService } from '../audit/audit.service.js';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import { Authority } from '../rights/authority.js';
import type { CredentialOwner, Principal } from '../rights/principal.js';
import { Right, type RightName } from '../rights/right.js';
import { assertGrantable, assertKnownRights, RightsCatalog } from '../rights/rights-catalog.js';
import { CustomersRepository } from '../tenants/customers.repository.js';
import { CustomerNotFound } from '../tenants/tenant.errors.js';
import type { CreateServiceAccountDto, ServiceAccountPageQueryDto, UpdateServiceAccountDto } from './dto/service-account.dto.js';
import type { ServiceAccount } from './service-account.entity.js';
import { CannotPlaceServiceAccount, NotGrantableToServiceAccount, ServiceAccountNotFound, ServiceAccountNotManaged } from './service-account.errors.js';
import { ServiceAccountsRepository } from './service-accounts.repository.js';

/** A service account as the owner of a credential. */
export function accountOwner(account: ServiceAccount): CredentialOwner {
  const { id, enabled, tenantId, customerId, rights } = account;
  return { type: 'serviceAccount', id, enabled, tenantId, customerId, authority: null, rights };
}

/**
 * Service accounts: a system administrator manages the system-level ones, a tenant administrator
 * those of its tenant (customer-level ones included); nobody else manages any.
 */
@Injectable()
export class ServiceAccountsService {
  constructor(
    private readonly accounts: ServiceAccountsRepository,
    private readonly customers: CustomersRepository,
    private readonly catalog: RightsCatalog,
    private readonly changes: ChangeFeed,
    private readonly audit: AuditService,
  ) {}

  /** The level whose accounts the caller manages: its tenant, or null for the system level. */
  private scopeOf(caller: Principal): string | null {
    if (caller.authority === Authority.SYS_ADMIN) return null;
    if (caller.authority === Authority.TENANT_ADMIN) return caller.tenantId!;
    throw new CannotPlaceServiceAccount('Only system and tenant administrators manage service accounts');
  }

  /** Not found when unknown, refused when the caller does not manage it. */
  async getManaged(caller: Principal, id: string): Promise<ServiceAccount> {
    const account = await this.accounts.findById(id);
    if (!account) throw new ServiceAccountNotFound(id);
    if (account.tenantId !== this.scopeOf(caller)) throw new ServiceAccountNotManaged(id);
    return account;
  }

  list(caller: Principal, query: ServiceAccountPageQueryDto): Promise<Page<ServiceAccount>> {
    return this.accounts.findPageInScope(this.scopeOf(caller), query).then(([accounts, total]) => toPage(accounts, total, query));
  }

  async create(caller: Principal, dto: CreateServiceAccountDto, clientIp: string): Promise<ServiceAccount> {
    const tenantId = this.scopeOf(caller);
    if ((dto.tenantId ?? tenantId) !== tenantId) {
      throw new CannotPlaceServiceAccount(tenantId === null ? "A system administrator's service accounts are system level: leave tenantId out" : 'You can only create service accounts in your own tenant');
    }
    if (dto.customerId) {
      if (tenantId === null) throw new CannotPlaceServiceAccount('A system-level service account belongs to no customer');
      if (!(await this.customers.findByIdInTenant(tenantId, dto.customerId))) throw new CustomerNotFound(dto.customerId, tenantId);
    }
    this.assertGrantableToAccount(caller, dto.rights, tenantId === null);
    const account = await this.accounts.insert({ name: dto.name, description: dto.description ?? null, tenantId, customerId: dto.customerId ?? null, enabled: true, rights: dto.rights });
    await this.record(caller, account, clientIp, AuditAction.SERVICE_ACCOUNT_CREATED, { name: account.name, rights: account.rights });
    return account;
  }

  private record(caller: Principal, account: ServiceAccount, clientIp: string, action: AuditAction, details: Record<string, unknown> = {}): Promise<void> {
    return this.audit.record({ action, actor: caller, tenantId: account.tenantId, clientIp, details: { serviceAccountId: account.id, ...details } });
  }

  async update(caller: Principal, id: string, dto: UpdateServiceAccountDto, clientIp: string): Promise<ServiceAccount> {
    const account = await this.getManaged(caller, id);
    const changes: Partial<Pick<ServiceAccount, 'name' | 'description' | 'enabled' | 'rights'>> = {};
    if (dto.rights) {
      const before = new Set(account.rights);
      const after = new Set(dto.rights);
      // the rights added and the rights removed, as for a key
      this.assertGrantableToAccount(caller, [...after].filter((r) => !before.has(r)).concat([...before].filter((r) => !after.has(r))), account.tenantId === null, dto.rights);
      changes.rights = dto.rights;
    }
    if (dto.name !== undefined) changes.name = dto.name;
    if (dto.description !== undefined) changes.description = dto.description;
    if (dto.enabled !== undefined) changes.enabled = dto.enabled;
    // bringing an account back to life hands its keys' rights out again
    if (changes.enabled === true && !account.enabled) this.assertGrantableToAccount(caller, account.rights, account.tenantId === null);
    const saved = Object.keys(changes).length ? await this.accounts.update(account.id, changes, dto.rights ? account.rights : undefined) : account;
    if (!saved) throw new ServiceAccountNotFound(id);
    this.changes.publish({ kind: 'serviceAccount', id: account.id });
    if (saved.enabled !== account.enabled) await this.record(caller, saved, clientIp, saved.enabled ? AuditAction.SERVICE_ACCOUNT_ENABLED : AuditAction.SERVICE_ACCOUNT_DISABLED);
    const changed = Object.fromEntries(
      (['name', 'description', 'rights'] as const)
        .filter((field) => JSON.stringify(account[field]) !== JSON.stringify(saved[field]))
        .map((field) => [field, { from: account[field], to: saved[field] }]),
    );
    if (Object.keys(changed).length) await this.record(caller, saved, clientIp, AuditAction.SERVICE_ACCOUNT_UPDATED, { changed });
    return saved;
  }

  async delete(caller: Principal, id: string, clientIp: string): Promise<void> {
    const account = await this.getManaged(caller, id);
    // its keys go with it (ON DELETE CASCADE), each announced by the database
    if (!(await this.accounts.delete(account.id))) throw new ServiceAccountNotFound(id);
    this.changes.publish({ kind: 'serviceAccount', id: account.id });
    await this.record(caller, account, clientIp, AuditAction.SERVICE_ACCOUNT_DELETED, { name: account.name });
  }

  /** Accounts as stored, for verifying their keys (no rights are checked: it is not for callers). */
  findByIds(ids: string[]): Promise<ServiceAccount[]> {
    return this.accounts.findByIds(ids);
  }

  /**
   * An account holds the platform's rights and groups, `RIGHT_ALL`, `RIGHT_KEYS_VERIFY` and, at system
   * level, `RIGHT_METRICS_READ`; never keygate's management rights. Within that, nobody grants what they lack.
   */
  private assertGrantableToAccount(caller: Principal, rights: readonly RightName[], systemLevel: boolean, wholeList: readonly RightName[] = rights): void {
    this.assertHoldable(wholeList, systemLevel);
    assertGrantable(this.catalog, caller, rights, this.catalog.serviceAccountGrantable(systemLevel));
  }

  /** Rights an account (and so its keys) can hold at all: known, and none of keygate's management rights. */
  assertHoldable(rights: readonly RightName[], systemLevel: boolean): void {
    assertKnownRights(this.catalog, rights);
    const grantable = this.catalog.serviceAccountGrantable(systemLevel);
    const refused = rights.filter((r) => r !== Right.ALL && !grantable.has(r) && !this.catalog.platformGroup(r));
    if (refused.length) throw new NotGrantableToServiceAccount(refused);
  }
}
