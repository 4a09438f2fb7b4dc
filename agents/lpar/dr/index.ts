/**
 * The management side of DR network reconfiguration (Virtualization Guide:
 * "Configuring IBM PowerVM LPAR guest for disaster recovery").
 *
 * online, ConfigureNetwork = 1: DROpts is checked before the partition is
 * started (a refused DROpts starts nothing); once it runs, the VLAN 123
 * adapters of the management LPAR and of the partition are ensured, its
 * settings are recorded as served, and the responder is started if none
 * runs. offline and clean undo what online did: the partition is no longer
 * served, the adapters the agent added go, and the responder stops with the
 * last served partition. The management LPAR is the partition named as the
 * cluster system (the seed's naming: node aixnode55mp1 is that LPAR).
 */
import { rmSync } from 'node:fs';
import { writeFileAtomic } from '../../../framework/fs.js';
import { VcsPowervmError } from '../../../framework/errors.js';
import { drOptsVerdict, toDrOpts, type NetworkSettings } from '../../reconfig/settings.js';
import { partitionName } from '../names.js';
import type { Lpar } from '../resource.js';
import { ensureResponder, runningResponder, stopResponder } from './control.js';
import { drPaths, ensureDrDirs, readJsonFile, servedFile, servedPartitions, type Served, type VlanState } from './paths.js';
import { DR_VLAN_ID, ensureVlan, removeVlanEnds } from './vlan.js';

/** DROpts checked: the settings to serve, or undefined when ConfigureNetwork is not 1. Throws when refused. */
export function drSettingsOf(l: Lpar): NetworkSettings | undefined {
  const v = drOptsVerdict(l.ctx.attributes.DROpts);
  if (v.kind === 'bad') throw new VcsPowervmError('VCSPVM_LPAR_DROPTS', { lpar: l.name, detail: v.problems.join('; ') });
  return v.kind === 'apply' ? v.settings : undefined;
}

function managementOf(l: Lpar): string {
  return partitionName(l.ctx.system, 'the management LPAR (the cluster system name)');
}

export async function drOnline(l: Lpar, settings: NetworkSettings): Promise<void> {
  const log = l.ctx.log;
  const paths = drPaths(l.ctx.vcs.log);
  ensureDrDirs(paths);
  const management = managementOf(l);
  const ends = await ensureVlan(l.hmc, l.system, [management, l.name], { rmcWaitMs: Math.max(0, Math.min(60_000, l.hmc.remaining() - 5_000)) });
  const [mine, guest] = ends as [(typeof ends)[0], (typeof ends)[0]];
  if (mine.added) writeFileAtomic(paths.vlan, `${JSON.stringify({ system: l.system, partition: management, slot: mine.slot } satisfies VlanState)}\n`, { mode: 0o600 });
  const previous = readJsonFile<Served>(servedFile(paths, l.name));
  const served: Served = {
    v: 1,
    partition: l.name,
    resource: l.ctx.resource,
    system: l.system,
    settings: toDrOpts(settings),
    // An adapter a previous online added stays ours to remove.
    guestSlot: guest.added ? guest.slot : previous?.system === l.system && previous.guestSlot === guest.slot ? guest.slot : null,
  };
  writeFileAtomic(servedFile(paths, l.name), `${JSON.stringify(served)}\n`, { mode: 0o600 });
  const r = await ensureResponder(paths, { system: l.system, management }, process.env);
  const added = ends.filter((e) => e.added).map((e) => `${e.partition} slot ${e.slot}`);
  log.notice(
    'DR: serving the network settings of %s (%s) over VLAN %d: %s; responder pid %d on %s:%d%s',
    l.name,
    describe(settings),
    DR_VLAN_ID,
    added.length ? `added adapters ${added.join(', ')}` : 'adapters already there',
    r.pid,
    r.host,
    r.port,
    r.started ? ' (started)' : '',
  );
}

function describe(s: NetworkSettings): string {
  const parts = [s.ipAddress ? `${s.device} ${s.ipAddress}/${s.netmask}` : '', s.gateway ? `gateway ${s.gateway}` : '', s.hostName ? `host ${s.hostName}` : ''];
  return parts.filter(Boolean).join(', ') || 'DNS only';
}

/**
 * Undoes online's DR work for this partition. `bestEffort` (clean) logs what
 * fails instead of throwing, and still stops the responder.
 */
export async function drOffline(l: Lpar, bestEffort: boolean): Promise<void> {
  const log = l.ctx.log;
  const paths = drPaths(l.ctx.vcs.log);
  const file = servedFile(paths, l.name);
  const served = readJsonFile<Served>(file);
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      if (!bestEffort) throw e;
      log.error('DR: %s failed: %s', what, e instanceof Error ? e.message : String(e));
    }
  };
  if (served) {
    rmSync(file, { force: true });
    log.notice('DR: %s is no longer served over VLAN %d', l.name, DR_VLAN_ID);
    if (served.guestSlot !== null) {
      await attempt(`removing the VLAN ${DR_VLAN_ID} adapter of ${l.name}`, async () => {
        const gone = await removeVlanEnds(l.hmc, served.system, [{ partition: l.name, slot: served.guestSlot! }]);
        if (gone.length) log.notice('DR: removed the VLAN %d adapter of %s', DR_VLAN_ID, gone.join(', '));
      });
    }
  }
  if (servedPartitions(paths).length > 0) return;
  const pid = await stopResponder(paths);
  if (pid) log.notice('DR: the responder (pid %d) stopped: no partition is served any more', pid);
  // Another resource's online may have recorded its partition while this one stopped the responder.
  if (servedPartitions(paths).length > 0) {
    const r = await ensureResponder(paths, { system: l.system, management: managementOf(l) }, process.env);
    log.notice('DR: the responder started again (pid %d): another partition is served now', r.pid);
    return;
  }
  const vlan = readJsonFile<VlanState>(paths.vlan);
  if (vlan) {
    await attempt(`removing the VLAN ${DR_VLAN_ID} adapter of ${vlan.partition}`, async () => {
      const gone = await removeVlanEnds(l.hmc, vlan.system, [{ partition: vlan.partition, slot: vlan.slot }]);
      rmSync(paths.vlan, { force: true });
      if (gone.length) log.notice('DR: removed the VLAN %d adapter of %s', DR_VLAN_ID, gone.join(', '));
    });
  }
}

/** Whether this resource has DR state to undo (offline and clean skip the HMC otherwise). */
export function hasDrState(l: Lpar): boolean {
  const paths = drPaths(l.ctx.vcs.log);
  return readJsonFile<Served>(servedFile(paths, l.name)) !== undefined || (servedPartitions(paths).length === 0 && (runningResponder(paths) !== undefined || readJsonFile(paths.vlan) !== undefined));
}
