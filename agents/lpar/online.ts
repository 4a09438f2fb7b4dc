/**
 * online: start the partition on this system's managed system, in steps a
 * later feature can hook into:
 *
 * 1. inspect: one listing of the managed system (the partition's state and
 *    its VIO servers'); all VIOSName servers down → refuse; already powered
 *    on here → wait for Running (Starting), power off first (Error, Open
 *    Firmware: what clean would do), or refuse (migrating, suspended);
 * 2. safety: every other managed system judged with the safety table
 *    (safety.ts, elsewhere.ts): powered there, or the HMCs cannot exclude
 *    it → refuse, with the administrator's way forward in the log;
 * 3. prepare: a complete partition — absent (or its ProfileFile profile
 *    absent) → created from ProfileFile with its VIOS side; present → its
 *    VIOS side (server adapters, disk mappings) verified, what is missing
 *    made; rolled back on failure with a time reserve (provision.ts);
 * 4. before activation: the hooks of `OnlineOptions.beforeActivation`, in
 *    order, with the partition complete and the profile known (DR adds its
 *    adapters here);
 * 5. activation: the other systems checked once more, `chsysstate -o on -f
 *    PROFILE`, then the boot watched until Running: other systems (two
 *    racing onlines end with one partition) and the reference code (a hung
 *    boot fails online) — activation.ts.
 */
import { VcsPowervmError } from '../../framework/errors.js';
import { activateAndWatch, watchBoot, watchedSystems } from './activation.js';
import { survey, useConfirmation, type Survey } from './elsewhere.js';
import { partitionsOf, profileNames, profileRecord, type PartitionRow } from './hmc/queries.js';
import { immediateShutdown, isDown, waitForState } from './power.js';
import { readProfileFile, type ProfileFileData } from './profile-file.js';
import { asExisting, clientAdaptersOf, completeFromProfileFile, pendingUndo } from './provision.js';
import type { Lpar } from './resource.js';
import { describeHealth, viosHealth } from './vios.js';

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

/** A step run with the partition complete, just before it is activated (DR's profile adapters, say). */
export type BeforeActivation = (l: Lpar, step: { profile: string; partition: PartitionRow }) => Promise<void>;

export interface OnlineOptions {
  beforeActivation?: readonly BeforeActivation[];
}

export async function online(l: Lpar, opts: OnlineOptions = {}): Promise<number> {
  // 1. Inspect.
  const inspected = await inspect(l);
  if (inspected.done !== undefined) return inspected.done;

  // 2. Safety: never where it may already run.
  const first = await refuseIfElsewhere(l);

  // 3. Prepare a complete partition.
  const { profile, partition } = await prepare(l, inspected.me, inspected.partitions);

  // 4. Before activation.
  for (const step of opts.beforeActivation ?? []) await step(l, { profile, partition });

  // 5. Activate: checked again right before, then watched.
  const again = await refuseIfElsewhere(l, first);
  for (const j of again.warnings) if (j.verdict.row === 'S9') useConfirmation(l.ctx, l.ctx.resource, j.other.system);
  return activateAndWatch(l, profile, watchedSystems(again));
}

interface Inspected {
  /** Set when online is over (already Running, or waited for a boot under way). */
  done?: number;
  me: PartitionRow | undefined;
  partitions: PartitionRow[];
}

async function inspect(l: Lpar): Promise<Inspected> {
  const log = l.ctx.log;
  const partitions = await partitionsOf(l.hmc, l.system);
  const me = partitions.find((p) => p.name === l.name);
  const h = viosHealth(l.vios, partitions);
  if (h.verdict === 'all-down') throw fail(l, `all its VIO servers on ${l.system} are down (${describeHealth(h)}): not starting it here`);
  if (!me) return { me, partitions };
  switch (me.state) {
    case 'Running':
      log.info({ msgId: 57764 }, '%s is already Running on %s', l.name, l.system);
      return { done: 0, me, partitions };
    case 'Starting':
    case 'Resuming': {
      log.info({ msgId: 33478 }, '%s is already %s on %s: waiting for Running', l.name, me.state, l.system);
      const s = await survey(l, { clusterServers: false });
      return { done: await watchBoot(l, watchedSystems(s)), me, partitions };
    }
    case 'Shutting Down': {
      log.notice({ msgId: 48630 }, '%s is shutting down on %s: waiting for it to finish before starting it', l.name, l.system);
      const r = await waitForState(l, isDown, l.hmc.remaining() / 2);
      if (!r.reached) throw fail(l, `still ${r.state} on ${l.system}; not started`);
      return { me: { ...me, state: r.state ?? 'Not Activated' }, partitions };
    }
    case 'Error':
    case 'Open Firmware': {
      log.notice({ msgId: 11572 }, '%s is %s on %s: powering it off before starting it', l.name, me.state, l.system);
      const r = await immediateShutdown(l, l.hmc.remaining() / 2);
      if (!r.reached) throw fail(l, `did not power off (still ${r.state})`);
      return { me: { ...me, state: 'Not Activated' }, partitions };
    }
    case 'Not Activated':
      return { me, partitions };
    case 'Not Available':
      throw fail(l, `the HMCs cannot see managed system ${l.system} (${l.name} is Not Available there): not starting it; once an HMC sees ${l.system} again, online can be tried again`);
    default:
      throw fail(l, `it is ${me.state} on ${l.system}; not starting it`);
  }
}

/**
 * The safety table (safety.ts) over every other managed system: powered
 * elsewhere or impossible to exclude → an error whose one line names the
 * way forward. `before` (the first survey) is for the log: what changed.
 */
async function refuseIfElsewhere(l: Lpar, before?: Survey): Promise<Survey> {
  const s = await survey(l);
  if (s.powered) {
    const j = s.powered;
    throw fail(l, `${j.verdict.why}: not starting a second copy on ${l.system}${before && !before.powered ? ' (it was started there while this online prepared)' : ''}`);
  }
  if (s.cannotTell.length) {
    const why = s.cannotTell.map((j) => `${j.verdict.why} [${j.verdict.row}]`).join('; ');
    const systems = s.cannotTell.map((j) => j.other.system);
    throw new VcsPowervmError('VCSPVM_LPAR_CANNOT_TELL', {
      lpar: l.name,
      system: l.system,
      detail: why,
      action: systems.map((sys) => `hares -action ${l.ctx.resource} confirm-down -actionargs ${sys} -sys ${l.ctx.system}`).join('; '),
    });
  }
  for (const j of s.warnings) l.ctx.log.warn({ msgId: 25012 }, '%s: %s [%s]', l.name, j.verdict.warning, j.verdict.row);
  return s;
}

/** 3. A complete partition: created, or its VIOS side verified (and completed) from ProfileFile. */
async function prepare(l: Lpar, me: PartitionRow | undefined, partitions: PartitionRow[]): Promise<{ profile: string; partition: PartitionRow }> {
  const log = l.ctx.log;
  if (!l.profileFile) {
    if (!me) {
      throw fail(
        l,
        `it is not defined on managed system ${l.system} and ProfileFile is not set for system ${l.ctx.system}: create the partition on ${l.system} (Virtualization Guide, "Creating an LPAR profile") or set ProfileFile (hares -local ${l.ctx.resource} ProfileFile; hares -modify ${l.ctx.resource} ProfileFile /path -sys ${l.ctx.system})`,
      );
    }
    const leftover = pendingUndo(l);
    if (leftover) throw fail(l, `an earlier online left it half made on ${l.system} (${leftover}) and ProfileFile is not set to complete it: run clean (hares -clear, or hares -offline) first`);
    const profile = me.defaultProfile || me.currProfile;
    if (!profile) throw fail(l, `it has no default profile on ${l.system} to start it with`);
    return { profile, partition: me };
  }
  const data = readProfileFile(l.profileFile);
  for (const w of data.warnings) log.warn({ msgId: 38800 }, '%s', w);
  if (data.partition !== l.name) throw fail(l, `ProfileFile ${l.profileFile} describes partition ${data.partition}, not ${l.name}`);
  const needProfile = me !== undefined && !(await hasProfile(l, me, data));
  // A definition that exists is completed as it is (its own adapters), from what the ProfileFile knows of its disks.
  const existing = me !== undefined && !needProfile ? await profileRecord(l.hmc, l.system, l.name, data.profile) : undefined;
  const wanted = existing ? asExisting(data, clientAdaptersOf(existing), partitions) : data;
  const r = await completeFromProfileFile(l, wanted, partitions, me, needProfile);
  if (r.created.length) log.notice({ msgId: 34820 }, '%s: made %s', l.name, r.created.join(', '));
  const partition = me ?? (await partitionsOf(l.hmc, l.system)).find((p) => p.name === l.name);
  if (!partition) throw fail(l, `it is not on ${l.system} after creating it`);
  return { profile: data.profile, partition };
}

async function hasProfile(l: Lpar, me: PartitionRow, data: ProfileFileData): Promise<boolean> {
  if (data.profile === me.defaultProfile || data.profile === me.currProfile) return true;
  return (await profileNames(l.hmc, l.system, l.name)).includes(data.profile);
}
