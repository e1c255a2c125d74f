import { jest } from '@jest/globals';
import { Injectable, Logger } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { type HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { MetricsToken } from '../observability/metrics-token.js';
import { ObservabilityConfig } from '../observability/observability.config.js';
import { Readiness, type ReadinessIndicator } from './health-indicator.js';
import { HealthService } from './health.service.js';

/** Two capabilities' indicators, as their modules would provide them, and one with nothing to check here. */
@Injectable()
@Readiness()
class StoreIndicator implements ReadinessIndicator {
  up = true;
  check(indicators: HealthIndicatorService) {
    return this.up ? indicators.check('store').up({ kind: 'test' }) : indicators.check('store').down({ reason: 'secret-name missing' });
  }
}
@Injectable()
@Readiness()
class UpstreamIndicator implements ReadinessIndicator {
  check(indicators: HealthIndicatorService) {
    return indicators.check('upstream').attempt(async () => undefined).withTimeout(1000);
  }
}
@Injectable()
@Readiness()
class UnusedIndicator implements ReadinessIndicator {
  check() {
    return undefined;
  }
}

class FixedToken extends MetricsToken {
  read() {
    return Promise.resolve('scrape-token');
  }
}

describe('HealthService (readiness over the indicators the modules provide)', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));

  async function health() {
    const moduleRef = await Test.createTestingModule({
      imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule],
      providers: [
        HealthService,
        StoreIndicator,
        UpstreamIndicator,
        UnusedIndicator,
        { provide: ObservabilityConfig, useValue: { metricsAuth: 'token' } },
        { provide: MetricsToken, useClass: FixedToken },
      ],
    }).compile();
    return { service: moduleRef.get(HealthService), store: moduleRef.get(StoreIndicator) };
  }
  const statusSink = () => {
    const sink = { code: 200, status: (code: number) => (sink.code = code) };
    return sink;
  };

  it('finds every indicator; one with nothing to check reports nothing', async () => {
    const { service } = await health();
    const res = statusSink();
    const report = await service.ready('Bearer scrape-token', res);
    expect(res.code).toBe(200);
    expect(report).toMatchObject({ status: 'ok', details: { store: { status: 'up', kind: 'test' }, upstream: { status: 'up' } } });
    expect(Object.keys(report.details)).toEqual(['store', 'upstream']);
  });

  it('anonymous callers get up/down per component; the metrics token gets the details; down is 503', async () => {
    const { service, store } = await health();
    store.up = false;
    const anonymous = statusSink();
    expect(await service.ready(undefined, anonymous)).toEqual({ status: 'error', info: { upstream: { status: 'up' } }, error: { store: { status: 'down' } }, details: { store: { status: 'down' }, upstream: { status: 'up' } } });
    expect(anonymous.code).toBe(503);
    expect(JSON.stringify(await service.ready('Bearer wrong', statusSink()))).not.toContain('secret-name');
    expect((await service.ready('Bearer scrape-token', statusSink())).details.store).toEqual({ status: 'down', reason: 'secret-name missing' });
  });

  it('liveness needs nothing', async () => {
    const { service, store } = await health();
    store.up = false;
    expect(await service.live()).toMatchObject({ status: 'ok' });
  });
});
