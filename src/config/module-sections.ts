import { AsyncLocalStorage } from 'node:async_hooks';
import { type DynamicModule, type ForwardReference, Module, type Type, forwardRef } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { type ConfigSection, DECLARED_SECTION } from './config-section.js';
import type { LoadedConfig } from './load-config.js';

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** What `when` leaves on its module, so the section walk also sees the module it may import. */
const CONDITIONAL_MODULE = Symbol('conditional module');

/**
 * The config sections a process's module tree declares (each capability module imports its
 * sections' `forFeature()`), found by walking every module's `imports`: what `loadConfig`
 * validates before Nest starts. A module behind `when` counts whether or not it is imported.
 */
export function configSectionsOf(root: ModuleRef): ConfigSection<object>[] {
  const found = new Set<ConfigSection<object>>();
  const seen = new Set<unknown>();
  const visit = (module: ModuleRef | undefined): void => {
    if (!module || module instanceof Promise || 'forwardRef' in module || seen.has(module)) return;
    seen.add(module);
    const dynamic = 'module' in module ? (module as DynamicModule & { [DECLARED_SECTION]?: ConfigSection<object>; [CONDITIONAL_MODULE]?: ModuleRef }) : undefined;
    if (dynamic?.[DECLARED_SECTION]) found.add(dynamic[DECLARED_SECTION]);
    visit(dynamic?.[CONDITIONAL_MODULE]);
    const type = dynamic ? dynamic.module : (module as Type<unknown>);
    const imports = [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) as ModuleRef[] | undefined) ?? []), ...(dynamic?.imports ?? [])];
    for (const imported of imports) visit(imported as ModuleRef);
  };
  visit(root);
  return [...found];
}

/** The configuration of the app being created (only while Nest resolves its modules, see `createWithConfig`). */
const creating = new AsyncLocalStorage<LoadedConfig>();

/**
 * Builds a Nest app or context with `config` in scope: conditional modules (`when`) are decided
 * against it while Nest scans the module tree. Several apps may be created at once in one process
 * (tests): each async chain sees its own configuration.
 */
export function createWithConfig<R>(config: LoadedConfig, create: () => Promise<R>): Promise<R> {
  return creating.run(config, create);
}

@Module({})
class NotConfiguredModule {}

@Module({})
class ConditionalModule {}

/**
 * `module` only when its section says so (e.g. the Tini App routes only when configured): the one
 * mechanism a process root uses for a capability it may or may not run. The section is declared
 * (and validated) either way.
 */
export function when<T extends object>(section: ConfigSection<T>, enabled: (value: T) => boolean, module: Type<unknown>): DynamicModule {
  return {
    module: ConditionalModule,
    imports: [
      section.forFeature(),
      forwardRef(() => {
        const config = creating.getStore();
        if (!config) throw new Error(`when(${section.name}): modules are resolved outside createWithConfig`);
        return enabled(config.get(section)) ? module : NotConfiguredModule;
      }),
    ],
    [CONDITIONAL_MODULE]: module,
  } as DynamicModule;
}
