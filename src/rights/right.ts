/** keygate's own rights: what its routes need. The platform's rights come from the access policy (access-policy.ts). */
export enum Right {
  USER_INFO = 'RIGHT_USER_INFO',
  USER_SETTINGS_BASIC = 'RIGHT_USER_SETTINGS_BASIC',
  USER_SETTINGS_API_KEYS = 'RIGHT_USER_SETTINGS_API_KEYS',
  USER_DELETE = 'RIGHT_USER_DELETE',
  USER_USERS_READ = 'RIGHT_USER_USERS_READ',
  USER_USERS_WRITE = 'RIGHT_USER_USERS_WRITE',
  USER_USERS_API_KEYS = 'RIGHT_USER_USERS_API_KEYS',
  USER_TENANTS = 'RIGHT_USER_TENANTS',
  USER_CUSTOMERS = 'RIGHT_USER_CUSTOMERS',
  USER_SERVICE_ACCOUNTS = 'RIGHT_USER_SERVICE_ACCOUNTS',
  USER_WEBHOOKS = 'RIGHT_USER_WEBHOOKS',
  /** Pseudo-right: every current and future user right (`RIGHT_USER_*`). */
  USER_ALL = 'RIGHT_USER_ALL',
  KEYS_VERIFY = 'RIGHT_KEYS_VERIFY',
  METRICS_READ = 'RIGHT_METRICS_READ',
  /** Pseudo-right: every right, keygate's and the platform's, current and future. */
  ALL = 'RIGHT_ALL',
}

/** A right's name: one of keygate's (`Right`) or one the access policy names. */
export type RightName = string;

/** keygate's own rights, in the order clients show them. */
export const KEYGATE_RIGHTS: ReadonlyArray<{ name: Right; description: string }> = [
  { name: Right.USER_INFO, description: 'Read the user profile' },
  { name: Right.USER_SETTINGS_BASIC, description: 'Edit the user profile' },
  { name: Right.USER_SETTINGS_API_KEYS, description: "Manage the user's own API keys" },
  { name: Right.USER_DELETE, description: 'Delete the user account' },
  { name: Right.USER_USERS_READ, description: 'List and read the users one manages' },
  { name: Right.USER_USERS_WRITE, description: 'Create, edit, disable and delete the users one manages' },
  { name: Right.USER_USERS_API_KEYS, description: 'Manage the API keys of the users one manages' },
  { name: Right.USER_TENANTS, description: 'Manage tenants (system administrator)' },
  { name: Right.USER_CUSTOMERS, description: "Manage the tenant's customers (tenant administrator)" },
  { name: Right.USER_SERVICE_ACCOUNTS, description: 'Manage service accounts and their API keys' },
  { name: Right.USER_WEBHOOKS, description: 'Manage webhooks' },
  { name: Right.USER_ALL, description: 'All current and future user rights' },
  { name: Right.KEYS_VERIFY, description: 'Verify API keys for the platform (POST /api/keys/verify)' },
  { name: Right.METRICS_READ, description: 'Read the Prometheus metrics (GET /metrics)' },
  { name: Right.ALL, description: "Every right, keygate's and the platform's, current and future" },
];

/** The shape every right's name has, keygate's and the platform's. */
export const RIGHT_NAME = /^RIGHT_[A-Z0-9_]+$/;
