import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Test } from '@nestjs/testing';
import { AppConfigModule } from './config.module.js';
import { HttpConfig, httpConfigSection } from './http.config.js';
import { loadConfig } from './load-config.js';
import { QueueConfig, queueConfigSection } from '../queue/queue.config.js';

const QUEUE_ENV = { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' };

/** A consumer written the way the project writes them: the section class is the token. */
@Injectable()
class QueueUser {
  constructor(readonly config: QueueConfig) {}
}

/** A consumer written the way the @nestjs/config docs write them: the namespace's KEY. */
@Injectable()
class DocsStyleUser {
  constructor(@Inject(httpConfigSection.KEY) readonly http: HttpConfig) {}
}

async function moduleFor(env: Record<string, string>) {
  const config = loadConfig(env, [httpConfigSection, queueConfigSection]);
  return Test.createTestingModule({
    imports: [AppConfigModule.forRoot(config)],
    providers: [QueueUser, DocsStyleUser],
  }).compile();
}

describe('AppConfigModule (@nestjs/config namespaces, one per section)', () => {
  it('gives the same validated object by section class, by registerAs KEY and through ConfigService', async () => {
    const moduleRef = await moduleFor({ ...QUEUE_ENV, PORT: '4100', STORAGE_QUEUE_NAME: 'codes-a' });
    const configService = moduleRef.get(ConfigService);
    const queue = moduleRef.get(QueueUser).config;
    expect(queue.queueName).toBe('codes-a');
    expect(configService.get<QueueConfig>('queue')).toBe(queue);
    expect(moduleRef.get(queueConfigSection.KEY)).toBe(queue);
    expect(configService.get<number>('http.port')).toBe(4100);
    expect(moduleRef.get(DocsStyleUser).http).toBe(moduleRef.get(HttpConfig));
    await moduleRef.close();
  });

  it('keeps two apps built in one process apart, and never reads process.env', async () => {
    process.env.QUEUE_NAME_PROBE_FOR_CONFIG_SPEC = 'from-process-env';
    try {
      const [a, b] = await Promise.all([moduleFor({ ...QUEUE_ENV, STORAGE_QUEUE_NAME: 'codes-a' }), moduleFor({ ...QUEUE_ENV, STORAGE_QUEUE_NAME: 'codes-b' })]);
      expect(a.get(QueueConfig).queueName).toBe('codes-a');
      expect(b.get(QueueConfig).queueName).toBe('codes-b');
      expect(a.get(ConfigService).get('QUEUE_NAME_PROBE_FOR_CONFIG_SPEC')).toBeUndefined();
      await Promise.all([a.close(), b.close()]);
    } finally {
      delete process.env.QUEUE_NAME_PROBE_FOR_CONFIG_SPEC;
    }
  });
});
