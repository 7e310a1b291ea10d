import type { Type as Class } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { SelectQueryBuilder } from 'typeorm';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** The query of every list (ThingsBoard's paging): `?page=0&pageSize=20&textSearch=&sortProperty=&sortOrder=DESC`. */
export class PageQueryDto {
  /** Zero-based page number. */
  @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(1_000_000)
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000, default: 0 })
  page?: number = 0;

  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 100, default: 20 })
  pageSize?: number = 20;

  /** Case-insensitive substring to look for. */
  @IsOptional() @IsString() @MaxLength(255)
  textSearch?: string;

  @IsOptional() @IsIn(['ASC', 'DESC'])
  sortOrder?: 'ASC' | 'DESC' = 'DESC';
}

export interface Page<T> {
  data: T[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

/** The same page with each item shown as the API shows it. */
export function mapPage<T, U>(page: Page<T>, show: (item: T) => U): Page<U> {
  return { ...page, data: page.data.map(show) };
}

/** The OpenAPI shape of a page of `item`, for a controller's `<Item>PageDto extends PageOf(<Item>Dto) {}`. */
export function PageOf<T>(item: Class<T>): Class<Page<T>> {
  class PageOfItem implements Page<T> {
    @ApiProperty({ type: [item] })
    data: T[];

    @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 })
    totalPages: number;

    @ApiProperty({ type: 'integer', format: 'int32', minimum: 0, maximum: 2_147_483_647 })
    totalElements: number;

    @ApiProperty()
    hasNext: boolean;
  }
  return PageOfItem;
}

/** The page asked for, with the defaults filled in. */
function window(query: PageQueryDto): { page: number; pageSize: number } {
  return { page: query.page ?? 0, pageSize: query.pageSize ?? 20 };
}

export function toPage<T>(data: T[], totalElements: number, query: PageQueryDto): Page<T> {
  const { page, pageSize } = window(query);
  return { data, totalPages: Math.ceil(totalElements / pageSize), totalElements, hasNext: (page + 1) * pageSize < totalElements };
}

/** Escapes LIKE wildcards so a search for `50%` finds "50%". */
export function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** One page of `qb`, sorted by `sortProperty` then id, so pages never overlap. */
export function fetchPage<T extends object>(
  qb: SelectQueryBuilder<T>,
  query: PageQueryDto,
  sortProperty = 'createdAt',
): Promise<[T[], number]> {
  const { page, pageSize } = window(query);
  const order = query.sortOrder ?? 'DESC';
  return qb
    .orderBy(`${qb.alias}.${sortProperty}`, order, order === 'ASC' ? 'NULLS FIRST' : 'NULLS LAST')
    .addOrderBy(`${qb.alias}.id`, 'ASC')
    .skip(page * pageSize)
    .take(pageSize)
    .getManyAndCount();
}
