import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Tenant } from '../tenant.entity.js';
import { trimmed } from './named-page-query.dto.js';
import { PageOf } from '../../common/page.dto.js';

export class CreateTenantDto {
  @Transform(trimmed) @IsString() @IsNotEmpty() @MaxLength(255)
  name: string;
}

export class TenantDto {
  id: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;

  static from(tenant: Tenant): TenantDto {
    return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt, updatedAt: tenant.updatedAt };
  }
}

export class TenantPageDto extends PageOf(TenantDto) {}
