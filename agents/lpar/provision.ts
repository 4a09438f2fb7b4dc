/**
 * Creating a partition from its ProfileFile (with the VIOS side of its
 * virtual adapters), and removing it again (RemoveProfileOnOffline).
 *
 * Creation is all or nothing: each step that changed something pushes its
 * undo, and a failure runs the undos in reverse, logging each, before the
 * entry point fails. (The seed leaves a half-made partition to the
 * administrator; we clean it up.) VIOS work:
 *
 * - every client virtual SCSI/FC adapter of the profile names a VIOS and a
 *   server slot: that server adapter is created on the VIOS (DLPAR,
 *   `chhwres -o a`) unless one is there already for this partition or for
 *   any partition;
 * - every `vios_mapping` line maps its disk to that server adapter
 *   (`mkvdev`) or its FC port (`vfcmap`), unless already mapped.
 *
 * A VIOS that is not Running is passed over with a warning (the partition
 * boots through the others); if none of the VIOS it needs is Running, nothing
 * is created.
 */
import { VcsPowervmError } from '../../framework/errors.js';
import type { VirtualAdapter } from './adapters.js';
import * as cmd from './hmc/commands.js';
import { adaptersOf, viosFcMap, viosScsiMap, type AdapterRow, type PartitionRow } from './hmc/queries.js';
import { deviceName } from './names.js';
import { profileRecord, type ProfileFileData, type ViosMapping } from './profile-file.js';
import type { Lpar } from './resource.js';
import { createdDevice } from './vios.js';

interface Undo {
  what: string;
  run(): Promise<void>;
}

/** A server adapter the partition needs on a VIOS. */
interface ServerNeed {
  kind: 'scsi' | 'fc';
  vios: string;
  slot: number;
  clientSlot: number;
}

export function serverNeeds(data: ProfileFileData, partitions: readonly PartitionRow[]): ServerNeed[] {
  const needs: ServerNeed[] = [];
  for (const a of data.clientAdapters) {
    const vios = viosOf(a, partitions);
    if (vios === undefined || a.remoteSlot === undefined) continue;
    needs.push({ kind: a.kind, vios, slot: a.remoteSlot, clientSlot: a.slot });
  }
  return needs;
}

function viosOf(a: VirtualAdapter, partitions: readonly PartitionRow[]): string | undefined {
  if (a.remoteName !== undefined) return a.remoteName;
  return partitions.find((p) => p.id === a.remoteId && p.env === 'vioserver')?.name;
}

export interface CreateResult {
  created: string[];
}

/**
 * Creates what is missing: the partition (mksyscfg -r lpar) when `existing`
 * is undefined, else its profile (mksyscfg -r prof) when `needProfile`; then
 * the VIOS side. Throws VCSPVM_LPAR_ROLLBACK after undoing on failure.
 */
export async function createFromProfileFile(l: Lpar, data: ProfileFileData, partitions: readonly PartitionRow[], existing: PartitionRow | undefined, needProfile: boolean): Promise<CreateResult> {
  const log = l.ctx.log;
  const undo: Undo[] = [];
  const created: string[] = [];
  const step = (what: string) => log.notice('%s: %s', l.name, what);

  const needs = serverNeeds(data, partitions);
  const viosNeeded = [...new Set([...needs.map((n) => n.vios), ...data.mappings.map((m) => m.vios)])];
  const running = new Set(partitions.filter((p) => p.env === 'vioserver' && p.state === 'Running').map((p) => p.name));
  const usable = viosNeeded.filter((v) => running.has(v));
  for (const v of viosNeeded.filter((x) => !running.has(x))) {
    const p = partitions.find((x) => x.name === v);
    log.warn('%s: VIOS %s is %s: its adapters and mappings are not created; the partition boots through the others', l.name, v, p ? p.state : 'not on this managed system');
  }
  if (viosNeeded.length > 0 && usable.length === 0) {
    throw new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail: `none of the VIO servers its ProfileFile names (${viosNeeded.join(', ')}) is Running on ${l.system}: not creating it` });
  }

  try {
    if (!existing) {
      step(`creating the partition on ${l.system} from ${l.profileFile} (mksyscfg -r lpar)`);
      await l.hmc.check(cmd.createPartition(l.system, data.fields));
      created.push(`partition ${l.name}`);
      undo.push({ what: `remove partition ${l.name} (rmsyscfg -r lpar)`, run: () => l.hmc.check(cmd.removePartition(l.system, l.name)).then(() => undefined) });
    } else if (needProfile) {
      step(`creating profile ${data.profile} on ${l.system} from ${l.profileFile} (mksyscfg -r prof)`);
      await l.hmc.check(cmd.createProfile(l.system, profileRecord(data)));
      created.push(`profile ${data.profile}`);
      undo.push({ what: `remove profile ${data.profile} (rmsyscfg -r prof)`, run: () => l.hmc.check(cmd.removeProfile(l.system, l.name, data.profile)).then(() => undefined) });
    }

    // Server adapters on the VIOS.
    const byKind = new Map<'scsi' | 'fc', AdapterRow[]>();
    const rowsOf = async (kind: 'scsi' | 'fc') => {
      let rows = byKind.get(kind);
      if (!rows) byKind.set(kind, (rows = await adaptersOf(l.hmc, l.system, kind)));
      return rows;
    };
    const addedOn = new Set<string>();
    for (const n of needs.filter((x) => running.has(x.vios))) {
      const rows = await rowsOf(n.kind);
      const there = rows.find((r) => r.lpar === n.vios && r.slot === n.slot && r.type === 'server');
      if (there) {
        // Ours already (left from before), or an "any partition" adapter as the seed recommends for LPM.
        const ours = there.remoteName === l.name || (data.lparId !== undefined && there.remoteId === String(data.lparId) && there.remoteName === '');
        if (ours || there.remoteId === 'any') {
          log.info('%s: %s server adapter %s/%d is already there', l.name, n.kind, n.vios, n.slot);
          continue;
        }
        throw new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail: `slot ${n.slot} of VIOS ${n.vios} already holds a ${n.kind} server adapter for ${there.remoteName || `partition ${there.remoteId}`}` });
      }
      step(`adding ${n.kind} server adapter in slot ${n.slot} of VIOS ${n.vios} for client slot ${n.clientSlot} (chhwres -o a)`);
      await l.hmc.check(cmd.addServerAdapter(l.system, n.vios, n.kind, n.slot, l.name, n.clientSlot));
      created.push(`${n.kind} adapter ${n.vios}/${n.slot}`);
      addedOn.add(n.vios);
      undo.push({ what: `remove ${n.kind} server adapter ${n.vios}/${n.slot} (chhwres -o r)`, run: () => l.hmc.check(cmd.removeServerAdapter(l.system, n.vios, n.kind, n.slot)).then(() => undefined) });
    }
    // The VIOS configures the devices of adapters added while it runs.
    for (const v of addedOn) await l.hmc.check(cmd.viosCommand(l.system, v, ['cfgdev']));

    // Disk and FC port mappings.
    for (const m of data.mappings.filter((x) => running.has(x.vios))) {
      const made = await applyMapping(l, m);
      if (made) {
        created.push(made.what);
        undo.push(made.undo);
      }
    }
    return { created };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    log.error('%s: creating from %s failed: %s; rolling back %d step(s)', l.name, l.profileFile, reason, undo.length);
    const undone: string[] = [];
    for (const u of undo.reverse()) {
      try {
        await u.run();
        log.notice('%s: rollback: %s', l.name, u.what);
        undone.push(u.what);
      } catch (ue) {
        log.error('%s: rollback: %s failed: %s (left for the administrator)', l.name, u.what, ue instanceof Error ? ue.message : String(ue));
        undone.push(`${u.what} FAILED`);
      }
    }
    throw new VcsPowervmError('VCSPVM_LPAR_ROLLBACK', { lpar: l.name, detail: `creating it from ${l.profileFile} failed: ${reason}`, undone: undone.length ? undone.join('; ') : 'nothing had been created' }, { cause: e });
  }
}

async function applyMapping(l: Lpar, m: ViosMapping): Promise<{ what: string; undo: Undo } | undefined> {
  const log = l.ctx.log;
  if (m.kind === 'scsi') {
    const map = await viosScsiMap(l.hmc, l.system, m.vios);
    const vhost = map.find((v) => v.slot === m.slot);
    if (!vhost) throw new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail: `VIOS ${m.vios} has no virtual SCSI server adapter in slot ${m.slot} to map ${m.device} to` });
    if (vhost.vtds.some((v) => v.backing === m.device)) {
      log.info('%s: %s is already mapped to %s on %s', l.name, m.device, vhost.device, m.vios);
      return undefined;
    }
    const words = ['mkvdev', '-vdev', m.device, '-vadapter', deviceName(vhost.device, 'vhost device')];
    if (m.vtd !== undefined) words.push('-dev', m.vtd);
    log.notice('%s: mapping %s to %s on VIOS %s (mkvdev)', l.name, m.device, vhost.device, m.vios);
    const out = await l.hmc.check(cmd.viosCommand(l.system, m.vios, words));
    const vtd = createdDevice(out) ?? m.vtd;
    const rm = vtd !== undefined ? ['rmvdev', '-vtd', deviceName(vtd, 'virtual target device')] : ['rmvdev', '-vdev', m.device];
    return {
      what: `mapping ${m.device} → ${m.vios}/${vhost.device}${vtd ? ` (${vtd})` : ''}`,
      undo: { what: `unmap ${m.device} on ${m.vios} (${rm.join(' ')})`, run: () => l.hmc.check(cmd.viosCommand(l.system, m.vios, rm)).then(() => undefined) },
    };
  }
  const map = await viosFcMap(l.hmc, l.system, m.vios);
  const vfc = map.find((v) => v.slot === m.slot);
  if (!vfc) throw new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail: `VIOS ${m.vios} has no virtual FC server adapter in slot ${m.slot} to map ${m.port} to` });
  if (vfc.port === m.port) {
    log.info('%s: %s is already mapped to %s on %s', l.name, vfc.device, m.port, m.vios);
    return undefined;
  }
  const dev = deviceName(vfc.device, 'vfchost device');
  log.notice('%s: mapping %s to FC port %s on VIOS %s (vfcmap)', l.name, dev, m.port, m.vios);
  await l.hmc.check(cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', dev, '-fcp', m.port]));
  return {
    what: `mapping ${m.vios}/${dev} → ${m.port}`,
    undo: { what: `unmap ${dev} on ${m.vios} (vfcmap -fcp)`, run: () => l.hmc.check(cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', dev, '-fcp'])).then(() => undefined) },
  };
}

/**
 * RemoveProfileOnOffline: removes the disk/FC mappings the ProfileFile lists,
 * the server adapters dedicated to this partition, then the partition. Every
 * step is tried and logged; the failures are returned (the partition is
 * down either way, so they do not fail offline or clean).
 */
export async function removeFromSystem(l: Lpar, data: ProfileFileData, partitions: readonly PartitionRow[]): Promise<string[]> {
  const log = l.ctx.log;
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      log.notice('%s: removed %s', l.name, what);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log.error('%s: removing %s failed: %s', l.name, what, reason);
      failures.push(`${what}: ${reason}`);
    }
  };
  const running = new Set(partitions.filter((p) => p.env === 'vioserver' && p.state === 'Running').map((p) => p.name));

  // 1. Mappings (a server adapter with a mapping on it cannot be removed).
  const scsiMaps = new Map<string, Awaited<ReturnType<typeof viosScsiMap>>>();
  const fcMaps = new Map<string, Awaited<ReturnType<typeof viosFcMap>>>();
  for (const m of data.mappings) {
    if (!running.has(m.vios)) {
      failures.push(`mapping on ${m.vios}: the VIOS is not Running`);
      log.error('%s: cannot remove its mapping on VIOS %s: the VIOS is not Running', l.name, m.vios);
      continue;
    }
    if (m.kind === 'scsi') {
      await attempt(`mapping of ${m.device} on ${m.vios}`, async () => {
        if (!scsiMaps.has(m.vios)) scsiMaps.set(m.vios, await viosScsiMap(l.hmc, l.system, m.vios));
        const vhost = scsiMaps.get(m.vios)!.find((v) => v.slot === m.slot);
        const vtd = vhost?.vtds.find((v) => v.backing === m.device);
        if (!vtd) return;
        await l.hmc.check(cmd.viosCommand(l.system, m.vios, ['rmvdev', '-vtd', deviceName(vtd.name, 'virtual target device')]));
      });
    } else {
      await attempt(`FC mapping of slot ${m.slot} on ${m.vios}`, async () => {
        if (!fcMaps.has(m.vios)) fcMaps.set(m.vios, await viosFcMap(l.hmc, l.system, m.vios));
        const vfc = fcMaps.get(m.vios)!.find((v) => v.slot === m.slot);
        if (!vfc || vfc.port === '') return;
        await l.hmc.check(cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', deviceName(vfc.device, 'vfchost device'), '-fcp']));
      });
    }
  }

  // 2. Server adapters dedicated to this partition (an "any partition" adapter stays).
  const needs = serverNeeds(data, partitions).filter((n) => running.has(n.vios));
  const rows = new Map<string, AdapterRow[]>();
  for (const n of needs) {
    await attempt(`${n.kind} server adapter ${n.vios}/${n.slot}`, async () => {
      if (!rows.has(n.kind)) rows.set(n.kind, await adaptersOf(l.hmc, l.system, n.kind));
      const there = rows.get(n.kind)!.find((r) => r.lpar === n.vios && r.slot === n.slot && r.type === 'server');
      if (!there || there.remoteName !== l.name) return;
      await l.hmc.check(cmd.removeServerAdapter(l.system, n.vios, n.kind, n.slot));
    });
  }

  // 3. The partition and its profiles.
  await attempt(`partition ${l.name} from ${l.system}`, () => l.hmc.check(cmd.removePartition(l.system, l.name)));
  if (failures.length) log.error('%s: RemoveProfileOnOffline left work for the administrator: %s', l.name, failures.join('; '));
  return failures;
}
