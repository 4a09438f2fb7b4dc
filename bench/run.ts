/**
 * Runs every benchmark (`bench/*.bench.ts`, compiled to dist/bench/*.bench.js),
 * each in its own process so one cannot warm up another. A benchmark prints
 * its human-readable report on stdout and writes its figures as JSON to the
 * path in BENCH_RESULT; this runner gathers them in bench/results/.
 *
 *   npm run bench               all benchmarks
 *   npm run bench -- cf-parse   only those whose name contains "cf-parse"
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../framework/cli-args.js';
import { writeFileAtomic } from '../framework/fs.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const resultsDir = join(root, 'bench', 'results');
let filters: string[];
try {
  filters = parseCommandLine(process.argv.slice(2), {}).positionals;
} catch (e) {
  console.error(`bench: ${(e as Error).message} (usage: npm run bench [-- NAME...])`);
  process.exit(2);
}

const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.js'))
  .map((f) => f.slice(0, -'.bench.js'.length))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

if (benches.length === 0) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(2);
}

mkdirSync(resultsDir, { recursive: true });
let failed = 0;
for (const name of benches) {
  const out = join(resultsDir, `${name}.json`);
  const tmp = `${out}.tmp`;
  console.log(`\n== ${name}`);
  const r = spawnSync(process.execPath, [join(here, `${name}.bench.js`)], {
    stdio: 'inherit',
    env: { ...process.env, BENCH_RESULT: tmp },
  });
  if (r.status !== 0) {
    failed++;
    console.error(`${name}: exited ${r.status ?? r.signal}`);
    continue;
  }
  let figures: object;
  try {
    figures = JSON.parse(readFileSync(tmp, 'utf8'));
  } catch {
    continue; // A benchmark that writes no figures still reported on stdout.
  } finally {
    rmSync(tmp, { force: true });
  }
  writeFileAtomic(out, JSON.stringify({ name, date: new Date().toISOString(), node: process.version, ...figures }, null, 2) + '\n', { backup: false });
}
process.exit(failed ? 1 : 0);
