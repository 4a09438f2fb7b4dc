/**
 * What imf_register registers for an LPAR resource: the partition on the
 * managed system this cluster system runs on (its PhysicalServer), reached
 * through the resource's HMCs (MCName/MCUser). Registrations sharing HMCs
 * and a managed system form one group: one query per group per poll.
 */
import type { ImfRegisterContext } from '../../../framework/agent/define.js';
import type { WatchTarget } from '../../../framework/imf/protocol.js';
import { endpointsOf } from '../hmc/session.js';
import { partitionName } from '../names.js';
import { type LparAttributes, physicalServerOf } from '../resource.js';

export interface LparWatch {
  /** MCName, in order. */
  names: string[];
  /** MCUser, as configured. */
  users: string[];
  /** The managed system. */
  system: string;
  /** VIOSName for this system: all of them down is offline for a running partition, as monitor says. */
  vios: string[];
}

/** The group key: the same HMCs (with their users) and managed system poll together. */
export function lparGroup(w: Pick<LparWatch, 'names' | 'users' | 'system'>): string {
  const hmcs = endpointsOf(w.names, w.users).map((e) => `${e.user}@${e.host}`);
  return `${hmcs.join(',')}|${w.system}`;
}

export async function lparTarget(ctx: ImfRegisterContext<LparAttributes>): Promise<WatchTarget> {
  const a = ctx.attributes;
  const key = partitionName(String(a.LPARName ?? ''), 'LPARName');
  const system = await physicalServerOf(ctx, ctx.system);
  const watch: LparWatch = {
    names: (a.MCName ?? []).map(String),
    users: (a.MCUser ?? []).map(String),
    system,
    vios: (a.VIOSName ?? []).map((v) => partitionName(String(v), 'VIOSName')),
  };
  return { group: lparGroup(watch), key, data: { ...watch } };
}

/** The watch data of a registration, checked (it came through a socket and a file). */
export function watchOf(data: unknown): LparWatch {
  const d = (data ?? {}) as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.map(String) : []);
  if (typeof d.system !== 'string' || !Array.isArray(d.names)) throw new Error('registration without HMC names and managed system');
  return { names: strings(d.names), users: strings(d.users), system: d.system, vios: strings(d.vios) };
}
