import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { RightDescriptionDto } from './right-description.dto.js';
import { RIGHT_CATALOG } from './right.js';
import { RequireRights } from './route-rights.decorator.js';

/** The catalog never changes while the process runs: serialised once, not per request. */
const CATALOG_JSON = JSON.stringify(RIGHT_CATALOG);

@ApiTags('rights')
@Controller('rights')
export class RightsController {
  /** The catalog of rights an API key can be given. */
  @Get()
  @RequireRights()
  @Header('Content-Type', 'application/json; charset=utf-8')
  @ApiOkResponse({ type: [RightDescriptionDto] })
  list(): string {
    return CATALOG_JSON;
  }
}
