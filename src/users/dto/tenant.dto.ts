import { Transform } from 'class-transformer';
import { IsIn, IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/page.dto.js';
import type { Customer } from '../customer.entity.js';
import type { Tenant } from '../tenant.entity.js';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateTenantDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(255)
  name: string;
}

export class CreateCustomerDto {
  @Transform(trim) @IsString() @IsNotEmpty() @MaxLength(255)
  name: string;
}

export const NAMED_SORT_PROPERTIES = ['createdAt', 'name'] as const;

/** Paging for tenants and customers: sorted by `createdAt` or `name`; `textSearch` matches the name. */
export class NamedPageQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(NAMED_SORT_PROPERTIES)
  sortProperty?: (typeof NAMED_SORT_PROPERTIES)[number] = 'createdAt';
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

export class CustomerDto {
  id: string;
  tenantId: string;
  name: string;
  createdAt: Date;
  updatedAt: Date;

  static from(customer: Customer): CustomerDto {
    const { id, tenantId, name, createdAt, updatedAt } = customer;
    return { id, tenantId, name, createdAt, updatedAt };
  }
}

export class TenantPageDto {
  data: TenantDto[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}

export class CustomerPageDto {
  data: CustomerDto[];
  totalPages: number;
  totalElements: number;
  hasNext: boolean;
}
