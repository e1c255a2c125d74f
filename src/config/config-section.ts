import { type ConfigFactory, type ConfigFactoryKeyHost, type ConfigObject, getConfigToken, registerAs } from '@nestjs/config';
import { z } from 'zod';

export type Env = Readonly<Record<string, string | undefined>>;

/**
 * One capability's slice of the configuration: the variables it reads (a zod schema, so they are
 * validated at boot) and the typed object it is injected as. It is a @nestjs/config namespace:
 * `name` is the `registerAs` token, so the value is `ConfigService.get(name)` and
 * `@Inject(section.KEY)`; the class is also registered as an alias of that provider, so a
 * consumer writes `constructor(private readonly config: QueueConfig)` (class = DI token and type,
 * like an abstract class contract).
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
  parse(env: Env): { ok: true; value: T } | { ok: false; problems: string[] };
  /**
   * The namespace as a @nestjs/config config factory for `ConfigModule.forRoot({ load })`, over a
   * value `parse` already validated (validation runs once, for every section, before Nest starts).
   */
  registerAs(value: T): ConfigFactory & ConfigFactoryKeyHost<ConfigObject>;
}

export function defineConfigSection<S extends z.ZodType, T extends object>(
  name: string,
  token: abstract new (...args: never[]) => T,
  schema: S,
  build: (vars: z.output<S>, env: Env) => T,
  /** Variables `build` reads from `env` beside the schema's own keys (aliases, prefixes). */
  extra: { variables?: readonly string[]; variablePrefixes?: readonly string[] } = {},
): ConfigSection<T> {
  return {
    token,
    name,
    KEY: getConfigToken(name),
    variables: [...new Set([...schemaVariables(schema), ...(extra.variables ?? [])])],
    variablePrefixes: extra.variablePrefixes ?? [],
    parse(env) {
      const result = schema.safeParse(env);
      if (!result.success) {
        return { ok: false, problems: result.error.issues.map(describeIssue) };
      }
      return { ok: true, value: Object.freeze(build(result.data, env)) };
    },
    registerAs(value) {
      return registerAs(name, (): ConfigObject => value);
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
