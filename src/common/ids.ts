const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a user id may be where `me` is accepted too: `me`, or a UUID in any letter case. */
export const USER_ID = /^(me|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;

/** Ids in keygate are UUIDs; any other string names nothing (404, not a database error). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * A `{userId}` path parameter as everything after the guard reads it: `me`, or a UUID in lower
 * case (the case PostgreSQL writes ids in, so equal ids are equal strings); undefined when it
 * names nobody. PostgreSQL reads a UUID in any case, so a comparison of the raw strings could
 * tell apart what the database takes for one user.
 */
export function canonicalUserId(value: string): string | undefined {
  if (value === 'me') return value;
  return isUuid(value) ? value.toLowerCase() : undefined;
}
