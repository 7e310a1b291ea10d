import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { RightDescriptionDto } from './right-description.dto.js';
import { RIGHT_CATALOG } from './right.js';
import { RequireRights } from './route-rights.decorator.js';

@ApiTags('rights')
@Controller('rights')
export class RightsController {
  /** The catalog of rights an API key can be given. */
  @Get()
  @RequireRights()
  list(): RightDescriptionDto[] {
    return RIGHT_CATALOG as RightDescriptionDto[];
  }
}
