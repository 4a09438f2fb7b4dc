/**
 * Cold start of a trivial monitor of an agent written outside the package,
 * given with --module — whole process, as VCS pays for it every monitor
 * interval — against `node -e 0` in the same run (goal: the installed
 * monitor ≤ 2×), in wall time and in CPU time. The agent imports
 * 'vcs-powervm' from its own node_modules, as a user's does; `vcsagent
 * install --module` precompiled its type next to it. Also measured: the same
 * module without the precompiled type (types.cf parsed, ajv compiled at each
 * run), and a registered agent's installed monitor for comparison.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ProcessCase, printRatios, timeProcesses } from './process-timing.js';
import { writeFigures } from './report.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vcsagent = join(root, 'bin', 'vcsagent');
const work = mkdtempSync(join(tmpdir(), 'coldstart-module-'));
mkdirSync(join(work, 'log', 'log'), { recursive: true });
const env = { PATH: process.env.PATH, VCS_LOG: join(work, 'log'), VCS_CONF: join(work, 'conf') };

/** An agent project: package.json, the package in node_modules, a types.cf, the compiled module. */
function project(dir: string): string {
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  mkdirSync(join(dir, 'dist'));
  symlinkSync(root, join(dir, 'node_modules', 'vcs-powervm'));
  writeFileSync(join(dir, 'package.json'), '{ "name": "bench-agent", "type": "module" }\n');
  writeFileSync(join(dir, 'BenchFileTypes.cf'), 'type BenchFile (\n\tstatic int MonitorTimeout = 10\n\tstatic str ArgList[] = { PathName }\n\tstr PathName\n)\n');
  writeFileSync(
    join(dir, 'dist', 'agent.js'),
    `import { existsSync } from 'node:fs';
import { defineAgent } from 'vcs-powervm';
export default defineAgent({
  type: 'BenchFile',
  typesFile: 'BenchFileTypes.cf',
  attributeSchemas: { PathName: { pattern: '^/' } },
  entryPoints: { monitor: ({ attributes }) => (existsSync(attributes.PathName) ? 'online' : 'offline') },
});
`,
  );
  return join(dir, 'dist', 'agent.js');
}

const precompiled = project(join(work, 'agent'));
const raw = project(join(work, 'raw'));
const install = (args: string[]) => {
  const r = spawnSync(process.execPath, [vcsagent, 'install', '--vcs-home', join(work, 'vcs'), ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`install failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
};
if (!/precompiled into/.test(install(['--module', precompiled, 'BenchFile']))) throw new Error('install did not precompile the module');
install(['SampleFile']);

// The raw copy was never installed: no .vcsagent/ next to it.
const absent = join(work, 'absent');
const cases: ProcessCase[] = [
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], expect: 0 },
  { name: 'installed --module monitor (sh wrapper)', cmd: join(work, 'vcs', 'bin', 'BenchFile', 'monitor'), args: ['b1', 'PathName', '1', absent], expect: 100 },
  { name: 'vcsagent --module monitor', cmd: process.execPath, args: [vcsagent, '--module', precompiled, 'BenchFile', 'monitor', 'b1', 'PathName', '1', absent], expect: 100 },
  { name: 'vcsagent --module monitor, not precompiled', cmd: process.execPath, args: [vcsagent, '--module', raw, 'BenchFile', 'monitor', 'b1', 'PathName', '1', absent], expect: 100 },
  { name: 'installed registered monitor (SampleFile)', cmd: join(work, 'vcs', 'bin', 'SampleFile', 'monitor'), args: ['sf1', 'PathName', '1', absent, 'Content', '1', 'x'], expect: 100 },
];

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const stats = timeProcesses(cases, env, RUNS);
rmSync(work, { recursive: true, force: true });
const base = stats['node -e 0']!;
const ratio = (name: string) => stats[name]!.median / base.median;
const cpuRatio = (name: string) => stats[name]!.cpuMean / base.cpuMean;
printRatios(`${RUNS} runs each, interleaved; milliseconds (wall median, p95; CPU mean of user + system)`, stats, 'node -e 0');
const goal = 'installed --module monitor (sh wrapper)';
console.log(`goal: the installed --module monitor ≤ 2× node -e 0 — ${ratio(goal) <= 2 ? 'met' : 'NOT met'} (${ratio(goal).toFixed(2)}× wall, ${cpuRatio(goal).toFixed(2)}× CPU)`);

writeFigures({
  runs: RUNS,
  unit: 'ms',
  cases: stats,
  ratio: ratio(goal),
  cpuRatio: cpuRatio(goal),
  ratioDirect: ratio('vcsagent --module monitor'),
  ratioNotPrecompiled: ratio('vcsagent --module monitor, not precompiled'),
  ratioRegistered: ratio('installed registered monitor (SampleFile)'),
  cpuRatioRegistered: cpuRatio('installed registered monitor (SampleFile)'),
  goal: 2,
});
