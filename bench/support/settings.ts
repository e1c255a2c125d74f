/**
 * Run-wide switches from the command line: `npm run bench -- [section…] [--quick] [--layout=pinned|unpinned]`.
 * --quick shortens every load phase (a smoke run of the bench itself; its figures are noisier).
 */
import type { Layout } from './processes.js';

const args = process.argv.slice(2);
export const QUICK = args.includes('--quick');
const layoutArg = args.find((a) => a.startsWith('--layout='))?.slice('--layout='.length);
export const ONLY_LAYOUT: Layout | undefined = layoutArg === 'pinned' || layoutArg === 'unpinned' ? layoutArg : undefined;
export const SECTION_FILTER = args.filter((a) => !a.startsWith('--'));

/** Seconds of a load phase: full length, or a third of it with --quick (at least 2 s). */
export const seconds = (full: number) => (QUICK ? Math.max(2, Math.round(full / 3)) : full);
