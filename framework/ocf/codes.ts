/**
 * OCF exit codes (OCF Resource Agent API 1.1, "Exit Status Codes") and the
 * one place where a VCS monitor result becomes one. The other actions'
 * codes are decided in actions.ts from how the entry points ended; the whole
 * mapping is the table in docs/pacemaker.md.
 */
import type { MonitorResult } from '../agent/exitcodes.js';

export const OCF_SUCCESS = 0;
/** Unspecified error; for monitor: malfunctioning or in an undetermined state. */
export const OCF_ERR_GENERIC = 1;
/** Invalid arguments in the context of this host (the next node may do). */
export const OCF_ERR_ARGS = 2;
export const OCF_ERR_UNIMPLEMENTED = 3;
export const OCF_ERR_PERM = 4;
/** Something the resource needs is not installed here (Pacemaker bans the node). */
export const OCF_ERR_INSTALLED = 5;
/** The parameters are wrong anywhere (Pacemaker stops trying everywhere). */
export const OCF_ERR_CONFIGURED = 6;
export const OCF_NOT_RUNNING = 7;
/** OCF 1.1: running, in a condition that makes failures more likely (VCS: online with confidence below 100). */
export const OCF_DEGRADED = 190;

/**
 * A VCS monitor result as an OCF monitor exit code:
 * online 0; online with a confidence below 100: 190 where the caller speaks
 * OCF 1.1 (Pacemaker 2.1 and later), 0 otherwise; offline and intentional
 * offline 7 (not running here, no fault: the partition may run elsewhere);
 * unknown 1 — OCF has no "unknown", and "undetermined state" is what 1 means
 * for a monitor. Never 0 for what we cannot see running.
 */
export function monitorCode(result: MonitorResult, ocf11: boolean): number {
  if (typeof result === 'object') return result.confidence >= 100 || !ocf11 ? OCF_SUCCESS : OCF_DEGRADED;
  switch (result) {
    case 'online':
      return OCF_SUCCESS;
    case 'offline':
    case 'intentional-offline':
      return OCF_NOT_RUNNING;
    default:
      return OCF_ERR_GENERIC;
  }
}
