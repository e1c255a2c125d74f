// Bundles each production entry point of dist/ (tsc's output) with its dependencies into one file,
// dist/apps/<name>/main.bundle.js. Production (the image, `npm run start:prod`, the deploy files)
// starts the bundles: Node then loads one file instead of ~2,400 ES modules, which takes the API's
// start to its first getcode from ~1.5 s to ~0.8 s here (README, Benchmarks). The unbundled
// dist/apps/<name>/main.js stay: tests and the local stack run them, and they are the same code.
//
// It then fills dist/.compile-cache, Node's module compile cache (V8 code cache) for the bundles,
// so a start does not compile the ~5 MB again: ~0.15 s less here. The cache is portable
// (NODE_COMPILE_CACHE_PORTABLE=1: keyed by paths relative to it), so it moves with dist/ into the
// image; processes use it when NODE_COMPILE_CACHE points at it (`start:prod`, the Dockerfile). It is
// only a cache: Node recompiles whatever does not match (another Node version, other V8 flags,
// changed files), and a read-only file system only stops it from adding entries.
//
//   node scripts/bundle.mjs            (run by `npm run build:prod`, after tsc; `npm start` skips it)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';

/** The processes a deployment runs (src/apps/*, plus the number API stand-in provision.sh deploys). */
const BUNDLED_ENTRIES = ['apps/api', 'apps/watcher', 'apps/tiniapp-backend', 'apps/queue-admin', 'apps/doctor', 'dev/number-api'];

/**
 * Left out of the bundle, resolved from node_modules at run time:
 * - optional peers Nest and Swagger load only if installed (none is);
 * - pino and its worker transport (thread-stream): they locate their worker files by __dirname.
 */
const EXTERNAL = [
  'class-transformer',
  'class-validator',
  '@fastify/*',
  '@nestjs/microservices',
  '@nestjs/microservices/*',
  '@nestjs/websockets',
  '@nestjs/websockets/*',
  '@nestjs/platform-fastify',
  'pino',
  'pino-pretty',
  'thread-stream',
];

// CommonJS dependencies inside an ES module bundle still call require() and read __dirname
// (ioredis uses it to trim error stacks): give them the bundle's own. `define` rewrites only free
// uses, so a module declaring its own __dirname keeps it.
const BANNER = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  "import { fileURLToPath as __bundleFileURLToPath } from 'node:url';",
  "import { dirname as __bundleDirnameOf } from 'node:path';",
  'const require = __bundleCreateRequire(import.meta.url);',
  'const __bundle_filename = __bundleFileURLToPath(import.meta.url);',
  'const __bundle_dirname = __bundleDirnameOf(__bundle_filename);',
].join(' ');
const DEFINE = { __dirname: '__bundle_dirname', __filename: '__bundle_filename' };

for (const entry of BUNDLED_ENTRIES) {
  const input = `dist/${entry}/main.js`;
  if (!existsSync(input)) throw new Error(`${input} is missing: run tsc first (npm run build:prod does both)`);
  await build({
    entryPoints: [input],
    outfile: `dist/${entry}/main.bundle.js`,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // Nest names providers, modules and log contexts by class name: keep them as written.
    keepNames: true,
    external: EXTERNAL,
    banner: { js: BANNER },
    define: DEFINE,
    // Whitespace and syntax only: less to parse at start; identifiers stay readable in stacks.
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  asciiOnly(`dist/${entry}/main.bundle.js`);
}

/**
 * Node keeps a module's source in memory for as long as its functions live: one byte per
 * character when the file is pure ASCII, two bytes per character otherwise. esbuild escapes
 * non-ASCII characters in strings but leaves them in regular expressions and tagged templates (a
 * dependency's /['‘’‚‛]/, a page's "·" and "…"), and those few characters doubled the API
 * bundle's 5.6 MB source in memory. Every UTF-16 unit above U+007F becomes a \uXXXX escape, which
 * means the same in a string, a template's cooked text and a regular expression; no bundled code
 * reads a template's raw text that holds one.
 */
function asciiOnly(file) {
  const source = readFileSync(file, 'utf8');
  if (!/[^\u0000-\u007f]/.test(source)) return;
  // `\‘` (an escaped character) would turn into `\\u2018`: stop rather than change its meaning.
  if (/\\[^\u0000-\u007f]/.test(source)) throw new Error(`${file}: a backslash before a non-ASCII character; escape it by hand`);
  writeFileSync(file, source.replace(/[^\u0000-\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}

const COMPILE_CACHE_DIR = resolve('dist/.compile-cache');

// Each bundle is run once with NODE_ENV=warm-up, which every entry point refuses at its config
// check (after every module is compiled), with the Node flags start:prod uses: V8 keys the cache
// by its flags.
const startProd = JSON.parse(readFileSync('package.json', 'utf8')).scripts['start:prod'];
const nodeFlags = startProd.split(/\s+/).filter((t) => t.startsWith('--') && !t.startsWith('--env-file'));
rmSync(COMPILE_CACHE_DIR, { recursive: true, force: true });
for (const entry of BUNDLED_ENTRIES) {
  const run = spawnSync(process.execPath, [...nodeFlags, resolve(`dist/${entry}/main.bundle.js`)], {
    cwd: tmpdir(),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'warm-up', NODE_COMPILE_CACHE: COMPILE_CACHE_DIR, NODE_COMPILE_CACHE_PORTABLE: '1' },
    timeout: 30_000,
    encoding: 'utf8',
  });
  if (run.status === null) throw new Error(`dist/${entry}/main.bundle.js did not stop at its config check while filling the compile cache: ${run.error ?? run.signal}`);
}
