import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Customer } from '../customer.entity.js';
import { trimmed } from './named-page-query.dto.js';
import { PageOf } from '../../common/page.dto.js';

export class CreateCustomerDto {
  @Transform(trimmed) @IsString() @IsNotEmpty() @MaxLength(255)
  name: string;
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

export class CustomerPageDto extends PageOf(CustomerDto) {}
