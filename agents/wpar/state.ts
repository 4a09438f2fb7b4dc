/**
 * lswpar states as VCS monitor results (the agent's contract; docs/wpar.md):
 *
 *   A Active                → online (110)
 *   D Defined, or absent    → offline (100)
 *   B Broken                → offline (100): VCS cleans it (stopwpar -F), then restarts or fails over
 *   T Transitional, L Loaded → unknown (99) once a short wait has not settled
 *       them: a WPAR half started or half stopped holds its file systems, so
 *       it must not count as offline (a failover would mount them twice), and
 *       not as online (a start hung in T would pass for success); unknown
 *       after online lets OnlineWaitLimit run its course and clean.
 *   F Frozen, P Paused      → unknown (99): an administrator checkpointed or
 *       paused it (WPAR mobility). It is not running, so it is never reported
 *       online (after a refused online VCS would take the refusal for
 *       success; on another system a probe would see the group online twice);
 *       it still holds its file systems, so it is not offline either (VCS
 *       would start the group elsewhere, or clean it and kill the very
 *       checkpoint). Online, offline and clean leave it to its administrator.
 *   anything else           → unknown.
 */
import type { MonitorResult } from '../../framework/agent/exitcodes.js';

export const SETTLING = new Set(['T', 'L']);
/** Checkpointed or paused by an administrator: VCS neither starts, stops nor kills it. */
export const HELD = new Set(['F', 'P']);

export function monitorResultOf(letter: string | undefined): MonitorResult {
  switch (letter) {
    case 'A':
      return 'online';
    case undefined:
    case 'D':
    case 'B':
      return 'offline';
    default:
      return 'unknown';
  }
}

export const STATE_NAMES: Readonly<Record<string, string>> = { D: 'Defined', L: 'Loaded', A: 'Active', F: 'Frozen', P: 'Paused', B: 'Broken', T: 'Transitional' };
export const stateName = (l: string | undefined) => (l === undefined ? 'not defined' : `${STATE_NAMES[l] ?? 'unknown'} (${l})`);
