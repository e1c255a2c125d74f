import type { ConfigNeed, ConfigReader, ConfigResult, ConfigSection, Env } from './config-contract.js';
import { ConfigValidationError } from './config.errors.js';

export interface LoadedConfig {
  /** Every section validated, those asked for and those they read, in the order they were built. */
  readonly sections: ReadonlyArray<ConfigSection<object>>;
  readonly values: ReadonlyMap<ConfigSection<object>, object>;
  get<T extends object>(section: ConfigSection<T>): T;
}

/**
 * Validates every section against `env`, and what they read of other sections, and reports every
 * problem at once: schemas first, then what sections need of each other (`needs`/`complete`), then
 * the rules that span sections (`checks`).
 */
export function loadConfig(env: Env, sections: ReadonlyArray<ConfigSection<object>>): LoadedConfig {
  const run = new ConfigRun(env);
  for (const section of sections) run.load(section);
  run.completeNeeded();
  run.check(run.built());
  if (run.problems.length) throw new ConfigValidationError([...new Set(run.problems)]);
  return run.loaded();
}

/** `section.parse(env)`: the section alone, with what it reads of others; only its own rules run. */
export function parseSection<T extends object>(section: ConfigSection<T>, env: Env): ConfigResult<T> {
  const run = new ConfigRun(env);
  run.load(section);
  run.completeNeeded([section as ConfigSection<object>]);
  run.check([section as ConfigSection<object>]);
  if (run.problems.length) return { ok: false, problems: [...new Set(run.problems)] };
  return { ok: true, value: run.loaded().get(section) };
}

/** Thrown through `get` when a section read by another failed: its problems are already listed. */
class SectionFailed extends Error {}

const FAILED = Symbol('failed');

/** One validation of an environment: each section built at most once, on demand. */
class ConfigRun implements ConfigReader {
  readonly problems: string[] = [];
  private readonly values = new Map<ConfigSection<object>, object | typeof FAILED>();
  /** Each built section's own parsed variables, for its checks. */
  private readonly vars = new Map<ConfigSection<object>, unknown>();
  private readonly building: ConfigSection<object>[] = [];

  constructor(private readonly env: Env) {}

  get<T extends object>(section: ConfigSection<T>): T {
    const value = this.load(section);
    if (value === undefined) throw new SectionFailed();
    return value;
  }

  load<T extends object>(section: ConfigSection<T>): T | undefined {
    const key = section as ConfigSection<object>;
    const known = this.values.get(key);
    if (known !== undefined) return known === FAILED ? undefined : (known as T);
    if (this.building.includes(key)) {
      throw new Error(`Config sections read each other in a circle: ${[...this.building, key].map((s) => s.name).join(' -> ')}`);
    }
    this.building.push(key);
    try {
      for (const read of section.reads) this.load(read);
      const result = section.build(this.env, this);
      if (!result.ok) {
        this.problems.push(...result.problems);
        this.values.set(key, FAILED);
        return undefined;
      }
      const value = Object.freeze(result.value);
      this.values.set(key, value);
      this.vars.set(key, result.vars);
      return value;
    } catch (error) {
      if (!(error instanceof SectionFailed)) throw error;
      this.values.set(key, FAILED);
      return undefined;
    } finally {
      this.building.pop();
    }
  }

  /** The sections built so far without problems. */
  built(): ConfigSection<object>[] {
    return [...this.values].filter(([, value]) => value !== FAILED).map(([section]) => section);
  }

  /**
   * Tells every section that can be needed what the others need of it (loading it when nobody
   * had). `scope`: whose problems count (all by default; `parse` counts its own section's only).
   */
  completeNeeded(scope?: ReadonlyArray<ConfigSection<object>>): void {
    const needs = new Map<ConfigSection<object>, ConfigNeed[]>();
    for (const section of this.built()) {
      for (const need of this.guarded(() => section.needs(this.get(section), this), [])) {
        needs.set(need.section, [...(needs.get(need.section) ?? []), need]);
      }
    }
    const completing = new Set([...this.built().filter((s) => s.completes), ...needs.keys()]);
    for (const section of completing) {
      const value = this.load(section);
      if (value === undefined) continue;
      const result = section.complete(value, needs.get(section) ?? []);
      if (result.ok) this.values.set(section, Object.freeze(result.value));
      else if (!scope || scope.includes(section)) {
        this.problems.push(...result.problems);
        this.values.set(section, FAILED);
      }
    }
  }

  check(sections: ReadonlyArray<ConfigSection<object>>): void {
    for (const section of sections) {
      const value = this.values.get(section);
      if (value === undefined || value === FAILED) continue;
      this.problems.push(...this.guarded(() => section.check(value, this, this.vars.get(section)), []));
    }
  }

  loaded(): LoadedConfig {
    const values = new Map(this.built().map((section) => [section, this.values.get(section) as object]));
    return {
      sections: [...values.keys()],
      values,
      get<T extends object>(section: ConfigSection<T>): T {
        const value = values.get(section as ConfigSection<object>);
        if (!value) throw new Error(`Config section "${section.name}" was not loaded`);
        return value as T;
      },
    };
  }

  /** A rule that reads a failed section is skipped: that section's problems are reported already. */
  private guarded<R>(run: () => R, fallback: R): R {
    try {
      return run();
    } catch (error) {
      if (error instanceof SectionFailed) return fallback;
      throw error;
    }
  }
}
