/**
 * online: start the partition on this system's managed system.
 *
 * 1. one listing of the managed system: the partition's state and its VIO servers;
 *    all VIOSName servers down → refuse (VCS then tries the next system);
 * 2. already powered on here → wait for Running (Starting), power off first
 *    (Error, Open Firmware: what clean would do), or refuse (migrating, suspended);
 * 3. powered on on another managed system → refuse: never started twice;
 * 4. absent (or its ProfileFile profile absent) → created from ProfileFile with
 *    its VIOS side, rolled back on failure; no ProfileFile → a clear error;
 * 5. `chsysstate -o on -f PROFILE`, then wait for Running within OnlineTimeout.
 */
import { VcsPowervmError } from '../../framework/errors.js';
import * as cmd from './hmc/commands.js';
import { partitionsOf, profileNames, type PartitionRow } from './hmc/queries.js';
import { poweredElsewhere } from './monitor.js';
import { immediateShutdown, isDown, waitForState } from './power.js';
import { readProfileFile, type ProfileFileData } from './profile-file.js';
import { createFromProfileFile } from './provision.js';
import type { Lpar } from './resource.js';
import { describeHealth, viosHealth } from './vios.js';

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

export async function online(l: Lpar): Promise<number> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  let me = partitions.find((p) => p.name === l.name);

  const h = viosHealth(l.vios, partitions);
  if (h.verdict === 'all-down') throw fail(l, `all its VIO servers on ${l.system} are down (${describeHealth(h)}): not starting it here`);

  if (me) {
    switch (me.state) {
      case 'Running':
        log.info('%s is already Running on %s', l.name, l.system);
        return 0;
      case 'Starting':
      case 'Resuming':
        log.info('%s is already %s on %s: waiting for Running', l.name, me.state, l.system);
        return waitRunning(l);
      case 'Shutting Down': {
        log.notice('%s is shutting down on %s: waiting for it to finish before starting it', l.name, l.system);
        const r = await waitForState(l, isDown, l.hmc.remaining() / 2);
        if (!r.reached) throw fail(l, `still ${r.state} on ${l.system}; not started`);
        break;
      }
      case 'Error':
      case 'Open Firmware': {
        log.notice('%s is %s on %s: powering it off before starting it', l.name, me.state, l.system);
        const r = await immediateShutdown(l, l.hmc.remaining() / 2);
        if (!r.reached) throw fail(l, `did not power off (still ${r.state})`);
        break;
      }
      case 'Not Activated':
        break;
      default:
        throw fail(l, `it is ${me.state} on ${l.system}; not starting it`);
    }
  }

  const elsewhere = await poweredElsewhere(l);
  if (elsewhere.found) {
    throw fail(l, `it is ${elsewhere.found.state} on managed system ${elsewhere.found.system}: not starting a second copy on ${l.system}`);
  }
  if (elsewhere.unknown.length) log.warn('the HMC cannot tell whether %s runs on %s; starting it here as VCS asked', l.name, elsewhere.unknown.join(', '));

  let profile: string;
  if (l.profileFile) {
    const data = readProfileFile(l.profileFile);
    for (const w of data.warnings) log.warn('%s', w);
    if (data.partition !== l.name) throw fail(l, `ProfileFile ${l.profileFile} describes partition ${data.partition}, not ${l.name}`);
    profile = data.profile;
    const needProfile = me !== undefined && !(await hasProfile(l, me, data));
    if (!me || needProfile) {
      const r = await createFromProfileFile(l, data, partitions, me, needProfile);
      log.notice('%s: created %s', l.name, r.created.join(', ') || 'nothing (all present)');
      me = me ?? (await partitionsOf(l.hmc, l.system)).find((p) => p.name === l.name);
    }
  } else {
    if (!me) {
      throw fail(
        l,
        `it is not defined on managed system ${l.system} and ProfileFile is not set for system ${l.ctx.system}: create the partition on ${l.system} (Virtualization Guide, "Creating an LPAR profile") or set ProfileFile (hares -local ${l.ctx.resource} ProfileFile; hares -modify ${l.ctx.resource} ProfileFile /path -sys ${l.ctx.system})`,
      );
    }
    profile = me.defaultProfile || me.currProfile;
    if (!profile) throw fail(l, `it has no default profile on ${l.system} to start it with`);
  }

  log.notice('starting %s on %s with profile %s (chsysstate -o on)', l.name, l.system, profile);
  await l.hmc.check(cmd.activate(l.system, l.name, profile));
  return waitRunning(l);
}

async function hasProfile(l: Lpar, me: PartitionRow, data: ProfileFileData): Promise<boolean> {
  if (data.profile === me.defaultProfile || data.profile === me.currProfile) return true;
  return (await profileNames(l.hmc, l.system, l.name)).includes(data.profile);
}

/** Waits for Running within the time left; a partition still Starting then is left to monitor. */
async function waitRunning(l: Lpar): Promise<number> {
  const r = await waitForState(l, (s) => s !== 'Starting' && s !== 'Resuming', l.hmc.remaining());
  if (r.state === 'Running') {
    l.ctx.log.notice('%s is Running on %s', l.name, l.system);
    return 0;
  }
  if (!r.reached) {
    l.ctx.log.warn('%s is still %s on %s as OnlineTimeout nears; monitor will follow it', l.name, r.state, l.system);
    return 0;
  }
  throw fail(l, `it went to ${r.state ?? 'absent'} on ${l.system} instead of Running`);
}
