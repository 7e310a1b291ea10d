const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids in keygate are UUIDs; any other string names nothing (404, not a database error). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
