/**
 * offline and clean.
 *
 * offline: the operating system shuts down (`chsysstate -o osshutdown`,
 * through RMC) and offline waits for Not Activated within OfflineTimeout.
 * What happens when the OS does not finish, or cannot start (no RMC), is a
 * policy (VCSPVM_LPAR_OFFLINE_HARD in the agent's environment, docs/lpar.md):
 *
 * - unset or `0` (default): offline fails and leaves the partition as it is;
 *   VCS then monitors it, finds it still online and runs clean (reason
 *   offline-ineffective or offline-hung), whose job a hard stop is;
 * - `1`: offline itself powers it off (`chsysstate -o shutdown --immed`) when
 *   the OS has not finished with 30 % of OfflineTimeout (10–60 s) left, or
 *   cannot be asked.
 *
 * A partition with no operating system up (Error, Open Firmware, Starting)
 * has nothing to shut down gracefully: it is powered off at once.
 *
 * clean: powered off at once; then what an earlier online left half made is
 * undone (provision.ts). Both then remove the partition and its VIOS
 * mappings when RemoveProfileOnOffline = 1 and a ProfileFile can create it
 * again.
 */
import { HmcCommandError, VcsPowervmError } from '../../framework/errors.js';
import { forgetBoot } from './boot.js';
import * as cmd from './hmc/commands.js';
import { partitionsOf, profileRecord, type PartitionRow } from './hmc/queries.js';
import { immediateShutdown, isDown, waitForState } from './power.js';
import { readProfileFile } from './profile-file.js';
import { asExisting, clientAdaptersOf, finishUndo, removeFromSystem } from './provision.js';
import type { Lpar } from './resource.js';

/** States in which the partition is off (nothing to shut down). */
const OFF = new Set(['Not Activated', 'Hardware Discovery', 'Migrating - Not Activated']);
/** States in which the OS may answer an OS shutdown. */
const OS_UP = new Set(['Running', 'Resuming', 'Suspending']);
/** Powered on without an operating system: nothing to shut down gracefully. */
const NO_OS = new Set(['Error', 'Open Firmware', 'Starting']);

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

/** Time kept for the hard power-off after an OS shutdown that does not finish (policy 1). */
export function hardReserveMs(remainingMs: number): number {
  return Math.min(60_000, Math.max(10_000, remainingMs * 0.3));
}

/** VCSPVM_LPAR_OFFLINE_HARD=1: offline powers off a partition whose OS does not shut down. */
export function hardStopPolicy(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  return env.VCSPVM_LPAR_OFFLINE_HARD === '1';
}

export async function offline(l: Lpar): Promise<number> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);
  if (!me) {
    log.info({ msgId: 20980 }, '%s is not defined on %s: nothing to take offline', l.name, l.system);
    return 0;
  }
  if (me.state === 'Migrating - Running') throw fail(l, `it is migrating from ${l.system}; not shutting it down`);
  if (me.state === 'Not Available') throw fail(l, `the HMCs cannot see managed system ${l.system}: it cannot be shut down now`);
  if (!OFF.has(me.state)) {
    if (NO_OS.has(me.state)) {
      log.notice({ msgId: 15336 }, '%s is %s on %s: no operating system to shut down', l.name, me.state, l.system);
      const r = await immediateShutdown(l, l.hmc.remaining());
      if (!r.reached) throw fail(l, `still ${r.state} on ${l.system} after an immediate shutdown`);
    } else {
      await osShutdown(l, me.state);
    }
    forgetBoot(l.ctx, l.ctx.resource);
    log.notice({ msgId: 6260 }, '%s is Not Activated on %s', l.name, l.system);
  }
  await removeIfConfigured(l, partitions);
  return 0;
}

/** The OS shuts down; what then if it does not is the policy (above). */
async function osShutdown(l: Lpar, state: string): Promise<void> {
  const log = l.ctx.log;
  const hard = hardStopPolicy();
  const grace = hard ? Math.max(0, l.hmc.remaining() - hardReserveMs(l.hmc.remaining())) : l.hmc.remaining();
  let down = false;
  let why = '';
  if (OS_UP.has(state)) {
    log.notice(
      { msgId: 30355 }, 'shutting down the operating system of %s on %s (chsysstate -o osshutdown; %s)',
      l.name, l.system, hard ? `a hard shutdown after ${Math.round(grace / 1000)} s` : 'clean powers it off if it does not finish within OfflineTimeout',
    );
    try {
      await l.hmc.change(cmd.osShutdown(l.system, l.name), l.system);
      down = (await waitForState(l, isDown, grace)).reached;
    } catch (e) {
      if (!(e instanceof HmcCommandError)) throw e;
      why = `HMC ${e.hmc} refused the OS shutdown (${e.message})`;
    }
  } else {
    // Shutting Down already (another offline, an administrator): wait for it.
    down = (await waitForState(l, isDown, grace)).reached;
  }
  if (!down && (await waitForState(l, isDown, 0)).reached) down = true;
  if (down) return;
  why ||= `its operating system did not shut down within ${hard ? 'the time before the hard shutdown' : 'OfflineTimeout'}`;
  if (!hard) throw fail(l, `${why}; it is left as it is for clean to power off (VCSPVM_LPAR_OFFLINE_HARD=1 makes offline do it)`);
  log.warn({ msgId: 50136 }, '%s: %s: hard shutdown (VCSPVM_LPAR_OFFLINE_HARD=1)', l.name, why);
  const r = await immediateShutdown(l, l.hmc.remaining());
  if (!r.reached) throw fail(l, `still ${r.state} on ${l.system} after a hard shutdown`);
}

export async function clean(l: Lpar, reason: string): Promise<void> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);
  if (!me) {
    log.info({ msgId: 38155 }, '%s is not defined on %s: clean (%s) has nothing to stop', l.name, l.system, reason);
    if (!(await finishUndo(l))) throw fail(l, `what an earlier online left half made on ${l.system} could not all be undone (see the log)`);
    return;
  }
  if (me.state.startsWith('Migrating')) throw fail(l, `it is ${me.state}: not powering it off during a migration`);
  if (me.state === 'Not Available') throw fail(l, `the HMCs cannot see managed system ${l.system}: it cannot be powered off now`);
  if (!OFF.has(me.state)) {
    log.notice({ msgId: 34789 }, 'cleaning %s (%s): it is %s on %s', l.name, reason, me.state, l.system);
    const r = await immediateShutdown(l, l.hmc.remaining());
    if (!r.reached) throw fail(l, `still ${r.state} on ${l.system} after a hard shutdown`);
  }
  forgetBoot(l.ctx, l.ctx.resource);
  if (!(await finishUndo(l))) throw fail(l, `what an earlier online left half made on ${l.system} could not all be undone (see the log)`);
  await removeIfConfigured(l, partitions);
}

async function removeIfConfigured(l: Lpar, partitions: readonly PartitionRow[]): Promise<void> {
  if (!l.removeOnOffline) return;
  const log = l.ctx.log;
  if (!l.profileFile) {
    log.warn({ msgId: 41280 }, 'RemoveProfileOnOffline = 1 but ProfileFile is not set for %s: %s is kept on %s (it could not be created again)', l.ctx.system, l.name, l.system);
    return;
  }
  let data;
  try {
    data = readProfileFile(l.profileFile);
  } catch (e) {
    log.error({ msgId: 29099 }, 'RemoveProfileOnOffline: %s is kept on %s because its ProfileFile cannot be used to create it again: %s', l.name, l.system, e instanceof Error ? e.message : String(e));
    return;
  }
  if (data.partition !== l.name) {
    log.error({ msgId: 16366 }, 'RemoveProfileOnOffline: %s is kept: ProfileFile %s describes %s', l.name, l.profileFile, data.partition);
    return;
  }
  log.notice({ msgId: 58072 }, 'removing %s and its VIOS mappings from %s (RemoveProfileOnOffline)', l.name, l.system);
  // The definition's own adapters (a live migration may have moved them since the ProfileFile was made).
  const existing = await profileRecord(l.hmc, l.system, l.name, data.profile).catch(() => undefined);
  await removeFromSystem(l, existing ? asExisting(data, clientAdaptersOf(existing), partitions) : data, partitions);
}
