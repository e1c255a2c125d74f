import { ApiProperty } from '@nestjs/swagger';

/** Every error answer: a stable code and a message safe to show. */
export class ErrorBodyDto {
  @ApiProperty({ example: 'NUMBER_API_BAD_STATUS' })
  error!: string;

  @ApiProperty({ example: 'Could not get you a code.' })
  message!: string;
}
