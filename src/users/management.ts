import { Authority } from '../rights/authority.js';
import type { Principal } from '../rights/principal.js';

/** The part of the caller that decides whom it manages. */
type Manager = Pick<Principal, 'userId' | 'authority' | 'tenantId'>;

export interface ManagedTarget {
  id: string;
  authority: Authority;
  tenantId: string | null;
}

/** The users an actor manages besides itself: those of these authorities, in this tenant when one is named. */
export interface ManagedScope {
  authorities: readonly Authority[];
  /** Absent: in any tenant. */
  tenantId?: string | null;
}

/**
 * Who manages whom, the one rule: a system administrator manages system and tenant
 * administrators; a tenant administrator the users of its own tenant; everyone manages itself.
 * `manages` checks it in memory and `UsersRepository` turns the same scope into SQL.
 */
export function managedScope(actor: Manager): ManagedScope | null {
  switch (actor.authority) {
    case Authority.SYS_ADMIN:
      return { authorities: [Authority.SYS_ADMIN, Authority.TENANT_ADMIN] };
    case Authority.TENANT_ADMIN:
      return { authorities: [Authority.TENANT_ADMIN, Authority.CUSTOMER_USER], tenantId: actor.tenantId };
    default:
      return null;
  }
}

export function manages(actor: Manager, target: ManagedTarget): boolean {
  if (actor.userId === target.id) return true;
  const scope = managedScope(actor);
  return scope !== null && scope.authorities.includes(target.authority) && (scope.tenantId === undefined || scope.tenantId === target.tenantId);
}

/** The authorities a caller may give to users it creates: those it manages. */
export function creatableAuthorities(actor: Manager): readonly Authority[] {
  return managedScope(actor)?.authorities ?? [];
}
