/**
 * Powering a partition on and off, and waiting for the HMC to report the
 * end state (chsysstate returns once the operation is submitted;
 * research/hmc-facts.md §2.3).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Lpar } from './resource.js';
import * as cmd from './hmc/commands.js';
import { partitionState } from './hmc/queries.js';

/** First poll after this long, then doubling up to POLL_MAX_MS. */
const POLL_MIN_MS = 250;
const POLL_MAX_MS = 2_000;

/**
 * Polls the partition's state until `done(state)` (absent is undefined) or
 * `timeoutMs` passed; returns the last state seen.
 */
export async function waitForState(l: Lpar, done: (state: string | undefined) => boolean, timeoutMs: number): Promise<{ state: string | undefined; reached: boolean }> {
  const end = Date.now() + Math.max(0, timeoutMs);
  let delay = POLL_MIN_MS;
  let state = await partitionState(l.hmc, l.system, l.name);
  while (!done(state)) {
    const left = end - Date.now();
    if (left <= 0) return { state, reached: false };
    await sleep(Math.min(delay, left), undefined, l.ctx.signal ? { signal: l.ctx.signal } : undefined);
    delay = Math.min(POLL_MAX_MS, delay * 2);
    state = await partitionState(l.hmc, l.system, l.name);
  }
  return { state, reached: true };
}

export const isDown = (s: string | undefined) => s === undefined || s === 'Not Activated';

/** `chsysstate -o shutdown --immed`, then waits for Not Activated. */
export async function immediateShutdown(l: Lpar, timeoutMs: number): Promise<{ state: string | undefined; reached: boolean }> {
  l.ctx.log.notice({ msgId: 59164 }, 'powering %s off immediately on %s (chsysstate -o shutdown --immed)', l.name, l.system);
  await l.hmc.change(cmd.immediateShutdown(l.system, l.name), l.system);
  return waitForState(l, isDown, timeoutMs);
}
