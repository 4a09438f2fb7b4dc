/**
 * The management side of DR network reconfiguration (Virtualization Guide:
 * "Configuring IBM PowerVM LPAR guest for disaster recovery"); docs/dr.md.
 *
 * online, ConfigureNetwork = 1: DROpts and the partition's key are checked
 * before anything starts (refused: nothing starts). Then, before the
 * partition is activated (online.ts's before-activation step): the
 * management LPAR's VLAN 123 adapter (DLPAR) and interface (the well-known
 * address), the partition's VLAN 123 adapter in the profile it is activated
 * with, its settings recorded as served, the responder started. The guest's
 * boot service finds all of it in place.
 *
 * monitor, while the partition runs here: a served partition whose
 * responder died gets it restarted; changed DROpts are served (attr_changed
 * does it at once where VCS calls it); a partition running here that is not
 * served (it was migrated here) is served from then on. Where it was
 * migrated away (or is intentionally offline here), this side stops serving.
 *
 * offline and clean undo what online did on this side; migrate stops the
 * serving here once the partition runs on the target. The management LPAR
 * is the partition named as the cluster system (the seed's naming).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AttrChangedContext } from '../../../framework/agent/define.js';
import { VcsPowervmError } from '../../../framework/errors.js';
import { writeFileAtomic } from '../../../framework/fs.js';
import { isProcessAlive } from '../../../framework/process.js';
import { managementKeyDir, managementKeyFile, readKey } from '../../reconfig/keys.js';
import { MANAGEMENT_ADDRESS } from '../../reconfig/protocol.js';
import { drOptsVerdict, toDrOpts, type NetworkSettings } from '../../reconfig/settings.js';
import { partitionsOf, profileRecord, type PartitionRow } from '../hmc/queries.js';
import { partitionName } from '../names.js';
import type { Lpar, LparAttributes } from '../resource.js';
import { ensureResponder, runningResponder, stopResponder } from './control.js';
import { configureInterface, unconfigureInterface } from './interface.js';
import { drPaths, ensureDrDirs, readJsonFile, servedFile, servedPartitions, type DrPaths, type Served, type VlanState } from './paths.js';
import { DR_VLAN_ID, drAdapterOf, ensureManagementAdapter, ensureProfileAdapter, ethAdapters, removeAdapter, removeProfileAdapter } from './vlan.js';

const drError = (detail: string) => new VcsPowervmError('VCSPVM_LPAR_DR', { detail });

/** DROpts checked: the settings to serve, or undefined when ConfigureNetwork is not 1. Throws when refused. */
export function drSettingsOf(l: Lpar): NetworkSettings | undefined {
  const v = drOptsVerdict(l.ctx.attributes.DROpts);
  if (v.kind === 'bad') throw new VcsPowervmError('VCSPVM_LPAR_DROPTS', { lpar: l.name, detail: v.problems.join('; ') });
  return v.kind === 'apply' ? v.settings : undefined;
}

/** The partition's key on this management LPAR; throws VCSPVM_DR_KEY (what is wrong, what to do). */
export function checkKey(l: Lpar): void {
  readKey(managementKeyFile(l.ctx.vcs.conf, l.name));
}

function managementOf(l: Lpar): string {
  return partitionName(l.ctx.system, 'the management LPAR (the cluster system name)');
}

function describe(s: NetworkSettings): string {
  const parts = [s.ipAddress ? `${s.device} ${s.ipAddress}/${s.netmask}` : '', s.gateway ? `gateway ${s.gateway}` : '', s.hostName ? `host ${s.hostName}` : ''];
  return parts.filter(Boolean).join(', ') || 'DNS only';
}

const writeState = (file: string, value: unknown) => writeFileAtomic(file, `${JSON.stringify(value)}\n`, { mode: 0o600, backup: false });

/** How long an entry point waits for another one setting up or taking down the management LPAR's end. */
const LOCK_WAIT_MS = 60_000;

/**
 * One entry point at a time sets up or takes down the management LPAR's end
 * (two resources' onlines at once would each add an adapter): a lock
 * directory holding the owner's pid; a dead owner's lock is taken over.
 */
async function withManagementLock<T>(paths: DrPaths, fn: () => Promise<T>): Promise<T> {
  const lock = join(paths.dir, 'management.lock');
  const end = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock, { mode: 0o700 });
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number(readFileSync(join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || 0);
      if (owner > 0 && !isProcessAlive(owner)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > end) throw drError(`another entry point (pid ${owner || '?'}) has been setting up VLAN 123 for ${LOCK_WAIT_MS / 1000} s`);
      else await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** The management LPAR's end: adapter (DLPAR) and interface, recorded as soon as each exists so that offline and clean undo them. */
async function ensureManagementSide(l: Lpar, paths: DrPaths): Promise<string[]> {
  const management = managementOf(l);
  const rows = await ethAdapters(l.hmc, l.system);
  const had = readJsonFile<VlanState>(paths.vlan);
  const done: string[] = [];
  let state: VlanState;
  if (had && had.system === l.system && drAdapterOf(rows, management)?.slot === had.slot) state = had;
  else {
    const m = await ensureManagementAdapter(l.hmc, l.system, management, rows, Math.max(0, Math.min(30_000, l.hmc.remaining() - 10_000)));
    state = { system: l.system, partition: management, slot: m.slot, added: m.added, device: '', configured: false };
    writeState(paths.vlan, state);
    if (m.added) done.push(`added the adapter of ${management} (slot ${m.slot})`);
  }
  const i = await configureInterface(state.slot);
  if (i.configured || i.device !== state.device) {
    state = { ...state, device: i.device, configured: state.configured || i.configured };
    writeState(paths.vlan, state);
  }
  if (i.configured) done.push(`${i.device} ${MANAGEMENT_ADDRESS}`);
  return done;
}

export interface ServeHow {
  /** The profile the partition is (or will be) started with. */
  profile: string;
  lparId: number;
}

/** Serves the partition's settings from this management LPAR (idempotent); what it did, for the log. */
export async function drServe(l: Lpar, settings: NetworkSettings, how: ServeHow): Promise<string> {
  checkKey(l);
  const paths = drPaths(l.ctx.vcs.log);
  ensureDrDirs(paths);
  // Under the lock: an offline of another partition does not take the management LPAR's end away meanwhile.
  return withManagementLock(paths, () => serveLocked(l, settings, how, paths));
}

async function serveLocked(l: Lpar, settings: NetworkSettings, how: ServeHow, paths: DrPaths): Promise<string> {
  const done = await ensureManagementSide(l, paths);
  const profile = await profileRecord(l.hmc, l.system, l.name, how.profile);
  if (!profile) throw drError(`profile ${how.profile} of ${l.name} is not on ${l.system}: the VLAN ${DR_VLAN_ID} adapter cannot be put into it`);
  const g = await ensureProfileAdapter(l.hmc, l.system, l.name, how.profile, profile);
  if (g.added) done.push(`added the adapter of ${l.name} to profile ${how.profile} (slot ${g.slot})`);
  const previous = readJsonFile<Served>(servedFile(paths, l.name));
  const mine = g.added || (previous?.system === l.system && previous.profile === how.profile && previous.guestSlot === g.slot);
  const served: Served = { v: 2, partition: l.name, resource: l.ctx.resource, system: l.system, lparId: how.lparId, settings: toDrOpts(settings), profile: how.profile, guestSlot: mine ? g.slot : null };
  writeState(servedFile(paths, l.name), served);
  const r = await ensureResponder(paths, { management: managementOf(l), keys: managementKeyDir(l.ctx.vcs.conf) });
  return `serving the network settings of ${l.name} (ID ${how.lparId}: ${describe(settings)}) over VLAN ${DR_VLAN_ID}${done.length ? `; ${done.join('; ')}` : '; adapters already there'}; responder pid ${r.pid} on ${r.host}:${r.port}${r.started ? ' (started)' : ''}`;
}

/** online's step before activation. */
export async function drBeforeActivation(l: Lpar, settings: NetworkSettings, step: { profile: string; partition: PartitionRow }): Promise<void> {
  l.ctx.log.notice({ msgId: 4945 }, 'DR: %s', await drServe(l, settings, { profile: step.profile, lparId: step.partition.id }));
}

/** online found the partition already up here: served from now on, its adapter in the profile for its next boot. */
export async function drServeRunning(l: Lpar, settings: NetworkSettings): Promise<void> {
  const me = (await partitionsOf(l.hmc, l.system)).find((p) => p.name === l.name);
  if (!me) throw drError(`${l.name} is not on ${l.system}`);
  const text = await drServe(l, settings, { profile: me.currProfile || me.defaultProfile, lparId: me.id });
  l.ctx.log.notice({ msgId: 2482 }, 'DR: %s (it was already up: the guest gets them at its next boot)', text);
}

type Attempt = (what: string, fn: () => Promise<void>) => Promise<void>;

function attempter(l: Lpar, bestEffort: boolean): Attempt {
  return async (what, fn) => {
    try {
      await fn();
    } catch (e) {
      if (!bestEffort) throw e;
      l.ctx.log.error({ msgId: 62151 }, 'DR: %s failed: %s', what, e instanceof Error ? e.message : String(e));
    }
  };
}

/** With nothing served any more: the responder stops, the management LPAR's interface and adapter go. */
async function releaseManagementSide(l: Lpar, paths: DrPaths, attempt: Attempt): Promise<void> {
  if (servedPartitions(paths).length > 0) return;
  await withManagementLock(paths, async () => {
    // An online that came meanwhile keeps the management LPAR's end.
    if (servedPartitions(paths).length > 0) return;
    const pid = await stopResponder(paths);
    if (pid) l.ctx.log.notice({ msgId: 20765 }, 'DR: the responder (pid %d) stopped: no partition is served any more', pid);
    await releaseInterfaceAndAdapter(l, paths, attempt);
  });
}

async function releaseInterfaceAndAdapter(l: Lpar, paths: DrPaths, attempt: Attempt): Promise<void> {
  const vlan = readJsonFile<VlanState>(paths.vlan);
  if (!vlan) return;
  await attempt(`removing the VLAN ${DR_VLAN_ID} interface of ${vlan.partition}`, async () => {
    if (vlan.device) await unconfigureInterface(vlan.device, vlan.added, vlan.configured);
    if (vlan.added && (await removeAdapter(l.hmc, vlan.system, vlan.partition, vlan.slot))) l.ctx.log.notice({ msgId: 24146 }, 'DR: removed the VLAN %d adapter of %s (slot %d)', DR_VLAN_ID, vlan.partition, vlan.slot);
    rmSync(paths.vlan, { force: true });
  });
}

/**
 * offline and clean: this partition is no longer served here, the profile
 * adapter this site added goes, and with the last served partition the
 * management LPAR's side. `bestEffort` (clean) logs what fails and goes on.
 */
export async function drOffline(l: Lpar, bestEffort: boolean): Promise<void> {
  const paths = drPaths(l.ctx.vcs.log);
  const attempt = attempter(l, bestEffort);
  const file = servedFile(paths, l.name);
  const served = readJsonFile<Served>(file);
  if (served) {
    rmSync(file, { force: true });
    l.ctx.log.notice({ msgId: 24879 }, 'DR: %s is no longer served over VLAN %d', l.name, DR_VLAN_ID);
    if (served.guestSlot !== null && served.system === l.system) {
      await attempt(`removing the VLAN ${DR_VLAN_ID} adapter from profile ${served.profile} of ${l.name}`, async () => {
        await removeProfileAdapter(l.hmc, served.system, l.name, served.profile, served.guestSlot!);
        l.ctx.log.notice({ msgId: 34098 }, 'DR: removed the VLAN %d adapter (slot %d) from profile %s of %s', DR_VLAN_ID, served.guestSlot, served.profile, l.name);
      });
    }
  }
  await releaseManagementSide(l, paths, attempt);
}

/** The partition now runs elsewhere (migrate, or a migration outside VCS): no longer served here; its adapter went with it. */
export async function drNotHere(l: Lpar, where: string): Promise<void> {
  const paths = drPaths(l.ctx.vcs.log);
  const file = servedFile(paths, l.name);
  if (!readJsonFile<Served>(file)) return;
  rmSync(file, { force: true });
  l.ctx.log.notice({ msgId: 40268 }, 'DR: %s runs on %s now: no longer served from %s (the management LPAR there serves it)', l.name, where, l.ctx.system);
  await releaseManagementSide(l, paths, attempter(l, true));
}

/**
 * monitor, the partition online here: the DR side checked with local looks
 * only (served record, responder), the HMC asked only to take over.
 */
export async function drMonitor(l: Lpar, me: PartitionRow): Promise<void> {
  const log = l.ctx.log;
  const paths = drPaths(l.ctx.vcs.log);
  const v = drOptsVerdict(l.ctx.attributes.DROpts);
  const served = readJsonFile<Served>(servedFile(paths, l.name));
  if (v.kind !== 'apply') {
    if (served) {
      rmSync(servedFile(paths, l.name), { force: true });
      log.notice({ msgId: 62992 }, 'DR: DROpts of %s %s: no longer served (the VLAN %d adapters go at offline)', l.name, v.kind === 'bad' ? `is refused (${v.problems.join('; ')})` : 'no longer has ConfigureNetwork = 1', DR_VLAN_ID);
    }
    return;
  }
  try {
    if (!served || served.system !== l.system || served.lparId !== me.id) {
      const text = await drServe(l, v.settings, { profile: me.currProfile || me.defaultProfile, lparId: me.id });
      log.notice({ msgId: 40621 }, 'DR: %s runs here and was not served from here (migrated here?): %s', l.name, text);
      return;
    }
    const want = toDrOpts(v.settings);
    if (JSON.stringify(want) !== JSON.stringify(served.settings)) {
      writeState(servedFile(paths, l.name), { ...served, settings: want } satisfies Served);
      log.notice({ msgId: 49040 }, 'DR: DROpts of %s changed: now serving %s (the guest applies them at its next boot)', l.name, describe(v.settings));
    }
    if (!runningResponder(paths)) {
      const was = readJsonFile<{ pid: number }>(paths.pid)?.pid;
      const r = await ensureResponder(paths, { management: managementOf(l), keys: managementKeyDir(l.ctx.vcs.conf) });
      log.warn({ msgId: 40774 }, 'DR: the responder%s was not running: started again (pid %d); a guest booting meanwhile kept its network', was ? ` (pid ${was})` : '', r.pid);
    }
  } catch (e) {
    // The partition runs: DR trouble is the administrator's to fix, never a failover.
    log.error({ msgId: 6698 }, 'DR: %s is not served over VLAN %d: %s', l.name, DR_VLAN_ID, e instanceof Error ? e.message : String(e));
  }
}

/** attr_changed of DROpts: served at once (no HMC: attr_changed gets no ArgList). */
export function drAttrChanged(ctx: AttrChangedContext<LparAttributes>): void {
  const { attribute, value } = ctx.changed;
  if (attribute !== 'DROpts') return;
  const paths = drPaths(ctx.vcs.log);
  const served = servedPartitions(paths)
    .map((p) => readJsonFile<Served>(servedFile(paths, p)))
    .find((s) => s?.resource === ctx.resource);
  if (!served) {
    ctx.log.info({ msgId: 32725 }, 'DR: DROpts of %s changed; nothing is served for it on this system', ctx.resource);
    return;
  }
  // An association arrives as KEY VALUE pairs (after their count, when VCS gives one).
  const items = /^\d+$/.test(value[0] ?? '') && Number(value[0]) === value.length - 1 ? value.slice(1) : value;
  const dropts: Record<string, string> = {};
  for (let i = 0; i + 1 < items.length; i += 2) dropts[items[i]!] = items[i + 1]!;
  const v = drOptsVerdict(dropts);
  if (v.kind === 'bad') {
    ctx.log.error({ msgId: 60801 }, 'DR: the new DROpts of %s is refused (%s): the previous settings are still served', ctx.resource, v.problems.join('; '));
    return;
  }
  if (v.kind === 'off') {
    rmSync(servedFile(paths, served.partition), { force: true });
    ctx.log.notice({ msgId: 16012 }, 'DR: ConfigureNetwork of %s is no longer 1: %s is no longer served (the VLAN %d adapters go at offline)', ctx.resource, served.partition, DR_VLAN_ID);
    return;
  }
  writeState(servedFile(paths, served.partition), { ...served, settings: toDrOpts(v.settings) } satisfies Served);
  ctx.log.notice({ msgId: 29650 }, 'DR: DROpts of %s changed: now serving %s to %s (the guest applies them at its next boot)', ctx.resource, describe(v.settings), served.partition);
}

/** Whether this resource has DR state to undo (offline and clean skip the HMC otherwise). */
export function hasDrState(l: Lpar): boolean {
  const paths = drPaths(l.ctx.vcs.log);
  return readJsonFile<Served>(servedFile(paths, l.name)) !== undefined || (servedPartitions(paths).length === 0 && (runningResponder(paths) !== undefined || readJsonFile(paths.vlan) !== undefined));
}
