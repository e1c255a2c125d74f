import type { BenchSection } from './bench-section.js';

/** Sections run in this order. A capability adds its section with one import and one entry. */
export async function benchSections(): Promise<BenchSection[]> {
  return [];
}
