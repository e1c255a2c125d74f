import { type DynamicModule, Module } from '@nestjs/common';
import { type ConfigFactory, type ConfigFactoryKeyHost, type ConfigObject, ConfigService, getConfigToken, registerAs } from '@nestjs/config';
import { z } from 'zod';
import { parseSection } from './load-config.js';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What a section may read of the others while it is built or checked: their validated values (a
 * section read this way is parsed on demand, so it needs no list order). A section never parses
 * another's variables: it reads what that section made of them.
 */
export interface ConfigReader {
  get<T extends object>(section: ConfigSection<T>): T;
}

/** "This capability needs that section configured": e.g. THROTTLE_STORE=redis needs the Redis connection. */
export interface ConfigNeed {
  readonly section: ConfigSection<object>;
  /** Who needs it, for messages (`THROTTLE_STORE=redis`). */
  readonly by: string;
  /** The needer cannot work without it (rather than degrading while it is down). */
  readonly essential: boolean;
}

/** Problems a rule found, each `VARIABLE: what is wrong`; `vars` are the section's own parsed variables. */
export type ConfigCheck<T, V = Record<string, unknown>> = (value: T, config: ConfigReader, vars: V) => string[];

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; problems: string[] };

export interface ConfigSectionOptions<T extends object, V = Record<string, unknown>> {
  /**
   * The sections whose values this one reads (in `build`, `checks` or `needs`): they are validated
   * first, so their problems are reported even when this section's own variables are bad.
   */
  readonly reads?: ReadonlyArray<ConfigSection<object>>;
  /** Variables `build` reads from `env` beside the schema's own keys (aliases). */
  readonly variables?: readonly string[];
  /** Families of variables read by prefix (e.g. `SECRET_` for local secrets). */
  readonly variablePrefixes?: readonly string[];
  /**
   * Rules over the built value and other sections' values, run once every section is built (a
   * rule that spans sections is declared by the section that needs it).
   */
  readonly checks?: ReadonlyArray<ConfigCheck<T, V>>;
  /** Sections this one needs configured, given its value (the needed section is told, see `complete`). */
  readonly needs?: (value: T, config: ConfigReader) => readonly ConfigNeed[];
  /**
   * For a section others may need: its value completed with what they need of it (e.g. Redis learns
   * it is in use and by whom), or the problems when it cannot serve them. Runs in every process
   * that loads the section, with an empty list when nothing needs it.
   */
  readonly complete?: (value: T, needs: readonly ConfigNeed[]) => ConfigResult<T>;
}

/**
 * One capability's slice of the configuration: the variables it reads (a zod schema, so they are
 * validated at boot) and the typed object it is injected as. It is a @nestjs/config namespace:
 * `name` is the `registerAs` token, so the value is `ConfigService.get(name)` and
 * `@Inject(section.KEY)`; the class is also registered as an alias of that provider, so a
 * consumer writes `constructor(private readonly config: QueueConfig)` (class = DI token and type,
 * like an abstract class contract).
 *
 * A capability's module imports `section.forFeature()`: that declares the section (the process
 * validates every declared section before Nest starts, see `configSectionsOf`) and provides its class.
 */
export interface ConfigSection<T extends object> {
  readonly token: abstract new (...args: never[]) => T;
  /** The @nestjs/config namespace (`registerAs(name, …)`). */
  readonly name: string;
  /** The namespace's provider token, `registerAs(name, …).KEY` (`CONFIGURATION(<name>)`). */
  readonly KEY: string;
  /** The environment variables the schema names (deploy files and docs are checked against them). */
  readonly variables: readonly string[];
  /** Families of variables read by prefix (e.g. `SECRET_` for local secrets). */
  readonly variablePrefixes: readonly string[];
  /** Whether other sections may need this one (it has `complete`). */
  readonly completes: boolean;
  /** The sections this one reads (`options.reads`). */
  readonly reads: ReadonlyArray<ConfigSection<object>>;
  /**
   * This section alone (with what it reads of others): its own variables validated, its value
   * built and its own checks run. `loadConfig` validates a whole process's sections at once.
   */
  parse(env: Env): ConfigResult<T>;
  /** Step one of `parse`: the schema and `build`, reading other sections through `config`; `vars` go to `check`. */
  build(env: Env, config: ConfigReader): { ok: true; value: T; vars: unknown } | { ok: false; problems: string[] };
  /** Step two: what this section needs of others (`options.needs`). */
  needs(value: T, config: ConfigReader): readonly ConfigNeed[];
  /** Step three, for a section others may need (`options.complete`). */
  complete(value: T, needs: readonly ConfigNeed[]): ConfigResult<T>;
  /** Step four: the section's own rules (`options.checks`). */
  check(value: T, config: ConfigReader, vars: unknown): string[];
  /**
   * The namespace as a @nestjs/config config factory for `ConfigModule.forRoot({ load })`, over a
   * value `loadConfig` already validated (validation runs once, for every section, before Nest starts).
   */
  registerAs(value: T): ConfigFactory & ConfigFactoryKeyHost<ConfigObject>;
  /** For a capability module's `imports`: declares this section and provides its class there. */
  forFeature(): DynamicModule;
}

/** The marker `configSectionsOf` finds on a module that declared a section. */
export const DECLARED_SECTION = Symbol('config section');

/** The module `forFeature` returns: it only carries the section's class provider. */
@Module({})
export class ConfigSectionModule {}

export function defineConfigSection<S extends z.ZodType, T extends object>(
  name: string,
  token: abstract new (...args: never[]) => T,
  schema: S,
  build: (vars: z.output<S>, env: Env, config: ConfigReader) => T,
  options: ConfigSectionOptions<T, z.output<S>> = {},
): ConfigSection<T> {
  const section: ConfigSection<T> = {
    token,
    name,
    KEY: getConfigToken(name),
    variables: [...new Set([...schemaVariables(schema), ...(options.variables ?? [])])],
    variablePrefixes: options.variablePrefixes ?? [],
    completes: options.complete !== undefined,
    reads: options.reads ?? [],
    parse(env) {
      return parseSection(section, env);
    },
    build(env, config) {
      const result = schema.safeParse(env);
      if (!result.success) return { ok: false, problems: result.error.issues.map(describeIssue) };
      return { ok: true, value: build(result.data, env, declared(section, config)), vars: result.data };
    },
    needs(value, config) {
      return options.needs?.(value, declared(section, config)) ?? [];
    },
    complete(value, needs) {
      return options.complete ? options.complete(value, needs) : { ok: true, value };
    },
    check(value, config, vars) {
      return (options.checks ?? []).flatMap((check) => check(value, declared(section, config), vars as z.output<S>));
    },
    registerAs(value) {
      return registerAs(name, (): ConfigObject => value);
    },
    forFeature() {
      return {
        module: ConfigSectionModule,
        providers: [{ provide: token, inject: [ConfigService], useFactory: (config: ConfigService) => config.get(name) }],
        exports: [token],
        [DECLARED_SECTION]: section,
      } as DynamicModule;
    },
  };
  return section;
}

/** `config` limited to the sections `section` declared it reads. */
function declared(section: ConfigSection<object>, config: ConfigReader): ConfigReader {
  return {
    get<R extends object>(other: ConfigSection<R>): R {
      if (!section.reads.includes(other as ConfigSection<object>)) {
        throw new Error(`Config section "${section.name}" reads "${other.name}" without declaring it (options.reads)`);
      }
      return config.get(other);
    },
  };
}

/** Keys of the object schema, looking through wrappers (pipe, transform, refine, optional). */
function schemaVariables(schema: z.ZodType): string[] {
  const seen = new Set<unknown>();
  let current: unknown = schema;
  while (current && !seen.has(current)) {
    seen.add(current);
    const shape = (current as { shape?: unknown }).shape;
    if (shape && typeof shape === 'object') return Object.keys(shape);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    current = def?.in ?? def?.innerType ?? def?.schema;
  }
  return [];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const variable = issue.path.length ? issue.path.join('.') : '(configuration)';
  return `${variable}: ${issue.message}`;
}

// Reusable field types. Environment values are strings; these coerce and explain.
export const envBoolean = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'must be true or false' })
    .optional()
    .transform((v) => (v === undefined ? fallback : ['true', '1', 'yes'].includes(v)));

export const envInt = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max} (got "${v}")` });
        return z.NEVER;
      }
      return n;
    });

const httpUrl = () =>
  z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), { message: 'must be an absolute http(s) URL' });

const emptyAsUnset = (v: unknown) => (v === '' ? undefined : v);

/** A required absolute http(s) URL. */
export const envUrl = () => z.preprocess(emptyAsUnset, httpUrl());

/** An optional absolute http(s) URL; an empty value counts as unset. */
export const optionalUrl = () => z.preprocess(emptyAsUnset, httpUrl().optional());

export const optionalString = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));
