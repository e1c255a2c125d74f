import { cpus, totalmem } from 'node:os';
import { benchSections } from './sections.js';

/** `npm run bench`: every section in turn, then a summary of targets. Loopback traffic only. */
async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const sections = (await benchSections()).filter((s) => only.length === 0 || only.includes(s.name));
  console.log(`# Benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB\n`);
  const missed: string[] = [];
  for (const section of sections) {
    console.log(`## ${section.name}\n`);
    const result = await section.run();
    for (const line of result.lines) console.log(line);
    console.log('');
    for (const target of result.targets) {
      console.log(`- ${target.ok ? 'PASS' : 'MISS'} ${target.name}: ${target.detail}`);
      if (!target.ok) missed.push(`${section.name}: ${target.name}`);
    }
    console.log('');
  }
  console.log(missed.length ? `Targets missed: ${missed.join('; ')}` : 'All targets met.');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
