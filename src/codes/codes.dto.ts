import { ApiProperty } from '@nestjs/swagger';

export class IssuedCodeDto {
  @ApiProperty({ example: 'ojE-161-pTv' })
  code!: string;

  @ApiProperty({ example: '2026-11-24T16:54:48.816Z', description: 'ISO-8601 UTC' })
  timestamp!: string;
}
