// Jest's ESM loader refuses a CommonJS package (e.g. @nestjs/throttler, @nestjs/terminus) that
// require()s an ES module still being linked in the same graph. Evaluating the ESM-only Nest core
// first, before any test file's graph, makes those require() calls see finished modules, as plain
// Node does at run time.
await import('@nestjs/common');
await import('@nestjs/core');
export {};
