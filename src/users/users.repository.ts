import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, In, Repository, type SelectQueryBuilder } from 'typeorm';
import { isUuid } from '../common/ids.js';
import { fetchPage, likePattern } from '../common/page.dto.js';
import { Authority } from '../rights/authority.js';
import type { UserPageQueryDto } from './dto/user-page-query.dto.js';
import type { Principal } from '../rights/principal.js';
import { managedScope } from './management.js';
import { User } from './user.entity.js';

/** Users, looked up by name; the scoping of lists to "users the actor manages" lives here. */
@Injectable()
export class UsersRepository {
  constructor(@InjectRepository(User) private readonly users: Repository<User>) {}

  /** An id that is not a UUID names no user. */
  findById(id: string): Promise<User | null> {
    return isUuid(id) ? this.users.findOneBy({ id }) : Promise.resolve(null);
  }

  /** Those of these users that still exist, in one query (ids that are not UUIDs name none). */
  findByIds(ids: string[]): Promise<User[]> {
    const valid = ids.filter(isUuid);
    return valid.length ? this.users.findBy({ id: In(valid) }) : Promise.resolve([]);
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.trim().toLowerCase() });
  }

  count(): Promise<number> {
    return this.users.count();
  }

  countEnabledSysAdmins(): Promise<number> {
    return this.users.countBy({ authority: Authority.SYS_ADMIN, enabled: true });
  }

  save(user: User): Promise<User> {
    return this.users.save(user);
  }

  /** Writes only the given fields, in one statement; null when the user is gone. Never a read-modify-save. */
  async update(id: string, changes: Partial<Pick<User, 'firstName' | 'lastName' | 'enabled'>>): Promise<User | null> {
    const result = await this.users.createQueryBuilder().update(User).set(changes).where('id = :id', { id }).execute();
    return result.affected ? this.users.findOneBy({ id }) : null;
  }

  create(fields: Partial<User>): User {
    return this.users.create(fields);
  }

  async delete(id: string): Promise<void> {
    await this.users.delete({ id });
  }

  async findManagedPage(actor: Pick<Principal, 'userId' | 'authority' | 'tenantId'>, query: UserPageQueryDto): Promise<[User[], number]> {
    const qb = this.managedBy(actor);
    if (query.textSearch) {
      const pattern = likePattern(query.textSearch);
      qb.andWhere(
        new Brackets((w) =>
          w.where('u.email ILIKE :pattern', { pattern })
            .orWhere('u.first_name ILIKE :pattern', { pattern })
            .orWhere('u.last_name ILIKE :pattern', { pattern }),
        ),
      );
    }
    return fetchPage(qb, query, query.sortProperty);
  }

  /** The users `actor` manages, as SQL made from the same scope as `manages`. */
  private managedBy(actor: Pick<Principal, 'userId' | 'authority' | 'tenantId'>): SelectQueryBuilder<User> {
    const qb = this.users.createQueryBuilder('u');
    const scope = managedScope(actor);
    return qb.where(
      new Brackets((w) => {
        w.where('u.id = :self', { self: actor.userId });
        if (!scope) return;
        w.orWhere(
          new Brackets((inScope) => {
            inScope.where('u.authority IN (:...authorities)', { authorities: scope.authorities });
            if (scope.tenantId !== undefined) inScope.andWhere('u.tenant_id IS NOT DISTINCT FROM :tenantId', { tenantId: scope.tenantId });
          }),
        );
      }),
    );
  }
}
