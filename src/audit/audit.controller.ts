import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../rights/principal.js';
import { Right } from '../rights/right.js';
import { CurrentPrincipal, RequireRights } from '../rights/route-rights.decorator.js';
import { AuditEventDto, AuditEventPageDto, AuditPageQueryDto } from './audit-event.dto.js';
import { AuditService } from './audit.service.js';
import { mapPage } from '../common/page.dto.js';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Key and login events, newest first: all of them for a system administrator, its tenant's for a tenant administrator. */
  @Get()
  @RequireRights(Right.USER_USERS_READ)
  async list(@CurrentPrincipal() principal: Principal, @Query() query: AuditPageQueryDto): Promise<AuditEventPageDto> {
    const page = await this.audit.list(principal, query);
    return mapPage(page, AuditEventDto.from);
  }
}
