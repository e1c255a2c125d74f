import { cpus, totalmem } from 'node:os';
import { benchSections } from './sections.js';
import { ONLY_LAYOUT, QUICK, SECTION_FILTER } from './support/settings.js';

/**
 * `npm run bench [-- section… --quick --layout=pinned|unpinned]`: every section in turn, then a
 * summary of targets. Loopback traffic only, bounded in time.
 */
async function main(): Promise<void> {
  const sections = (await benchSections()).filter((s) => SECTION_FILTER.length === 0 || SECTION_FILTER.includes(s.name));
  const started = performance.now();
  console.log(`# Benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB${QUICK ? ' — QUICK (short phases)' : ''}${ONLY_LAYOUT ? ` — layout ${ONLY_LAYOUT} only` : ''}\n`);
  const missed: string[] = [];
  const summary: string[] = [];
  for (const section of sections) {
    console.log(`## ${section.name}\n`);
    const result = await section.run();
    for (const line of result.lines) console.log(line);
    console.log('');
    for (const target of result.targets) {
      const verdict = target.ok ? 'MET' : target.skipped ? 'SKIPPED' : 'MISSED';
      const line = `- ${verdict} ${target.name}: ${target.detail}`;
      console.log(line);
      summary.push(`| ${section.name} | ${target.name} | ${target.detail} | ${target.ok ? 'met' : target.skipped ? '**skipped**' : '**missed**'} |`);
      if (!target.ok) missed.push(`${section.name}: ${target.name}`);
    }
    console.log('');
  }
  console.log('## Targets\n');
  console.log('| section | target | measured | |');
  console.log('| --- | --- | --- | --- |');
  for (const line of summary) console.log(line);
  console.log('');
  console.log(`Bench took ${Math.round((performance.now() - started) / 1000)} s.`);
  console.log(missed.length ? `Targets missed: ${missed.length}` : 'All targets met.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
