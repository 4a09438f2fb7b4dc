/**
 * The explicit map from HMC partition states to what the monitor entry point
 * reports to VCS, and which states count as "powered on" (the partition may
 * be using its boot disk, so it must never be started a second time
 * elsewhere). ClusterLabs fence-agents issue 610 is why this is a table and
 * not a default branch: treating Error as "off" there left crashed
 * partitions stuck. State strings: research/hmc-facts.md §1.4.
 *
 * Reasoning that fixes each row:
 * - VCS fails a group over only after clean returned 0, and our clean powers
 *   the partition off (`chsysstate -o shutdown --immed`, which works from
 *   every powered-on state, Error included). So reporting "offline" for a
 *   partition that is powered on but not serving (Error, Open Firmware) is
 *   safe: VCS cleans first, then restarts or fails over.
 * - A partition that is booting or shutting down is reported online (with
 *   lower confidence): it still holds its disks; the online and offline
 *   entry points themselves wait for the end state.
 * - A state the HMC cannot vouch for (Not Available: the managed system lost
 *   its connection) or does not document is reported unknown: VCS neither
 *   faults nor fails over on unknown, and failing over a partition that may
 *   still run would start it twice.
 */
import type { MonitorResult } from '../../framework/agent/exitcodes.js';

export interface StateRow {
  /** What monitor reports when the partition is on this system in this state. */
  monitor: MonitorResult;
  /** The partition may be running or holding its disks: it must not be started elsewhere. */
  powered: boolean;
  /** Why, for the log and the README. */
  why: string;
}

/** Migrating - Running depends on the direction; see migratingRunning(). */
export const STATE_MAP: Readonly<Record<string, StateRow>> = {
  Running: { monitor: 'online', powered: true, why: 'the operating system is running' },
  Starting: {
    monitor: { state: 'online', confidence: 50 },
    powered: true,
    why: 'powering on: it holds its disks, so it is not offline; online waits for Running',
  },
  'Shutting Down': {
    monitor: { state: 'online', confidence: 50 },
    powered: true,
    why: 'powering off: still holds its disks until Not Activated; offline waits for it',
  },
  'Open Firmware': {
    monitor: 'offline',
    powered: true,
    why: 'powered on without an operating system (firmware or SMS): it serves nothing, so VCS cleans (immediate shutdown) and restarts or fails over',
  },
  Error: {
    monitor: 'offline',
    powered: true,
    why: 'crashed (see lsrefcode): VCS cleans (immediate shutdown works from Error) and restarts or fails over',
  },
  'Not Activated': { monitor: 'offline', powered: false, why: 'powered off' },
  'Hardware Discovery': {
    monitor: 'offline',
    powered: false,
    why: 'the HMC is probing its I/O with the OS down; it returns to Not Activated',
  },
  'Not Available': {
    monitor: 'unknown',
    powered: true,
    why: 'the HMC cannot see the managed system (no connection, recovery): the partition may still run, so nothing is failed over',
  },
  'Migrating - Running': {
    monitor: 'online',
    powered: true,
    why: 'live migration in progress: online on the source system, offline on the destination (lslparmigr tells which)',
  },
  'Migrating - Not Activated': {
    monitor: 'offline',
    powered: false,
    why: 'inactive migration in progress: not running on either system',
  },
  Suspended: {
    monitor: 'intentional-offline',
    powered: true,
    why: 'suspended by an administrator: its memory image must be resumed, not started afresh elsewhere',
  },
  Suspending: { monitor: { state: 'online', confidence: 50 }, powered: true, why: 'being suspended: still running' },
  Resuming: { monitor: { state: 'online', confidence: 50 }, powered: true, why: 'resuming: running again shortly' },
};

const UNDOCUMENTED: StateRow = {
  monitor: 'unknown',
  powered: true,
  why: 'a state this agent does not know: reported unknown rather than guessed',
};

export function stateRow(state: string): StateRow {
  return Object.hasOwn(STATE_MAP, state) ? STATE_MAP[state]! : UNDOCUMENTED;
}

/** May the partition be running (or hold its disks) in this state? Unknown states count as yes. */
export function isPowered(state: string): boolean {
  return stateRow(state).powered;
}

/** On the destination of a live migration the partition is not ours yet: offline there. */
export function migratingRunning(role: 'source' | 'destination'): MonitorResult {
  return role === 'source' ? 'online' : 'offline';
}

/** A VIO server serves its clients only while Running. */
export function viosServing(state: string): boolean {
  return state === 'Running';
}
