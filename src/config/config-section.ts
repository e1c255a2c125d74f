import { type DynamicModule, Module } from '@nestjs/common';
import { type ConfigObject, ConfigService, getConfigToken, registerAs } from '@nestjs/config';
import { z } from 'zod';
import type { ConfigReader, ConfigSection, ConfigSectionOptions, Env } from './config-contract.js';
import { parseSection } from './load-config.js';

export type { ConfigCheck, ConfigNeed, ConfigReader, ConfigResult, ConfigSection, ConfigSectionOptions, Env } from './config-contract.js';

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
