import type { Authority, User } from './api';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDateTime(iso: string | null | undefined, whenNull = '—'): string {
  return iso ? dateTime.format(new Date(iso)) : whenNull;
}

export function formatDate(date: Date): string {
  return dateOnly.format(date);
}

const AUTHORITIES: Record<Authority, string> = {
  SYS_ADMIN: 'System administrator',
  TENANT_ADMIN: 'Tenant administrator',
  CUSTOMER_USER: 'Customer user',
};

export function authorityLabel(authority: Authority): string {
  return AUTHORITIES[authority] ?? authority;
}

export function fullName(user: Pick<User, 'firstName' | 'lastName'>): string {
  return [user.firstName, user.lastName].filter(Boolean).join(' ');
}

/** A user as a person recognises them: the name when there is one, else the email. */
export function userLabel(user: Pick<User, 'firstName' | 'lastName' | 'email'>): string {
  return fullName(user) || user.email;
}
