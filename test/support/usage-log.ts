/**
 * Per-file resource use, for finding where the suite's time goes: with
 * VCSPVM_TEST_USAGE_LOG=FILE set, appends one JSON line per test file — wall
 * time and CPU time (user, system) of the worker and of the child processes
 * it waited for (simulators, entry points, ssh), from /proc/self/stat.
 * Detached grandchildren (connection brokers) are not counted. Off (no cost)
 * when the variable is unset. scripts/test-report.mjs summarises the file.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';

const LOG = process.env.VCSPVM_TEST_USAGE_LOG;
const TICK_MS = 10; // USER_HZ is 100 on Linux.

interface Usage {
  wall: number;
  user: number;
  sys: number;
  childUser: number;
  childSys: number;
}

function usage(): Usage | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const n = (i: number) => Number(f[i - 3]) * TICK_MS;
    return { wall: performance.now(), user: n(14), sys: n(15), childUser: n(16), childSys: n(17) };
  } catch {
    return undefined;
  }
}

if (LOG) {
  let start: Usage | undefined;
  const file = expect.getState().testPath ?? '?';
  beforeAll(() => {
    start = usage();
  });
  afterAll(() => {
    const end = usage();
    if (!start || !end) return;
    const d = (k: keyof Usage) => Math.round(end[k] - start![k]);
    appendFileSync(LOG, `${JSON.stringify({ file, pid: process.pid, wallMs: d('wall'), userMs: d('user'), sysMs: d('sys'), childUserMs: d('childUser'), childSysMs: d('childSys') })}\n`);
  });
}
