export class UserRightsDto {
  /** The caller's effective rights on the user. */
  rights: string[];
}
