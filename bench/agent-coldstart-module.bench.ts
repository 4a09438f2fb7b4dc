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
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, writeFigures } from './report.js';

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
// The raw copy has no .vcsagent/ (the install above wrote the precompiled files next to the other copy only).
cpSync(join(work, 'agent', 'BenchFileTypes.cf'), join(work, 'raw', 'BenchFileTypes.cf'));

const absent = join(work, 'absent');
interface Case {
  name: string;
  cmd: string;
  args: string[];
  expect: number;
}
const cases: Case[] = [
  { name: 'node -e 0', cmd: process.execPath, args: ['-e', '0'], expect: 0 },
  { name: 'installed --module monitor (sh wrapper)', cmd: join(work, 'vcs', 'bin', 'BenchFile', 'monitor'), args: ['b1', 'PathName', '1', absent], expect: 100 },
  { name: 'vcsagent --module monitor', cmd: process.execPath, args: [vcsagent, '--module', precompiled, 'BenchFile', 'monitor', 'b1', 'PathName', '1', absent], expect: 100 },
  { name: 'vcsagent --module monitor, not precompiled', cmd: process.execPath, args: [vcsagent, '--module', raw, 'BenchFile', 'monitor', 'b1', 'PathName', '1', absent], expect: 100 },
  { name: 'installed registered monitor (SampleFile)', cmd: join(work, 'vcs', 'bin', 'SampleFile', 'monitor'), args: ['sf1', 'PathName', '1', absent, 'Content', '1', 'x'], expect: 100 },
];

/** CPU time of waited-for children so far (user + system), in ms, from /proc/self/stat; undefined without /proc. */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat (cutime, cstime) are the 14th and 15th after the command name.
    return ((Number(f[13]) + Number(f[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

const WARMUP = 3;
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
const cpu = new Map<string, number>(cases.map((c) => [c.name, 0]));
for (let i = 0; i < WARMUP + RUNS; i++) {
  // Interleaved, so that a slower moment of the machine hits every case alike.
  for (const c of cases) {
    const c0 = childrenCpuMs();
    const t = process.hrtime.bigint();
    const r = spawnSync(c.cmd, c.args, { env, stdio: 'ignore' });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    const c1 = childrenCpuMs();
    if (r.status !== c.expect) throw new Error(`${c.name} exited ${r.status}, expected ${c.expect}`);
    if (i >= WARMUP) {
      wall.get(c.name)!.push(ms);
      if (c0 !== undefined && c1 !== undefined) cpu.set(c.name, cpu.get(c.name)! + (c1 - c0));
    }
  }
}
rmSync(work, { recursive: true, force: true });

const stats = Object.fromEntries(
  cases.map((c) => {
    const s = [...wall.get(c.name)!].sort((a, b) => a - b);
    return [c.name, { median: percentile(s, 50), p95: percentile(s, 95), cpuMean: cpu.get(c.name)! / RUNS }];
  }),
);
const base = stats['node -e 0']!;
const ratio = (name: string) => stats[name]!.median / base.median;
const cpuRatio = (name: string) => (base.cpuMean > 0 ? stats[name]!.cpuMean / base.cpuMean : NaN);

console.log(`${RUNS} runs each, interleaved; milliseconds (wall median, p95; CPU mean of user + system)`);
for (const c of cases) {
  const s = stats[c.name]!;
  console.log(`${c.name.padEnd(46)} median ${s.median.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  ${ratio(c.name).toFixed(2)}×   CPU ${s.cpuMean.toFixed(1).padStart(6)}  ${cpuRatio(c.name).toFixed(2)}×`);
}
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
