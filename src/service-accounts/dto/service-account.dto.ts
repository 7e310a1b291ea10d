import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, ArrayUnique, IsArray, IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageOf, PageQueryDto } from '../../common/page.dto.js';
import { RIGHT_NAME } from '../../rights/right.js';
import { NAMED_SORT_PROPERTIES, trimmed } from '../../tenants/dto/named-page-query.dto.js';
import type { ServiceAccount } from '../service-account.entity.js';

export class CreateServiceAccountDto {
  /** @example Telemetry ingest */
  @Transform(trimmed) @IsString() @IsNotEmpty() @MaxLength(255)
  name: string;

  @IsOptional() @IsString() @MaxLength(1000)
  description?: string | null;

  /** A system administrator's accounts are system level (leave it out); a tenant administrator's are in its tenant. */
  @IsOptional() @IsUUID()
  tenantId?: string | null;

  /** Optional: a customer of the tenant the account belongs to. */
  @IsOptional() @IsUUID()
  customerId?: string | null;

  /**
   * What the account's keys may do at most: `RIGHT_ALL`, the platform's rights and groups,
   * `RIGHT_KEYS_VERIFY` and, for a system-level account, `RIGHT_METRICS_READ`.
   * @example ["RIGHT_TELEMETRY_READ"]
   */
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(100) @ArrayUnique() @Matches(RIGHT_NAME, { each: true })
  rights: string[];
}

/** Only the fields sent change. */
export class UpdateServiceAccountDto {
  @IsOptional() @Transform(trimmed) @IsString() @IsNotEmpty() @MaxLength(255)
  name?: string;

  @IsOptional() @IsString() @MaxLength(1000)
  description?: string | null;

  /** False stops every key of the account at once. */
  @IsOptional() @IsBoolean()
  enabled?: boolean;

  @IsOptional() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(100) @ArrayUnique() @Matches(RIGHT_NAME, { each: true })
  rights?: string[];
}

/** Sorted by `createdAt` or `name`; `textSearch` matches the name. */
export class ServiceAccountPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(NAMED_SORT_PROPERTIES)
  sortProperty?: (typeof NAMED_SORT_PROPERTIES)[number] = 'createdAt';
}

export class ServiceAccountDto {
  id: string;
  name: string;
  description: string | null;
  /** Null: a system-level account. */
  tenantId: string | null;
  customerId: string | null;
  enabled: boolean;
  rights: string[];
  createdAt: Date;
  updatedAt: Date;

  static from(account: ServiceAccount): ServiceAccountDto {
    const { id, name, description, tenantId, customerId, enabled, rights, createdAt, updatedAt } = account;
    return { id, name, description, tenantId, customerId, enabled, rights, createdAt, updatedAt };
  }
}

export class ServiceAccountPageDto extends PageOf(ServiceAccountDto) {}
