import type { DynamicModule } from '@nestjs/common';
import type { ConfigFactory, ConfigFactoryKeyHost, ConfigObject } from '@nestjs/config';

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
