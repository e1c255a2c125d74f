import { AsyncLocalStorage } from 'node:async_hooks';
import { type DynamicModule, type ForwardReference, Module, type Type, forwardRef } from '@nestjs/common';
import { MODULE_METADATA } from '@nestjs/common/constants.js';
import { type ConfigSection, DECLARED_SECTION } from './config-section.js';
import type { LoadedConfig } from './load-config.js';

type ModuleRef = Type<unknown> | DynamicModule | Promise<DynamicModule> | ForwardReference;

/** What `when` leaves on its module: the condition, so the section walk also sees the module it may import. */
const CONDITION = Symbol('condition');

interface Condition {
  readonly section: ConfigSection<object>;
  readonly enabled: (value: object) => boolean;
  readonly module: Type<unknown>;
}

/**
 * The config sections a process's module tree declares (each capability module imports its
 * sections' `forFeature()`), found by walking every module's `imports`: what `loadConfig`
 * validates before Nest starts, with the sections these read. A module behind `when` counts
 * whether or not it is imported.
 */
export function configSectionsOf(root: ModuleRef): ConfigSection<object>[] {
  const found = new Set<ConfigSection<object>>();
  const seen = new Set<unknown>();
  const visit = (module: ModuleRef | undefined): void => {
    if (!module || module instanceof Promise || 'forwardRef' in module || seen.has(module)) return;
    seen.add(module);
    const dynamic = 'module' in module ? (module as DynamicModule & { [DECLARED_SECTION]?: ConfigSection<object>; [CONDITION]?: Condition }) : undefined;
    if (dynamic?.[DECLARED_SECTION]) found.add(dynamic[DECLARED_SECTION]);
    visit(dynamic?.[CONDITION]?.module);
    const type = dynamic ? dynamic.module : (module as Type<unknown>);
    const imports = [...((Reflect.getMetadata(MODULE_METADATA.IMPORTS, type) as ModuleRef[] | undefined) ?? []), ...(dynamic?.imports ?? [])];
    for (const imported of imports) visit(imported as ModuleRef);
  };
  visit(root);
  // And what they read of other sections: validated with them.
  for (const section of found) for (const read of section.reads) found.add(read);
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
 * (and validated) either way; the choice is made while Nest scans the modules (`createWithConfig`).
 */
export function when<T extends object>(section: ConfigSection<T>, enabled: (value: T) => boolean, module: Type<unknown>): DynamicModule {
  const conditional: DynamicModule & { [CONDITION]: Condition } = {
    module: ConditionalModule,
    imports: [
      section.forFeature(),
      forwardRef(() => {
        const config = creating.getStore();
        if (!config) throw new Error(`when(${section.name}): modules are resolved outside createWithConfig`);
        return chosenImports(conditional, config)[0] ?? NotConfiguredModule;
      }),
    ],
    [CONDITION]: { section: section as ConfigSection<object>, enabled: enabled as (value: object) => boolean, module },
  };
  return conditional;
}

/** What a `when` module imports under `config`: `[module]` or nothing (also when `config` lacks the section). */
export function chosenImports(conditional: DynamicModule, config: LoadedConfig): Array<Type<unknown>> {
  const condition = (conditional as DynamicModule & { [CONDITION]?: Condition })[CONDITION];
  if (!condition || !config.sections.includes(condition.section)) return [];
  return condition.enabled(config.get(condition.section)) ? [condition.module] : [];
}
