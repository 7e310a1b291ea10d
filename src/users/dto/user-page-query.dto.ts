import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page.dto.js';

export const USER_SORT_PROPERTIES = ['createdAt', 'email', 'firstName', 'lastName', 'authority'] as const;

export class UserPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(USER_SORT_PROPERTIES)
  sortProperty?: (typeof USER_SORT_PROPERTIES)[number] = 'createdAt';
}
