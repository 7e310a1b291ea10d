/** What kind of thing went wrong, in the domain's terms; the exception filter alone turns a kind into an HTTP status. */
export type DomainErrorKind = 'not-found' | 'forbidden' | 'conflict' | 'invalid' | 'unauthenticated' | 'too-many';

/**
 * A refusal a service states in its own words (`ApiKeyNotFound`, `CannotGrant`). It carries no HTTP
 * status: the filter maps its `kind` to one, and answers with its message and its `extra` fields.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    /** What the caller is told besides the message, e.g. `{ missingRights }`. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
