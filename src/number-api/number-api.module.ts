import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { Module } from '@nestjs/common';
import { HttpModule } from '@nestjs/axios';
import { NumberApi } from './number-api.js';
import { NumberApiConfig, numberApiConfigSection } from './number-api.config.js';
import { NumberApiHealthIndicator } from './number-api.health.js';
import { HttpNumberApi } from './http-number-api.js';

/**
 * The number API client over keep-alive connections, retired after THIRD_PARTY_API_KEEP_ALIVE_MS
 * idle (the agents' `timeout` applies to pooled idle sockets; requests in flight set their own).
 */
@Module({
  imports: [
    numberApiConfigSection.forFeature(),
    HttpModule.registerAsync({
      inject: [NumberApiConfig],
      useFactory: (config: NumberApiConfig) => ({
        httpAgent: new HttpAgent({ keepAlive: true, maxSockets: config.maxSockets, timeout: config.keepAliveMs }),
        httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: config.maxSockets, timeout: config.keepAliveMs }),
      }),
    }),
  ],
  providers: [{ provide: NumberApi, useClass: HttpNumberApi }, NumberApiHealthIndicator],
  exports: [NumberApi],
})
export class NumberApiModule {}
