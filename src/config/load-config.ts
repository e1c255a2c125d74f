import type { ConfigSection, Env } from './config-section.js';
import { ConfigValidationError } from './config.errors.js';

export interface LoadedConfig {
  readonly sections: ReadonlyArray<ConfigSection<object>>;
  readonly values: ReadonlyMap<ConfigSection<object>, object>;
  get<T extends object>(section: ConfigSection<T>): T;
}

/** Validates every section against `env` and reports all problems at once. */
export function loadConfig(env: Env, sections: ReadonlyArray<ConfigSection<object>>): LoadedConfig {
  const values = new Map<ConfigSection<object>, object>();
  const problems: string[] = [];
  for (const section of sections) {
    const result = section.parse(env);
    if (result.ok) values.set(section, result.value);
    else problems.push(...result.problems);
  }
  if (problems.length) throw new ConfigValidationError([...new Set(problems)]);
  return {
    sections,
    values,
    get<T extends object>(section: ConfigSection<T>): T {
      const value = values.get(section as ConfigSection<object>);
      if (!value) throw new Error(`Config section "${section.name}" was not loaded`);
      return value as T;
    },
  };
}
