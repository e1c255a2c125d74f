import { Controller, Get, Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { z } from 'zod';
import { defineConfigSection } from './config-section.js';
import { configuredRoot } from './config.module.js';
import { loadConfig } from './load-config.js';
import { configSectionsOf, createWithConfig, when } from './module-sections.js';

class Greeting {
  readonly text!: string;
}
const greetingSection = defineConfigSection('greeting', Greeting, z.object({ GREETING: z.string().default('hello') }), (v) => ({ text: v.GREETING }));
class Extra {
  readonly on!: boolean;
}
const extraSection = defineConfigSection('extra', Extra, z.object({ EXTRA: z.enum(['on', 'off']).default('off') }), (v) => ({ on: v.EXTRA === 'on' }));

@Controller('greeting')
class GreetingController {
  constructor(@Inject(Greeting) private readonly greeting: Greeting) {}
  @Get()
  get() {
    return { text: this.greeting.text };
  }
}
@Module({ imports: [greetingSection.forFeature()], controllers: [GreetingController] })
class GreetingModule {}

@Controller('extra')
class ExtraController {
  @Get()
  get() {
    return { extra: true };
  }
}
@Module({ controllers: [ExtraController] })
class ExtraModule {}

/** A process root: modules only, one of them only when its section says so. */
@Module({ imports: [GreetingModule, when(extraSection, (extra) => extra.on, ExtraModule)] })
class RootModule {}

async function start(env: Record<string, string>): Promise<{ app: NestExpressApplication; url: string }> {
  const config = loadConfig(env, configSectionsOf(RootModule));
  const app = await createWithConfig(config, () => NestFactory.create<NestExpressApplication>(configuredRoot(RootModule, config), { logger: false }));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

describe('sections declared by modules, and modules chosen by a section', () => {
  it('finds the sections a module tree declares, also behind `when`', () => {
    expect(configSectionsOf(RootModule).map((s) => s.name).sort()).toEqual(['extra', 'greeting']);
  });

  it('two apps built at once in one process: each gets its own values and its own choice of modules', async () => {
    const [on, off] = await Promise.all([start({ GREETING: 'hi', EXTRA: 'on' }), start({ GREETING: 'hey' })]);
    try {
      expect(await (await fetch(`${on.url}/greeting`)).json()).toEqual({ text: 'hi' });
      expect(await (await fetch(`${off.url}/greeting`)).json()).toEqual({ text: 'hey' });
      expect((await fetch(`${on.url}/extra`)).status).toBe(200);
      expect((await fetch(`${off.url}/extra`)).status).toBe(404);
    } finally {
      await Promise.all([on.app.close(), off.app.close()]);
    }
  });
});
