import { Controller, Get, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { HealthCheck } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiTags } from '@nestjs/swagger';
import { HealthService } from './health.service.js';

/** GET /health/live and /health/ready: 200, or 503 with terminus' report. */
@ApiTags('health')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.live();
  }

  /** Per-component status; details only for the metrics token. */
  @Get('ready')
  @HealthCheck()
  ready(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return this.health.ready(req.headers.authorization, res);
  }
}
