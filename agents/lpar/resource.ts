/**
 * One LPAR resource as its entry points work with it: validated names, the
 * managed system this cluster system runs on (its PhysicalServer), and an
 * HMC session over MCName/MCUser.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseContext, ResourceContext } from '../../framework/agent/define.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { systemAttribute } from '../../framework/agent/system-attributes.js';
import { VcsPowervmError } from '../../framework/errors.js';
import { HmcSession } from './hmc/session.js';
import { partitionName, systemName } from './names.js';

/** The LPAR type's ArgList attributes (types-cf/types.cf). */
export interface LparAttributes {
  LPARName: string;
  MCUser: string[];
  MCName: string[];
  VIOSName: string[];
  ProfileFile: string;
  RemoveProfileOnOffline: number;
  DROpts: Record<string, string>;
}

export interface Lpar {
  ctx: ResourceContext<LparAttributes>;
  /** LPARName, validated. */
  name: string;
  /** VIOSName for this system, validated. */
  vios: string[];
  /** ProfileFile for this system, '' when not set. */
  profileFile: string;
  removeOnOffline: boolean;
  /** The managed system (PhysicalServer of this cluster system), validated. */
  system: string;
  hmc: HmcSession;
}

/** Where open keeps what it learned for the entry points that follow (as VCS's own agent keeps it in memory). */
function cacheFile(ctx: BaseContext, system: string): string {
  return join(ctx.vcs.log, 'tmp', 'LPAR', `PhysicalServer.${encodeURIComponent(system)}`);
}

/**
 * The managed system a cluster system runs on: its PhysicalServer attribute.
 * `fresh` reads it from VCS (open does); otherwise the value open cached is
 * used, so a monitor does not run `hasys` every cycle.
 */
export async function physicalServerOf(ctx: BaseContext, system: string, fresh = false): Promise<string> {
  const cache = ctx.config ? undefined : cacheFile(ctx, system);
  if (cache && !fresh) {
    try {
      const v = readFileSync(cache, 'utf8').trim();
      if (v) return systemName(v, `PhysicalServer of ${system}`);
    } catch {
      // Not cached yet (no open in this agent's life, or run by hand): ask VCS.
    }
  }
  const value = await systemAttribute(ctx, system, 'PhysicalServer');
  if (value === undefined || value === '') throw new VcsPowervmError('VCSPVM_LPAR_NO_PHYSICAL_SERVER', { system });
  const ms = systemName(value, `PhysicalServer of ${system}`);
  if (cache) {
    try {
      mkdirSync(join(ctx.vcs.log, 'tmp', 'LPAR'), { recursive: true, mode: 0o700 });
      writeFileAtomic(cache, `${ms}\n`, { mode: 0o600, backup: false });
    } catch (e) {
      ctx.log.debug({ err: (e as Error).message }, 'cannot cache PhysicalServer; it will be read again next time');
    }
  }
  return ms;
}

export function forgetPhysicalServer(ctx: BaseContext, system: string): void {
  if (!ctx.config) rmSync(cacheFile(ctx, system), { force: true });
}

export function hmcSession(ctx: BaseContext, attrs: Pick<LparAttributes, 'MCName' | 'MCUser'>): HmcSession {
  return new HmcSession({
    names: attrs.MCName.map(String),
    users: attrs.MCUser.map(String),
    log: ctx.log,
    signal: ctx.signal,
    deadline: ctx.deadline,
    quiet: ctx.entryPoint === 'monitor',
  });
}

export async function lparOf(ctx: ResourceContext<LparAttributes>): Promise<Lpar> {
  const a = ctx.attributes;
  const name = partitionName(String(a.LPARName ?? ''), 'LPARName');
  const vios = (a.VIOSName ?? []).map((v) => partitionName(String(v), 'VIOSName'));
  const system = await physicalServerOf(ctx, ctx.system);
  return {
    ctx,
    name,
    vios,
    profileFile: String(a.ProfileFile ?? ''),
    removeOnOffline: Number(a.RemoveProfileOnOffline) === 1,
    system,
    hmc: hmcSession(ctx, a),
  };
}
