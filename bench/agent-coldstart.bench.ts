/**
 * Cold start of a trivial monitor, whole process, as VCS pays for it on every
 * monitor interval: `vcsagent SampleFile monitor RES ArgList...` against
 * `node -e 0` in the same run (goal: ≤ 2×). Also measured: the installed
 * wrapper VCS actually executes (adds /bin/sh), and the same monitor with its
 * types.cf parsed and its schema compiled at run time (--types), which is
 * what the build-time precompilation saves.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProcessCase, printRatios, timeProcesses } from './process-timing.js';
import { writeFigures } from './report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vcsagent = join(root, 'bin', 'vcsagent');
const work = mkdtempSync(join(tmpdir(), 'coldstart-'));
mkdirSync(join(work, 'log', 'log'), { recursive: true });
const env = { PATH: process.env.PATH, VCS_LOG: join(work, 'log'), VCS_CONF: join(work, 'conf') };
const argList = ['sf1', 'PathName', '1', join(work, 'absent'), 'Content', '1', 'x'];

const install = spawnSync(process.execPath, [vcsagent, 'install', '--vcs-home', join(work, 'vcs'), 'SampleFile'], { env, encoding: 'utf8' });
if (install.status !== 0) throw new Error(`install failed: ${install.stderr}`);

const cases: ProcessCase[] = [
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], expect: 0 },
  { name: 'vcsagent monitor', cmd: process.execPath, args: [vcsagent, 'SampleFile', 'monitor', ...argList], expect: 100 },
  { name: 'installed monitor (sh wrapper)', cmd: join(work, 'vcs', 'bin', 'SampleFile', 'monitor'), args: argList, expect: 100 },
  {
    name: 'vcsagent monitor, types.cf parsed at run time',
    cmd: process.execPath,
    args: [vcsagent, '--types', join(root, 'agents', 'sample', 'SampleFileTypes.cf'), 'SampleFile', 'monitor', ...argList],
    expect: 100,
  },
];

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const stats = timeProcesses(cases, env, RUNS);
rmSync(work, { recursive: true, force: true });
const base = stats['node -e 0']!;
const ratio = (name: string) => stats[name]!.median / base.median;
const cpuRatio = (name: string) => stats[name]!.cpuMean / base.cpuMean;

printRatios(`${RUNS} runs each, interleaved; milliseconds (wall median, p95; CPU mean of user + system)`, stats, 'node -e 0');
console.log(`goal: vcsagent monitor ≤ 2× node -e 0 — ${ratio('vcsagent monitor') <= 2 ? 'met' : 'NOT met'} (${ratio('vcsagent monitor').toFixed(2)}× wall, ${cpuRatio('vcsagent monitor').toFixed(2)}× CPU)`);

writeFigures({
  runs: RUNS,
  unit: 'ms',
  cases: stats,
  ratio: ratio('vcsagent monitor'),
  cpuRatio: cpuRatio('vcsagent monitor'),
  ratioInstalled: ratio('installed monitor (sh wrapper)'),
  ratioRuntimeTypes: ratio('vcsagent monitor, types.cf parsed at run time'),
  goal: 2,
});
