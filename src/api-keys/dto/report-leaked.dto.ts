import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsString, MaxLength } from 'class-validator';

export class ReportLeakedKeysDto {
  /**
   * Keys found where they should not be (a public repository, a paste, a log). At most 100.
   * @example ["NNSXS.ZXPW62GWUYNYJIERJDHBIECRJEKYYDMACPPBEUI.LQD7A5VGEXNZ7F7PNTVUPMPDEB5XBJMTIH6ESUEE622VU2FQVESA"]
   */
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(1000, { each: true })
  keys: string[];
}

/** Never which of the keys were real. */
export class LeakReportAcceptedDto {
  /** How many keys the report held. */
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 100 })
  received: number;
}
