export class RightDescriptionDto {
  /** @example RIGHT_TELEMETRY_READ */
  name: string;
  description: string;
  /** Whether keygate or the platform's access policy names it. */
  origin: 'keygate' | 'policy';
  /** Only on pseudo-rights (`RIGHT_ALL`, `RIGHT_USER_ALL`, the policy's groups): the rights it stands for now. */
  members?: string[];
}
