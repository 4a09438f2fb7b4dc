/**
 * offline and clean.
 *
 * offline: the operating system shuts down (`chsysstate -o osshutdown`,
 * through RMC); when it has not finished with a reserve of OfflineTimeout
 * left, or cannot start (no RMC), the partition is powered off
 * (`chsysstate -o shutdown --immed`). clean: powered off at once. Both then
 * remove the partition and its VIOS mappings when RemoveProfileOnOffline = 1
 * and a ProfileFile can create it again.
 */
import { VcsPowervmError } from '../../framework/errors.js';
import * as cmd from './hmc/commands.js';
import { partitionsOf, type PartitionRow } from './hmc/queries.js';
import { immediateShutdown, isDown, waitForState } from './power.js';
import { readProfileFile } from './profile-file.js';
import { removeFromSystem } from './provision.js';
import type { Lpar } from './resource.js';

/** States in which the partition is off (nothing to shut down). */
const OFF = new Set(['Not Activated', 'Hardware Discovery', 'Migrating - Not Activated']);
/** States in which the OS may answer an OS shutdown. */
const OS_UP = new Set(['Running', 'Starting', 'Resuming', 'Suspending']);

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

/** Time kept for the hard power-off after an OS shutdown that does not finish. */
export function hardReserveMs(remainingMs: number): number {
  return Math.min(60_000, Math.max(10_000, remainingMs * 0.3));
}

export async function offline(l: Lpar): Promise<number> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);
  if (!me) {
    log.info('%s is not defined on %s: nothing to take offline', l.name, l.system);
    return 0;
  }
  if (me.state === 'Migrating - Running') throw fail(l, `it is migrating from ${l.system}; not shutting it down`);
  if (!OFF.has(me.state)) {
    let down = false;
    if (OS_UP.has(me.state) || me.state === 'Shutting Down') {
      const grace = Math.max(0, l.hmc.remaining() - hardReserveMs(l.hmc.remaining()));
      if (me.state !== 'Shutting Down') {
        log.notice('shutting down the operating system of %s on %s (chsysstate -o osshutdown; %d s before a hard shutdown)', l.name, l.system, Math.round(grace / 1000));
        const r = await l.hmc.run(cmd.osShutdown(l.system, l.name));
        if (r.code !== 0) log.warn('OS shutdown of %s refused by HMC %s (%s): powering it off instead', l.name, r.hmc, r.stdout.trim().split('\n')[0]);
        else down = (await waitForState(l, isDown, grace)).reached;
      } else {
        down = (await waitForState(l, isDown, grace)).reached;
      }
      if (!down && (await waitForState(l, isDown, 0)).reached) down = true;
      if (!down) log.warn('%s did not shut down in time: hard shutdown', l.name);
    } else {
      log.notice('%s is %s on %s: no operating system to shut down', l.name, me.state, l.system);
    }
    if (!down) {
      const r = await immediateShutdown(l, l.hmc.remaining());
      if (!r.reached) throw fail(l, `still ${r.state} on ${l.system} after a hard shutdown`);
    }
    log.notice('%s is Not Activated on %s', l.name, l.system);
  }
  await removeIfConfigured(l, partitions);
  return 0;
}

export async function clean(l: Lpar, reason: string): Promise<void> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);
  if (!me) {
    log.info('%s is not defined on %s: clean (%s) has nothing to stop', l.name, l.system, reason);
    return;
  }
  if (me.state.startsWith('Migrating')) throw fail(l, `it is ${me.state}: not powering it off during a migration`);
  if (!OFF.has(me.state)) {
    log.notice('cleaning %s (%s): it is %s on %s', l.name, reason, me.state, l.system);
    const r = await immediateShutdown(l, l.hmc.remaining());
    if (!r.reached) throw fail(l, `still ${r.state} on ${l.system} after a hard shutdown`);
  }
  await removeIfConfigured(l, partitions);
}

async function removeIfConfigured(l: Lpar, partitions: readonly PartitionRow[]): Promise<void> {
  if (!l.removeOnOffline) return;
  const log = l.ctx.log;
  if (!l.profileFile) {
    log.warn('RemoveProfileOnOffline = 1 but ProfileFile is not set for %s: %s is kept on %s (it could not be created again)', l.ctx.system, l.name, l.system);
    return;
  }
  let data;
  try {
    data = readProfileFile(l.profileFile);
  } catch (e) {
    log.error('RemoveProfileOnOffline: %s is kept on %s because its ProfileFile cannot be used to create it again: %s', l.name, l.system, e instanceof Error ? e.message : String(e));
    return;
  }
  if (data.partition !== l.name) {
    log.error('RemoveProfileOnOffline: %s is kept: ProfileFile %s describes %s', l.name, l.profileFile, data.partition);
    return;
  }
  log.notice('removing %s and its VIOS mappings from %s (RemoveProfileOnOffline)', l.name, l.system);
  await removeFromSystem(l, data, partitions);
}
