import { Authority } from '../../rights/authority.js';
import type { User } from '../user.entity.js';
import { PageOf } from '../../common/page.dto.js';

export class UserDto {
  id: string;
  email: string;
  authority: Authority;
  tenantId: string | null;
  customerId: string | null;
  firstName: string | null;
  lastName: string | null;
  enabled: boolean;
  createdAt: Date;
  updatedAt: Date;

  static from(user: User): UserDto {
    return {
      id: user.id,
      email: user.email,
      authority: user.authority,
      tenantId: user.tenantId,
      customerId: user.customerId,
      firstName: user.firstName,
      lastName: user.lastName,
      enabled: user.enabled,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    };
  }
}

export class UserPageDto extends PageOf(UserDto) {}
