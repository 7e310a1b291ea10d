import { Right } from '../../rights/right.js';

export class UserRightsDto {
  /** The caller's effective rights on the user. */
  rights: Right[];
}
