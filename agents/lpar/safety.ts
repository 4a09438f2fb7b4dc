/**
 * The safety rule: may online start the partition here, given what the HMCs
 * show of every other managed system? One row per case, documented in
 * docs/lpar.md ("Safety table") and tested row by row. The boot disk is
 * shared between the servers with reserve_policy=no_reserve (the seed's
 * profile procedure), so nothing in the storage stops a second boot: where
 * the HMCs cannot exclude that the partition runs elsewhere, it is not
 * started, and the log names the administrator's way forward.
 *
 * A managed system whose HMC link is lost (No Connection) or in Error may
 * be a server that lost power — its partitions gone with it — or one whose
 * service processor alone is unreachable, its partitions running on. The
 * cluster tells them apart: the server's management LPAR (its cluster node)
 * FAULTED out of the membership means the server is down; still a member,
 * or membership unknown, means the partitions probably run (membership.ts).
 */
import type { NodeState } from './membership.js';
import { isPowered, STATE_MAP } from './state.js';

/** States in which the HMC talks to the service processor and lists the partitions as they are. */
export const LISTS_PARTITIONS: ReadonlySet<string> = new Set(['Operating', 'Standby', 'Initializing', 'Power Off In Progress']);
/** The server is powered off: none of its partitions can run. */
export const POWERED_OFF: ReadonlySet<string> = new Set(['Power Off']);
/** What a server that lost power also shows; its partitions may run on if it did not (hmc-facts §1.5). */
export const LOST_OR_DOWN: ReadonlySet<string> = new Set(['No Connection', 'Error', 'Error - Terminated', 'Error - Dump In Progress']);

/** What the HMCs and the cluster show of one other managed system. */
export interface OtherSystem {
  system: string;
  /** Its state in the best HMC view; undefined when no HMC lists it. */
  state: string | undefined;
  /** Each HMC's word, for the log: `hmc6: No Connection`. */
  seen: string[];
  /** The partition's state there: a state, `absent`, or undefined when it could not be listed. */
  lpar: string | undefined;
  /** Cluster nodes whose PhysicalServer it is, with their membership. */
  nodes: Array<{ node: string; state: NodeState; detail: string }>;
  /** One of the cluster's servers (a node's PhysicalServer), not just another system of the HMC. */
  clusterServer: boolean;
  /** An administrator confirmed the partition is down there (`hares -action RES confirm-down`). */
  confirmedDown: boolean;
}

export type VerdictKind = 'clear' | 'powered' | 'cannot-tell';

export interface Verdict {
  kind: VerdictKind;
  /** The row of the table (docs/lpar.md). */
  row: string;
  why: string;
  /** A clear verdict that still deserves a warning. */
  warning?: string;
}

const quoteSeen = (o: OtherSystem) => (o.seen.length ? ` (${o.seen.join('; ')})` : '');

/** The row of the safety table that applies to one other managed system. */
export function judge(o: OtherSystem, lpar: string): Verdict {
  const v = judgeRaw(o, lpar);
  if (v.kind !== 'cannot-tell') return v;
  if (o.confirmedDown) return { kind: 'clear', row: 'S9', why: `${v.why}; an administrator confirmed ${lpar} is down on ${o.system}`, warning: `${v.why}; starting it on the administrator's confirmation (confirm-down ${o.system})` };
  if (!o.clusterServer) return { kind: 'clear', row: 'S10', why: v.why, warning: `${v.why}; ${o.system} is not a server of this cluster, so ${lpar} is taken not to run there` };
  return v;
}

function judgeRaw(o: OtherSystem, lpar: string): Verdict {
  const state = o.state;
  if (state === undefined) return { kind: 'cannot-tell', row: 'S8', why: `no HMC lists managed system ${o.system}` };
  if (POWERED_OFF.has(state)) return { kind: 'clear', row: 'S4', why: `${o.system} is ${state}` };
  if (LISTS_PARTITIONS.has(state)) {
    const p = o.lpar;
    if (p === undefined) return { kind: 'cannot-tell', row: 'S3', why: `no HMC could list ${lpar} on ${o.system} (${state})${quoteSeen(o)}` };
    if (p === 'absent') return { kind: 'clear', row: 'S1', why: `${lpar} is not defined on ${o.system}` };
    if (!Object.hasOwn(STATE_MAP, p) || p === 'Not Available') return { kind: 'cannot-tell', row: 'S3', why: `${lpar} is "${p}" on ${o.system}: the HMC cannot vouch for it` };
    if (isPowered(p)) return { kind: 'powered', row: 'S2', why: `it is ${p} on managed system ${o.system}` };
    return { kind: 'clear', row: 'S1', why: `${lpar} is ${p} on ${o.system}` };
  }
  if (LOST_OR_DOWN.has(state)) {
    const nodes = o.nodes;
    const list = nodes.map((n) => `${n.node} (${n.detail || n.state})`).join(', ');
    const s = nodes.length > 1 ? 's' : '';
    if (nodes.length > 0 && nodes.every((n) => n.state === 'down')) {
      return { kind: 'clear', row: 'S5', why: `${o.system} is ${state}${quoteSeen(o)} and its cluster node${s} ${list} left the cluster: the server is down, ${lpar} with it` };
    }
    const member =
      nodes.length === 0
        ? 'no cluster node runs there to tell whether the server is down'
        : nodes.some((n) => n.state === 'up')
          ? `its cluster node${s} ${list} still a member: the server is probably up`
          : `the cluster cannot tell whether its node${s} ${list} ${nodes.length > 1 ? 'are' : 'is'} up`;
    return { kind: 'cannot-tell', row: 'S6', why: `the HMCs cannot see ${o.system} (${state})${quoteSeen(o)}, ${member}, so ${lpar} may run there` };
  }
  return { kind: 'cannot-tell', row: 'S7', why: `the HMCs cannot vouch for the partitions of ${o.system} (${state})${quoteSeen(o)}` };
}

/** The documentation's table, row by row (docs/lpar.md renders the same rows; a test keeps them in step). */
export const SAFETY_TABLE: ReadonlyArray<{ row: string; otherSystem: string; partitionThere: string; online: string; monitor: string }> = [
  { row: 'S1', otherSystem: 'Operating, Standby, Initializing, Power Off In Progress', partitionThere: 'absent, Not Activated, Hardware Discovery, Migrating - Not Activated', online: 'starts it', monitor: 'offline (100)' },
  { row: 'S2', otherSystem: 'Operating, Standby, Initializing, Power Off In Progress', partitionThere: 'Running, Starting, Shutting Down, Open Firmware, Error, Migrating - Running, Suspended, Suspending, Resuming', online: 'refuses', monitor: 'intentional offline (200) where VCS had it online here, or it is absent here' },
  { row: 'S3', otherSystem: 'Operating, Standby, Initializing, Power Off In Progress', partitionThere: 'Not Available, an undocumented state, or no HMC could list it', online: 'refuses', monitor: 'offline (100)' },
  { row: 'S4', otherSystem: 'Power Off', partitionThere: 'any', online: 'starts it', monitor: 'offline (100)' },
  { row: 'S5', otherSystem: 'No Connection, Error, Error - Terminated, Error - Dump In Progress', partitionThere: 'unseen; its cluster node(s) FAULTED', online: 'starts it (the server is down)', monitor: 'offline (100)' },
  { row: 'S6', otherSystem: 'No Connection, Error, Error - Terminated, Error - Dump In Progress', partitionThere: 'unseen; a cluster node there still a member, membership unknown, or no node there', online: 'refuses', monitor: 'offline (100)' },
  { row: 'S7', otherSystem: 'Incomplete, Recovery, Pending Authentication, Failed Authentication, Version Mismatch, Service Processor Failover, any other', partitionThere: 'unseen', online: 'refuses', monitor: 'offline (100)' },
  { row: 'S8', otherSystem: 'a cluster server no HMC lists', partitionThere: 'unseen', online: 'refuses', monitor: 'offline (100)' },
  { row: 'S9', otherSystem: 'S3, S6, S7 or S8, after hares -action RES confirm-down -actionargs SYS', partitionThere: 'confirmed down by an administrator', online: 'starts it (once)', monitor: 'offline (100)' },
  { row: 'S10', otherSystem: 'S3, S6, S7 or S8 on a managed system that is no cluster server', partitionThere: 'unseen', online: 'starts it, with a warning', monitor: 'offline (100)' },
];
