import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RightDescriptionDto } from './right-description.dto.js';
import { RightsCatalog } from './rights-catalog.js';
import { RequireRights } from './route-rights.decorator.js';

@ApiTags('rights')
@Controller('rights')
export class RightsController {
  /** The catalog never changes while the process runs: serialised once, not per request. */
  private readonly json: string;

  constructor(catalog: RightsCatalog) {
    this.json = JSON.stringify(catalog.entries);
  }

  /** Every right a key can be given: keygate's own, then the platform's from the access policy, then its groups. */
  @Get()
  @RequireRights()
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOkResponse({ type: [RightDescriptionDto] })
  list(): string {
    return this.json;
  }
}
