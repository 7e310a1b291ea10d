/** The rights a user, and through the user an API key, can hold. */
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
  /** Pseudo-right: every current and future user right. */
  USER_ALL = 'RIGHT_USER_ALL',
}

export interface RightDescription {
  name: Right;
  description: string;
}

/** The catalog, in the order clients show it. */
export const RIGHT_CATALOG: readonly RightDescription[] = [
  { name: Right.USER_INFO, description: 'Read the user profile' },
  { name: Right.USER_SETTINGS_BASIC, description: 'Edit the user profile' },
  { name: Right.USER_SETTINGS_API_KEYS, description: "Manage the user's own API keys" },
  { name: Right.USER_DELETE, description: 'Delete the user account' },
  { name: Right.USER_USERS_READ, description: 'List and read the users one manages' },
  { name: Right.USER_USERS_WRITE, description: 'Create, edit, disable and delete the users one manages' },
  { name: Right.USER_USERS_API_KEYS, description: 'Manage the API keys of the users one manages' },
  { name: Right.USER_TENANTS, description: 'Manage tenants (system administrator)' },
  { name: Right.USER_CUSTOMERS, description: "Manage the tenant's customers (tenant administrator)" },
  { name: Right.USER_ALL, description: 'All current and future user rights' },
];
