/** What a list of API keys sorts by. No imports, so the CLI can share it without loading the server. */
export const API_KEY_SORT_PROPERTIES = ['createdAt', 'expiresAt', 'description', 'enabled'] as const;
