import { Authority } from '../rights/authority.js';

/** The part of a caller that decides whom it manages. */
export interface Actor {
  userId: string;
  authority: Authority;
  tenantId: string | null;
}

export interface ManagedTarget {
  id: string;
  authority: Authority;
  tenantId: string | null;
}

/**
 * Who manages whom: a system administrator manages system and tenant administrators; a tenant
 * administrator the users of its own tenant; everyone manages itself.
 */
export function manages(actor: Actor, target: ManagedTarget): boolean {
  if (actor.userId === target.id) return true;
  switch (actor.authority) {
    case Authority.SYS_ADMIN:
      return target.authority === Authority.SYS_ADMIN || target.authority === Authority.TENANT_ADMIN;
    case Authority.TENANT_ADMIN:
      return target.authority !== Authority.SYS_ADMIN && target.tenantId === actor.tenantId;
    default:
      return false;
  }
}

/** The authorities a caller may give to users it creates. */
export function creatableAuthorities(actor: Actor): Authority[] {
  switch (actor.authority) {
    case Authority.SYS_ADMIN:
      return [Authority.SYS_ADMIN, Authority.TENANT_ADMIN];
    case Authority.TENANT_ADMIN:
      return [Authority.TENANT_ADMIN, Authority.CUSTOMER_USER];
    default:
      return [];
  }
}
