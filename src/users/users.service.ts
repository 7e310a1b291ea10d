import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config.js';
import { toPage, type Page } from '../common/page.dto.js';
import { ChangeFeed } from '../database/change-feed.js';
import { Authority } from '../rights/authority.js';
import type { CredentialOwner, Principal } from '../rights/principal.js';
import { missingRights, RightsCatalog } from '../rights/rights-catalog.js';
import { RestrictedKeyCannotLoosen } from '../rights/rights.errors.js';
import { CustomersRepository } from '../tenants/customers.repository.js';
import { CustomerNotFound, TenantNotFound } from '../tenants/tenant.errors.js';
import type { CreateUserDto } from './dto/create-user.dto.js';
import type { UpdateUserDto } from './dto/update-user.dto.js';
import type { UserPageQueryDto } from './dto/user-page-query.dto.js';
import { creatableAuthorities, manages } from './management.js';
import {
  CannotCreateAuthority,
  CannotGrantAuthority,
  CannotSwitchOwnAccount,
  EmailTaken,
  LastSysAdmin,
  MissingPlacement,
  NotManaged,
  OutsideOwnTenant,
  UnwantedPlacement,
  UserNotFound,
} from './user.errors.js';
import { TenantsRepository } from '../tenants/tenants.repository.js';
import { User } from './user.entity.js';
import { UsersRepository } from './users.repository.js';

/** A user as the owner of a credential. */
export function userOwner(user: User): CredentialOwner {
  const { id, enabled, tenantId, customerId, authority } = user;
  return { type: 'user', id, enabled, tenantId, customerId, authority, rights: null };
}

@Injectable()
export class UsersService {
  /** Compared against when the email is unknown, so that case costs what a wrong password does. */
  private readonly dummyHash: string;

  constructor(
    private readonly users: UsersRepository,
    private readonly tenants: TenantsRepository,
    private readonly customers: CustomersRepository,
    private readonly changes: ChangeFeed,
    private readonly config: AppConfig,
    private readonly catalog: RightsCatalog,
  ) {
    this.dummyHash = bcrypt.hashSync(randomBytes(16).toString('hex'), config.BCRYPT_ROUNDS);
  }

  /**
   * The user with this email (null when there is none) and whether the password is its own; a
   * disabled user is returned for the caller to refuse. Every case costs one bcrypt comparison.
   */
  async checkPassword(email: string, password: string): Promise<{ user: User | null; matches: boolean }> {
    const user = await this.users.findByEmail(email);
    const matches = await bcrypt.compare(password, user?.passwordHash ?? this.dummyHash);
    return { user, matches: user !== null && matches };
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  /** Users as stored, for reading remembered users again (no rights are checked: it is not for callers). */
  findByIds(ids: string[]): Promise<User[]> {
    return this.users.findByIds(ids);
  }

  /** The target of a `/users/{userId}` route: not found when unknown, refused when the actor does not manage it. */
  async getManaged(actor: Principal, userId: string): Promise<User> {
    const user = await this.users.findById(userId === 'me' ? actor.userId : userId);
    if (!user) throw new UserNotFound(userId);
    if (!manages(actor, user)) throw new NotManaged(userId);
    return user;
  }

  async list(actor: Principal, query: UserPageQueryDto): Promise<Page<User>> {
    const [users, total] = await this.users.findManagedPage(actor, query);
    return toPage(users, total, query);
  }

  async create(actor: Principal, dto: CreateUserDto): Promise<User> {
    if (actor.restrictions !== null) throw new RestrictedKeyCannotLoosen('create-user');
    if (!creatableAuthorities(actor).includes(dto.authority)) throw new CannotCreateAuthority(actor.authority, dto.authority);
    // whoever sets a new user's password can act as that user: only a caller holding its rights may
    this.assertHoldsAuthority(actor, dto.authority);
    const { tenantId, customerId } = await this.placement(actor, dto);
    if (await this.users.findByEmail(dto.email)) throw new EmailTaken(dto.email);
    const user = this.users.create({
      email: dto.email,
      passwordHash: await this.hashPassword(dto.password),
      authority: dto.authority,
      tenantId,
      customerId,
      firstName: dto.firstName ?? null,
      lastName: dto.lastName ?? null,
      enabled: true,
    });
    return this.users.save(user);
  }

  async update(actor: Principal, userId: string, dto: UpdateUserDto): Promise<User> {
    const user = await this.getManaged(actor, userId);
    if (dto.enabled !== undefined && user.id === actor.userId) throw new CannotSwitchOwnAccount();
    if (dto.enabled === false) await this.keepOneSysAdmin(user);
    // re-enabling a user hands its rights out again: only to a caller holding them all
    if (dto.enabled === true && !user.enabled) this.assertHoldsAuthority(actor, user.authority);
    const changes: Partial<Pick<User, 'firstName' | 'lastName' | 'enabled'>> = {};
    if (dto.firstName !== undefined) changes.firstName = dto.firstName;
    if (dto.lastName !== undefined) changes.lastName = dto.lastName;
    if (dto.enabled !== undefined) changes.enabled = dto.enabled;
    const saved = Object.keys(changes).length ? await this.users.update(user.id, changes) : user;
    if (!saved) throw new UserNotFound(userId);
    // disabling ended the user's sessions in the same statement (a trigger: see the Sessions migration),
    // so re-enabling it later revives none of its tokens
    if (saved.enabled !== user.enabled) this.changes.publish({ kind: 'user', id: user.id });
    return saved;
  }

  async delete(actor: Principal, userId: string): Promise<void> {
    const user = await this.getManaged(actor, userId);
    await this.keepOneSysAdmin(user);
    // its sessions go with it (ON DELETE CASCADE)
    await this.users.delete(user.id);
    this.changes.publish({ kind: 'user', id: user.id });
  }

  hashPassword(password: string): Promise<string> {
    return bcrypt.hash(password, this.config.BCRYPT_ROUNDS);
  }

  /** The tenant and customer a new user goes into, checked against the actor's own place. */
  private async placement(actor: Principal, dto: CreateUserDto): Promise<{ tenantId: string | null; customerId: string | null }> {
    if (dto.authority === Authority.SYS_ADMIN) {
      if (dto.tenantId || dto.customerId) throw new UnwantedPlacement(Authority.SYS_ADMIN);
      return { tenantId: null, customerId: null };
    }
    let tenantId = dto.tenantId;
    if (actor.authority === Authority.TENANT_ADMIN) {
      if (tenantId && tenantId !== actor.tenantId) throw new OutsideOwnTenant();
      tenantId = actor.tenantId!;
    }
    if (!tenantId) throw new MissingPlacement('tenantId');
    if (!(await this.tenants.findById(tenantId))) throw new TenantNotFound(tenantId);
    if (dto.authority === Authority.TENANT_ADMIN) {
      if (dto.customerId) throw new UnwantedPlacement(Authority.TENANT_ADMIN);
      return { tenantId, customerId: null };
    }
    if (!dto.customerId) throw new MissingPlacement('customerId');
    if (!(await this.customers.findByIdInTenant(tenantId, dto.customerId))) throw new CustomerNotFound(dto.customerId, tenantId);
    return { tenantId, customerId: dto.customerId };
  }

  /** Someone must be able to log in as system administrator: refuses to disable or delete the last one. */
  private async keepOneSysAdmin(user: User): Promise<void> {
    if (user.authority !== Authority.SYS_ADMIN || !user.enabled) return;
    if ((await this.users.countEnabledSysAdmins()) <= 1) throw new LastSysAdmin();
  }

  /**
   * Nobody hands out rights they lack: creating or re-enabling a user of an authority needs every
   * right that authority grants (a JWT caller always has them; a narrow API key may not).
   */
  private assertHoldsAuthority(actor: Pick<Principal, 'rights'>, authority: Authority): void {
    const lacking = missingRights(actor.rights, this.catalog.authorityRights(authority));
    if (lacking.length) throw new CannotGrantAuthority(authority, lacking);
  }
}
