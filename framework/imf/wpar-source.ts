/**
 * WPAR states for IMF, by polling `lswpar -c -q` in the global AIX LPAR:
 * one command per poll for every registered WPAR of the host. Field 1 is the
 * name and field 2 the state letter (A active, D defined, B broken, T
 * transitional, L loaded, F frozen, P paused, M moving — research
 * hmc-facts.md §7). Active is online; Defined and Broken are offline; the
 * others are in between and left to the traditional monitor.
 */
import { runCommand } from '../agent/command.js';
import { wparNameProblem } from '../cf/wpar/values.js';
import type { Clock } from '../clock.js';
import { BatchedPoller } from './batched-poller.js';
import type { ObservedState, WatchTarget } from './protocol.js';
import type { SourceLogger } from './source.js';

export const WPAR_GROUP = 'lswpar';

/** What imf_register of a WPAR resource registers (a name mkwpar would take: the verifier's and the agent's rule). */
export function wparTarget(wparName: string): WatchTarget {
  const problem = wparNameProblem(wparName);
  if (problem) throw new Error(`not a WPAR name: ${problem}`);
  return { group: WPAR_GROUP, key: wparName };
}

export function wparState(letter: string): ObservedState {
  switch (letter.trim().toUpperCase()) {
    case 'A':
      return 'online';
    case 'D':
    case 'B':
      return 'offline';
    default:
      return 'unknown';
  }
}

/** Parses `lswpar -c -q` output: every WPAR of the host, by name. */
export function parseLswpar(stdout: string): Map<string, ObservedState> {
  const out = new Map<string, ObservedState>();
  for (const line of stdout.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name, state] = line.split(':');
    if (name && state !== undefined) out.set(name.trim(), wparState(state));
  }
  return out;
}

export interface WparSourceOptions {
  intervalMs: number;
  /** The command (default `lswpar`, found on PATH). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  log?: SourceLogger;
  clock?: Clock;
  onPoll?: ConstructorParameters<typeof BatchedPoller>[0]['onPoll'];
}

export function createWparSource(opts: WparSourceOptions): BatchedPoller {
  return new BatchedPoller({
    intervalMs: opts.intervalMs,
    ...(opts.log ? { log: opts.log } : {}),
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.onPoll ? { onPoll: opts.onPoll } : {}),
    query: async (_group, regs, signal) => {
      const r = await runCommand([opts.command ?? 'lswpar', '-c', '-q'], { signal, timeoutMs: 30_000, ...(opts.env ? { env: opts.env } : {}) });
      if (r.code !== 0) throw new Error(`lswpar exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
      const states = parseLswpar(r.stdout);
      // A WPAR the host does not list is not running.
      for (const reg of regs) if (!states.has(reg.target.key)) states.set(reg.target.key, 'offline');
      return states;
    },
  });
}
