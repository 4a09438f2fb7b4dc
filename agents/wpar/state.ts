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
 *   F Frozen, P Paused      → online, confidence 10 (101): an administrator
 *       checkpointed or paused it (WPAR mobility); it still holds its
 *       resources and resumes without VCS. Offline would make VCS clean it —
 *       killing the very checkpoint — or start it elsewhere.
 *   anything else           → unknown.
 */
import type { MonitorResult } from '../../framework/agent/exitcodes.js';

export const SETTLING = new Set(['T', 'L']);

export function monitorResultOf(letter: string | undefined): MonitorResult {
  switch (letter) {
    case 'A':
      return 'online';
    case undefined:
    case 'D':
    case 'B':
      return 'offline';
    case 'F':
    case 'P':
      return { state: 'online', confidence: 10 };
    default:
      return 'unknown';
  }
}

export const STATE_NAMES: Readonly<Record<string, string>> = { D: 'Defined', L: 'Loaded', A: 'Active', F: 'Frozen', P: 'Paused', B: 'Broken', T: 'Transitional' };
export const stateName = (l: string | undefined) => (l === undefined ? 'not defined' : `${STATE_NAMES[l] ?? 'unknown'} (${l})`);
