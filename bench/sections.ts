import type { BenchSection } from './bench-section.js';
import { getcodeBench } from './getcode.bench.js';
import { lifecycleBench } from './lifecycle.bench.js';
import { authBench } from './auth.bench.js';
import { forwardAuthBench } from './forward-auth.bench.js';
import { stepUpBench } from './step-up.bench.js';
import { cloneBench } from './clone.bench.js';

/** Sections run in this order. A capability adds its section with one import and one entry. */
export async function benchSections(): Promise<BenchSection[]> {
  return [getcodeBench, lifecycleBench, authBench, forwardAuthBench, stepUpBench, cloneBench];
}
