/**
 * Every compiled entry point the benchmarks start, in ONE place: when entry points move (e.g. to
 * dist/apps/<name>/main.js), this map is the only thing to change.
 */
export const ENTRY = {
  // Production starts the bundles (scripts/bundle.mjs; `npm run start:prod`, the image).
  api: 'dist/apps/api/main.bundle.js',
  numberApi: 'dist/dev/number-api/main.js',
  watcher: 'dist/apps/watcher/main.bundle.js',
  // The same API unbundled: CPU profiles attribute its time by package (profile.ts).
  apiUnbundled: 'dist/apps/api/main.js',
  reference: '.build/bench/reference-server.js',
  bareLoop: '.build/bench/lifecycle-bare-loop.js',
} as const;

/** The seed's Flask app adapted for the bench (run by gunicorn from the bench/ directory). */
export const FLASK_SEED_MODULE = { dir: 'bench', module: 'flask_seed_app:app' } as const;
