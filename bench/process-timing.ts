/**
 * Whole-process timings for the cold-start benchmarks: each case is a
 * command run to completion, all cases interleaved run after run (so that a
 * slower moment of the machine hits every case alike), in wall time and in
 * CPU time (user + system of the child, from /proc/self/stat's
 * children's times, where there is a /proc).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { percentile } from './report.js';

export interface ProcessCase {
  name: string;
  cmd: string;
  args: string[];
  /** The exit code it must return (a wrong one fails the benchmark: it measured something else). */
  expect: number;
}

export interface ProcessStats {
  median: number;
  p95: number;
  /** Mean CPU milliseconds per run (NaN without /proc). */
  cpuMean: number;
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU time of the children waited for so far, in ms; undefined without /proc. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // cutime and cstime: fields 16 and 17 of stat, the 14th and 15th after the command name.
    return ((Number(f[13]) + Number(f[14])) * 1000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

export function timeProcesses(cases: readonly ProcessCase[], env: NodeJS.ProcessEnv, runs: number, warmup = 3): Record<string, ProcessStats> {
  const wall = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const cpu = new Map<string, number>(cases.map((c) => [c.name, 0]));
  let cpuKnown = true;
  for (let i = 0; i < warmup + runs; i++) {
    for (const c of cases) {
      const c0 = childrenCpuMs();
      const t = process.hrtime.bigint();
      const r = spawnSync(c.cmd, c.args, { env, stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      const c1 = childrenCpuMs();
      if (r.status !== c.expect) throw new Error(`${c.name} exited ${r.status}, expected ${c.expect}`);
      if (i < warmup) continue;
      wall.get(c.name)!.push(ms);
      if (c0 === undefined || c1 === undefined) cpuKnown = false;
      else cpu.set(c.name, cpu.get(c.name)! + (c1 - c0));
    }
  }
  return Object.fromEntries(
    cases.map((c) => {
      const s = [...wall.get(c.name)!].sort((a, b) => a - b);
      return [c.name, { median: percentile(s, 50), p95: percentile(s, 95), cpuMean: cpuKnown ? cpu.get(c.name)! / runs : NaN }];
    }),
  );
}

/** One line per case: medians and CPU, each as a ratio to `base`'s. */
export function printRatios(title: string, stats: Record<string, ProcessStats>, base: string): void {
  console.log(title);
  const b = stats[base]!;
  const width = Math.max(...Object.keys(stats).map((n) => n.length)) + 2;
  for (const [name, s] of Object.entries(stats)) {
    const cpu = Number.isNaN(s.cpuMean) ? '' : `   CPU ${s.cpuMean.toFixed(1).padStart(6)}  ${(s.cpuMean / b.cpuMean).toFixed(2)}×`;
    console.log(`${name.padEnd(width)}median ${s.median.toFixed(1).padStart(6)}  p95 ${s.p95.toFixed(1).padStart(6)}  ${(s.median / b.median).toFixed(2)}×${cpu}`);
  }
}
