/**
 * Real-time allowances measured on this machine, now — for the tests that
 * cannot run on a fake clock (real processes, real SSH, a simulator's own
 * clock). The suite runs on a 2-CPU machine that other work may keep busy:
 * a bound that holds on a quiet machine fails there, and a speed-up of
 * simulated time that leaves an entry point 2 s of real time times it out.
 * So a test asks for what it needs on a quiet machine and gets it scaled by
 * how slow the machine is at the moment:
 *
 *   allowMs(5_000)                     a real-time wait or bound, scaled
 *   speedFor({ shortestTimeoutS: 60 }) how fast simulated time may run so
 *                                      that every entry point keeps a safe
 *                                      real-time budget
 *   realMs(300, speed)                 the real time 300 s of simulated time
 *                                      take at that speed, with room: the
 *                                      bound for waiting on a simulated event
 *
 * The measure (`calibration()`) is taken once per test file, when first
 * asked: the median start time of a Node process (`node -e 0`, what every
 * entry point, simulator command and hmcsim pays first) against a quiet
 * machine's. It predicts what short processes pay on a busy machine better
 * than the load average does (the scheduler favours a process that wakes
 * up; the load average lags a minute). A file's first measure is often
 * taken while the suite starts — every worker loading its modules and
 * starting its simulators at once — which is slower than what its tests meet
 * later: a test that sizes what it does by the machine (a timeout of its own,
 * a simulated duration) calls `recalibrate()` first, while nothing of its own
 * runs in the test process (the measure blocks it for a moment). Never assert that something is fast
 * with these: speed goals are measured in bench/ (docs/testing.md).
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { loadConfig } from '../../framework/cf/load.js';
import { buildPlan } from '../../framework/runner/plan.js';

/** A Node process start (`node -e 0`) on the quiet 2-CPU reference machine. */
export const QUIET_NODE_START_MS = 50;
/**
 * Real time an entry point needs on a quiet machine (process start, module load, a simulator
 * round trip or two), with room: the scenario's slowest, the first open with its SSH login,
 * takes 0.9 s on a machine loaded 3.5 per CPU.
 */
export const QUIET_ENTRY_POINT_MS = 1_000;
/** Never less real time than this for an entry point's timeout, however quiet the machine looks. */
export const ENTRY_POINT_FLOOR_MS = 6_000;

export interface Calibration {
  /** Median wall time of `node -e 0`, in ms. */
  nodeStartMs: number;
  /** 1-minute load average per CPU (for the record: not part of the slowdown). */
  loadPerCpu: number;
  /** How much slower than the quiet reference the machine is now (>= 1). */
  slowdown: number;
}

let cached: Calibration | undefined;

function nodeStartMs(): number {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** The machine's slowdown now (measured on first use in a test file, then kept). VCSPVM_TEST_SLOWDOWN=N imposes one. */
export function calibration(): Calibration {
  if (cached) return cached;
  const cpus = availableParallelism();
  const start = nodeStartMs();
  const loadPerCpu = loadavg()[0]! / cpus;
  const imposed = Number(process.env.VCSPVM_TEST_SLOWDOWN);
  const measured = Math.max(1, start / QUIET_NODE_START_MS);
  cached = { nodeStartMs: Math.round(start), loadPerCpu: Math.round(loadPerCpu * 100) / 100, slowdown: imposed > 0 ? imposed : Math.round(measured * 100) / 100 };
  return cached;
}

/**
 * Measures again, now: for a test that sizes a duration of its own by the machine as it is when
 * the test runs. Blocks the test process while `node -e 0` runs five times (a quarter of a second
 * on a quiet machine): call it before the test starts anything in-process on a real clock.
 */
export function recalibrate(): Calibration {
  cached = undefined;
  return calibration();
}

/** `quietMs` of real time (a wait, a bound, a test's timeout) scaled for the machine as it is now. */
export function allowMs(quietMs: number): number {
  return Math.ceil(quietMs * calibration().slowdown);
}

/** What an entry point needs: on a quiet machine (`quietMs`), and at least (`floorMs`) whatever the machine. */
export interface EntryPointNeed {
  quietMs?: number;
  floorMs?: number;
}

/** The real time an entry point gets at least, on this machine now (a Node entry point unless told otherwise). */
export function entryPointFloorMs(need: EntryPointNeed = {}): number {
  return Math.max(need.floorMs ?? ENTRY_POINT_FLOOR_MS, allowMs(need.quietMs ?? QUIET_ENTRY_POINT_MS));
}

/**
 * The speed-up of simulated time (hmcsim --speed, realClock({ speed }), the
 * scenario's --speed) that leaves the shortest entry point timeout at least
 * `entryPointFloorMs()` of real time: at most `max`, at least `min`, whole.
 * Entry points lighter than a Node process (a shell script agent) say so with
 * `quietMs` and `floorMs`.
 */
export function speedFor(opts: { shortestTimeoutS: number; max?: number; min?: number } & EntryPointNeed): number {
  const fits = Math.floor((opts.shortestTimeoutS * 1000) / entryPointFloorMs(opts));
  return Math.max(opts.min ?? 1, Math.min(opts.max ?? 100, fits));
}

/**
 * The real time `vcsSeconds` of simulated time take at `speed`, plus room for the processes and
 * logins along the way (5 s on a quiet machine, scaled): how long to wait for an event the
 * schedule makes happen within that much VCS time.
 */
export function realMs(vcsSeconds: number, speed: number): number {
  return Math.ceil((vcsSeconds * 1000) / speed) + allowMs(5_000);
}

const TIMEOUTS = ['MonitorTimeout', 'OnlineTimeout', 'OfflineTimeout', 'CleanTimeout', 'OpenTimeout', 'CloseTimeout', 'MigrateTimeout', 'AttrChangedTimeout'] as const;

/** The shortest entry point timeout (seconds) of any resource `mainCf` configures for `system`, as the agent framework reads them. */
export function shortestTimeoutS(mainCf: string, system?: string): number {
  const { config, errors } = loadConfig(mainCf);
  if (errors.length > 0) throw new Error(`${mainCf}: ${errors[0]!.message}`);
  let shortest = Infinity;
  for (const sys of system ? [system] : config.systems.map((s) => s.name)) {
    for (const g of buildPlan(config, sys).groups) {
      for (const r of g.resources) for (const k of TIMEOUTS) if (r.settings[k] > 0) shortest = Math.min(shortest, r.settings[k]);
    }
  }
  if (!Number.isFinite(shortest)) throw new Error(`${mainCf}: no resource with an entry point timeout`);
  return shortest;
}
