import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '../../common/page.dto.js';

export const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export const NAMED_SORT_PROPERTIES = ['createdAt', 'name'] as const;

/** Paging for tenants and customers: sorted by `createdAt` or `name`; `textSearch` matches the name. */
export class NamedPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(NAMED_SORT_PROPERTIES)
  sortProperty?: (typeof NAMED_SORT_PROPERTIES)[number] = 'createdAt';
}
