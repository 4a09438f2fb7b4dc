/**
 * A complete partition from its ProfileFile (with the VIOS side of its
 * virtual adapters), and removing it again (RemoveProfileOnOffline).
 *
 * Completion is all or nothing, and it is the same whether the partition is
 * absent, half made by an earlier online, or complete: what is missing is
 * made, then everything the ProfileFile names is verified present before
 * online may activate it (a partition booted without its virtual target
 * device boots without its disk). VIOS work:
 *
 * - every client virtual SCSI/FC adapter of the profile names a VIOS and a
 *   server slot: that server adapter is created on the VIOS (DLPAR,
 *   `chhwres -o a`, then `cfgdev`) unless one is there already for this
 *   partition or for any partition;
 * - every `vios_mapping` line maps its disk to that server adapter
 *   (`mkvdev`) or its FC port (`vfcmap`), unless already mapped.
 *
 * A VIOS that is not Running is passed over with a warning (the partition
 * boots through the others); if none of the VIOS it needs is Running,
 * nothing is created.
 *
 * Every step that changed something records its undo, as data, in
 * $VCS_LOG/tmp/LPAR/undo.RES@SYSTEM as it goes. A failure rolls back every
 * step in reverse, each attempted and logged. Steps stop while a time
 * reserve for the rollback is left (a step's own time limit leaves it too),
 * so a rollback is not cut short by OnlineTimeout. What could not be undone
 * stays in the file: the entry point fails and clean finishes it
 * (finishUndo); a second online with the ProfileFile completes the partition
 * instead.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VcsPowervmError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { parseAdapter, type VirtualAdapter } from './adapters.js';
import * as cmd from './hmc/commands.js';
import { adaptersOf, viosFcMap, viosScsiMap, type AdapterRow, type PartitionRow } from './hmc/queries.js';
import { listItems } from './hmc/records.js';
import { shortCommand } from './hmc/session.js';
import { deviceName } from './names.js';
import { profileRecord, type ProfileFileData, type ViosMapping } from './profile-file.js';
import type { Lpar } from './resource.js';
import { createdDevice } from './vios.js';

/** An undo step: one HMC command, kept as data so that clean can run what online could not. */
export interface Undo {
  what: string;
  argv: cmd.Argv;
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

/* ---------- the undo file ---------- */

interface UndoFile {
  system: string;
  steps: Undo[];
}

function undoPath(l: Lpar): string {
  return join(l.ctx.vcs.log, 'tmp', 'LPAR', `undo.${encodeURIComponent(l.ctx.resource)}@${encodeURIComponent(l.ctx.system)}`);
}

function saveUndo(l: Lpar, steps: Undo[]): void {
  const f = undoPath(l);
  if (steps.length === 0) {
    rmSync(f, { force: true });
    return;
  }
  mkdirSync(join(l.ctx.vcs.log, 'tmp', 'LPAR'), { recursive: true, mode: 0o700 });
  writeFileAtomic(f, JSON.stringify({ system: l.system, steps } satisfies UndoFile, null, 1), { mode: 0o600, backup: false });
}

function loadUndo(l: Lpar): UndoFile | undefined {
  try {
    const u = JSON.parse(readFileSync(undoPath(l), 'utf8')) as UndoFile;
    return Array.isArray(u.steps) && u.steps.every((s) => typeof s.what === 'string' && Array.isArray(s.argv) && s.argv.every((a) => typeof a === 'string')) ? u : undefined;
  } catch {
    return undefined;
  }
}

/** What an earlier online left half made, for a message; undefined when nothing. */
export function pendingUndo(l: Lpar): string | undefined {
  const u = loadUndo(l);
  return u && u.system === l.system && u.steps.length ? u.steps.map((s) => s.what).join('; ') : undefined;
}

/* ---------- time ---------- */

/** Time kept for undoing `n` steps: each step's round trip on a slow HMC, and some. */
export function reserveMs(n: number): number {
  return 5_000 + n * 5_000;
}

/**
 * Runs every undo step in reverse, each with its share of the time left,
 * each logged; returns those that failed (first to undo first).
 */
async function rollBack(l: Lpar, steps: readonly Undo[], why: string): Promise<Undo[]> {
  const log = l.ctx.log;
  const failed: Undo[] = [];
  const todo = [...steps].reverse();
  log.error({ msgId: 62286 }, '%s: %s; rolling back %d step(s)', l.name, why, todo.length);
  for (const [i, u] of todo.entries()) {
    const share = Math.max(1_000, l.hmc.remaining() / (todo.length - i));
    try {
      await l.hmc.change(u.argv, l.system, { timeoutMs: share, within: share });
      log.notice({ msgId: 23950 }, '%s: rollback: %s', l.name, u.what);
    } catch (e) {
      log.error({ msgId: 50011 }, '%s: rollback: %s failed: %s', l.name, u.what, e instanceof Error ? e.message : String(e));
      failed.push(u);
    }
  }
  return failed.reverse();
}

/**
 * Clean's part: runs the undo steps an online could not finish (they were
 * recorded as it went). Each is attempted and logged; true when none is left.
 */
export async function finishUndo(l: Lpar): Promise<boolean> {
  const u = loadUndo(l);
  if (!u || u.steps.length === 0) return true;
  if (u.system !== l.system) {
    l.ctx.log.warn({ msgId: 42938 }, '%s: undo steps recorded for %s, not %s: left alone', l.name, u.system, l.system);
    return true;
  }
  const left = await rollBack(l, u.steps, `an earlier online left it half made (${u.steps.map((s) => s.what).join('; ')})`);
  saveUndo(l, left);
  if (left.length) l.ctx.log.error({ msgId: 36539 }, '%s: still to undo by hand on %s: %s', l.name, l.system, left.map((s) => `${s.what} (${shortCommand(s.argv)})`).join('; '));
  return left.length === 0;
}

/* ---------- completion ---------- */

/** A profile's client vSCSI and vFC adapters, from its record (`lssyscfg -r prof`). */
export function clientAdaptersOf(profile: ReadonlyMap<string, string>): VirtualAdapter[] {
  const out: VirtualAdapter[] = [];
  for (const [attr, kind] of [['virtual_scsi_adapters', 'scsi'], ['virtual_fc_adapters', 'fc']] as const) {
    for (const item of listItems(profile.get(attr) ?? '')) {
      const a = parseAdapter(kind, item);
      if (a.side === 'client') out.push(a);
    }
  }
  return out;
}

/**
 * The ProfileFile as it applies to a definition that exists: its client
 * adapters are the definition's own (a live migration rewires them to other
 * server slots, so a ProfileFile exported before names slots that are no
 * longer the partition's), and each `vios_mapping` line puts its disk or
 * port behind the server slot the definition uses on that VIOS (the one of
 * the file's slot when the definition still uses it).
 */
export function asExisting(data: ProfileFileData, clients: readonly VirtualAdapter[], partitions: readonly PartitionRow[]): ProfileFileData {
  const needs = serverNeeds({ ...data, clientAdapters: [...clients] }, partitions);
  const mappings: ViosMapping[] = [];
  for (const m of data.mappings) {
    const on = needs.filter((n) => n.kind === m.kind && n.vios === m.vios);
    if (on.length === 0) continue; // the definition no longer uses that VIOS for this kind
    const slot = (on.find((n) => n.slot === m.slot) ?? on[0]!).slot;
    mappings.push({ ...m, slot });
  }
  return { ...data, clientAdapters: [...clients], mappings };
}

export interface CompleteResult {
  created: string[];
}

const fail = (l: Lpar, detail: string) => new VcsPowervmError('VCSPVM_LPAR', { lpar: l.name, detail });

/**
 * Makes what is missing: the partition (mksyscfg -r lpar) when `existing` is
 * undefined, else its profile (mksyscfg -r prof) when `needProfile`; then
 * the VIOS side; then verifies it all. Throws VCSPVM_LPAR_ROLLBACK after
 * undoing on failure.
 */
export async function completeFromProfileFile(
  l: Lpar,
  data: ProfileFileData,
  partitions: readonly PartitionRow[],
  existing: PartitionRow | undefined,
  needProfile: boolean,
  /** Where the record comes from, for the log (the ProfileFile; migrate's backup). */
  source: string = l.profileFile,
): Promise<CompleteResult> {
  const log = l.ctx.log;
  const earlier = loadUndo(l);
  const undo: Undo[] = earlier && earlier.system === l.system ? [...earlier.steps] : [];
  const created: string[] = [];

  const needs = serverNeeds(data, partitions);
  const viosNeeded = [...new Set([...needs.map((n) => n.vios), ...data.mappings.map((m) => m.vios)])];
  const running = new Set(partitions.filter((p) => p.env === 'vioserver' && p.state === 'Running').map((p) => p.name));
  const usable = viosNeeded.filter((v) => running.has(v));
  for (const v of viosNeeded.filter((x) => !running.has(x))) {
    const p = partitions.find((x) => x.name === v);
    log.warn({ msgId: 39186 }, '%s: VIOS %s is %s: its adapters and mappings are not made or checked; the partition boots through the others', l.name, v, p ? p.state : 'not on this managed system');
  }
  if (viosNeeded.length > 0 && usable.length === 0) {
    throw fail(l, `none of the VIO servers its ProfileFile names (${viosNeeded.join(', ')}) is Running on ${l.system}: not creating it`);
  }

  /** One step that changes something: time reserve first, its limit leaves the reserve, its undo recorded at once. */
  const step = async (what: string, argv: cmd.Argv, undoStep: Undo | ((out: string) => Undo)): Promise<string> => {
    const reserve = reserveMs(undo.length + 1);
    const left = l.hmc.remaining() - reserve;
    if (left < 1_000) throw fail(l, `not enough of OnlineTimeout left to ${what} and still roll back (${Math.round(l.hmc.remaining() / 1000)} s left, ${reserve / 1000} s kept for the rollback)`);
    log.notice({ msgId: 8907 }, '%s: %s', l.name, what);
    const out = await l.hmc.change(argv, l.system, { timeoutMs: left });
    undo.push(typeof undoStep === 'function' ? undoStep(out) : undoStep);
    saveUndo(l, undo);
    return out;
  };

  try {
    if (!existing) {
      await step(`creating the partition on ${l.system} from ${source} (mksyscfg -r lpar)`, cmd.createPartition(l.system, data.fields), { what: `remove partition ${l.name} (rmsyscfg -r lpar)`, argv: cmd.removePartition(l.system, l.name) });
      created.push(`partition ${l.name}`);
    } else if (needProfile) {
      await step(`creating profile ${data.profile} on ${l.system} from ${source} (mksyscfg -r prof)`, cmd.createProfile(l.system, profileRecord(data)), { what: `remove profile ${data.profile} (rmsyscfg -r prof)`, argv: cmd.removeProfile(l.system, l.name, data.profile) });
      created.push(`profile ${data.profile}`);
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
      const there = serverAdapterThere(await rowsOf(n.kind), n);
      if (there) {
        if (!serves(there, l, data)) throw fail(l, `slot ${n.slot} of VIOS ${n.vios} already holds a ${n.kind} server adapter for ${there.remoteName || `partition ${there.remoteId}`}`);
        log.info({ msgId: 64004 }, '%s: %s server adapter %s/%d is already there', l.name, n.kind, n.vios, n.slot);
        continue;
      }
      await step(
        `adding ${n.kind} server adapter in slot ${n.slot} of VIOS ${n.vios} for client slot ${n.clientSlot} (chhwres -o a)`,
        cmd.addServerAdapter(l.system, n.vios, n.kind, n.slot, l.name, n.clientSlot),
        { what: `remove ${n.kind} server adapter ${n.vios}/${n.slot} (chhwres -o r)`, argv: cmd.removeServerAdapter(l.system, n.vios, n.kind, n.slot) },
      );
      created.push(`${n.kind} adapter ${n.vios}/${n.slot}`);
      addedOn.add(n.vios);
    }
    // The VIOS configures the devices of adapters added while it runs (nothing to undo).
    for (const v of addedOn) {
      const reserve = reserveMs(undo.length);
      const left = l.hmc.remaining() - reserve;
      if (left < 1_000) throw fail(l, `not enough of OnlineTimeout left for cfgdev on ${v} and still roll back`);
      log.notice({ msgId: 33741 }, '%s: configuring the new adapters on VIOS %s (cfgdev)', l.name, v);
      await l.hmc.change(cmd.viosCommand(l.system, v, ['cfgdev']), l.system, { timeoutMs: left });
    }

    // Disk and FC port mappings.
    for (const m of data.mappings.filter((x) => running.has(x.vios))) {
      const made = await applyMapping(l, m, step);
      if (made) created.push(made);
    }

    // Verified present before anything may boot it.
    const missing = await verifyComplete(l, data, needs.filter((x) => running.has(x.vios)));
    if (missing.length) throw fail(l, `its VIOS side is not complete after making it: ${missing.join('; ')}`);
    saveUndo(l, []);
    return { created };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const left = await rollBack(l, undo, `completing it from ${source} failed: ${reason}`);
    saveUndo(l, left);
    const undone = undo.filter((u) => !left.includes(u)).map((u) => u.what);
    if (left.length) {
      throw new VcsPowervmError('VCSPVM_LPAR_HALF_MADE', { lpar: l.name, detail: `completing it from ${source} failed: ${reason}`, undone: undone.join('; ') || 'nothing', left: left.map((u) => u.what).join('; ') }, { cause: e });
    }
    throw new VcsPowervmError('VCSPVM_LPAR_ROLLBACK', { lpar: l.name, detail: `completing it from ${source} failed: ${reason}`, undone: undone.length ? undone.join('; ') : 'nothing had been made' }, { cause: e });
  }
}

function serverAdapterThere(rows: readonly AdapterRow[], n: ServerNeed): AdapterRow | undefined {
  return rows.find((r) => r.lpar === n.vios && r.slot === n.slot && r.type === 'server');
}

/** Ours (left from before), or an "any partition" adapter as the seed recommends for LPM. */
function serves(there: AdapterRow, l: Lpar, data: ProfileFileData): boolean {
  return there.remoteName === l.name || there.remoteId === 'any' || (data.lparId !== undefined && there.remoteId === String(data.lparId) && there.remoteName === '');
}

type Step = (what: string, argv: cmd.Argv, undo: Undo | ((out: string) => Undo)) => Promise<string>;

async function applyMapping(l: Lpar, m: ViosMapping, step: Step): Promise<string | undefined> {
  const log = l.ctx.log;
  if (m.kind === 'scsi') {
    const map = await viosScsiMap(l.hmc, l.system, m.vios);
    const vhost = map.find((v) => v.slot === m.slot);
    if (!vhost) throw fail(l, `VIOS ${m.vios} has no virtual SCSI server adapter in slot ${m.slot} to map ${m.device} to`);
    if (vhost.vtds.some((v) => v.backing === m.device)) {
      log.info({ msgId: 24565 }, '%s: %s is already mapped to %s on %s', l.name, m.device, vhost.device, m.vios);
      return undefined;
    }
    const words = ['mkvdev', '-vdev', m.device, '-vadapter', deviceName(vhost.device, 'vhost device')];
    if (m.vtd !== undefined) words.push('-dev', m.vtd);
    let vtd: string | undefined;
    await step(`mapping ${m.device} to ${vhost.device} on VIOS ${m.vios} (mkvdev)`, cmd.viosCommand(l.system, m.vios, words), (out) => {
      vtd = createdDevice(out) ?? m.vtd;
      const rm = vtd !== undefined ? ['rmvdev', '-vtd', deviceName(vtd, 'virtual target device')] : ['rmvdev', '-vdev', m.device];
      return { what: `unmap ${m.device} on ${m.vios} (${rm.join(' ')})`, argv: cmd.viosCommand(l.system, m.vios, rm) };
    });
    return `mapping ${m.device} → ${m.vios}/${vhost.device}${vtd ? ` (${vtd})` : ''}`;
  }
  const map = await viosFcMap(l.hmc, l.system, m.vios);
  const vfc = map.find((v) => v.slot === m.slot);
  if (!vfc) throw fail(l, `VIOS ${m.vios} has no virtual FC server adapter in slot ${m.slot} to map ${m.port} to`);
  if (vfc.port === m.port) {
    log.info({ msgId: 24565 }, '%s: %s is already mapped to %s on %s', l.name, vfc.device, m.port, m.vios);
    return undefined;
  }
  const dev = deviceName(vfc.device, 'vfchost device');
  await step(`mapping ${dev} to FC port ${m.port} on VIOS ${m.vios} (vfcmap)`, cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', dev, '-fcp', m.port]), {
    what: `unmap ${dev} on ${m.vios} (vfcmap -fcp)`,
    argv: cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', dev, '-fcp']),
  });
  return `mapping ${m.vios}/${dev} → ${m.port}`;
}

/** What the ProfileFile names on Running VIOS and is not there: server adapters and mappings. */
async function verifyComplete(l: Lpar, data: ProfileFileData, needs: readonly ServerNeed[]): Promise<string[]> {
  const missing: string[] = [];
  const rows = new Map<'scsi' | 'fc', AdapterRow[]>();
  for (const n of needs) {
    if (!rows.has(n.kind)) rows.set(n.kind, await adaptersOf(l.hmc, l.system, n.kind));
    const there = serverAdapterThere(rows.get(n.kind)!, n);
    if (!there || !serves(there, l, data)) missing.push(`${n.kind} server adapter ${n.vios}/${n.slot}`);
  }
  const viosRunning = new Set(needs.map((n) => n.vios));
  for (const m of data.mappings) {
    if (!viosRunning.has(m.vios) && needs.length > 0) continue;
    if (m.kind === 'scsi') {
      const vhost = (await viosScsiMap(l.hmc, l.system, m.vios)).find((v) => v.slot === m.slot);
      if (!vhost?.vtds.some((v) => v.backing === m.device)) missing.push(`mapping of ${m.device} on ${m.vios} slot ${m.slot}`);
    } else {
      const vfc = (await viosFcMap(l.hmc, l.system, m.vios)).find((v) => v.slot === m.slot);
      if (vfc?.port !== m.port) missing.push(`FC mapping of slot ${m.slot} on ${m.vios} to ${m.port}`);
    }
  }
  return missing;
}

/**
 * RemoveProfileOnOffline: removes the disk/FC mappings the ProfileFile lists,
 * the server adapters dedicated to this partition, then the partition. Every
 * step is tried and logged as what it did: removed, or nothing to remove;
 * the failures are returned (the partition is down either way, so they do
 * not fail offline or clean).
 */
export async function removeFromSystem(l: Lpar, data: ProfileFileData, partitions: readonly PartitionRow[]): Promise<string[]> {
  const log = l.ctx.log;
  const failures: string[] = [];
  /** `fn` resolves true when it removed something, false when there was nothing to remove. */
  const attempt = async (what: string, fn: () => Promise<boolean>) => {
    try {
      if (await fn()) log.notice({ msgId: 36099 }, '%s: removed %s', l.name, what);
      else log.info({ msgId: 20890 }, '%s: %s: nothing to remove', l.name, what);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log.error({ msgId: 27458 }, '%s: removing %s failed: %s', l.name, what, reason);
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
      log.error({ msgId: 49152 }, '%s: cannot remove its mapping on VIOS %s: the VIOS is not Running', l.name, m.vios);
      continue;
    }
    if (m.kind === 'scsi') {
      await attempt(`mapping of ${m.device} on ${m.vios}`, async () => {
        if (!scsiMaps.has(m.vios)) scsiMaps.set(m.vios, await viosScsiMap(l.hmc, l.system, m.vios));
        const vhost = scsiMaps.get(m.vios)!.find((v) => v.slot === m.slot);
        const vtd = vhost?.vtds.find((v) => v.backing === m.device);
        if (!vtd) return false;
        await l.hmc.change(cmd.viosCommand(l.system, m.vios, ['rmvdev', '-vtd', deviceName(vtd.name, 'virtual target device')]), l.system);
        return true;
      });
    } else {
      await attempt(`FC mapping of slot ${m.slot} on ${m.vios}`, async () => {
        if (!fcMaps.has(m.vios)) fcMaps.set(m.vios, await viosFcMap(l.hmc, l.system, m.vios));
        const vfc = fcMaps.get(m.vios)!.find((v) => v.slot === m.slot);
        if (!vfc || vfc.port === '') return false;
        await l.hmc.change(cmd.viosCommand(l.system, m.vios, ['vfcmap', '-vadapter', deviceName(vfc.device, 'vfchost device'), '-fcp']), l.system);
        return true;
      });
    }
  }

  // 2. Server adapters dedicated to this partition (an "any partition" adapter stays).
  const needs = serverNeeds(data, partitions).filter((n) => running.has(n.vios));
  const rows = new Map<string, AdapterRow[]>();
  for (const n of needs) {
    await attempt(`${n.kind} server adapter ${n.vios}/${n.slot} of ${l.name}`, async () => {
      if (!rows.has(n.kind)) rows.set(n.kind, await adaptersOf(l.hmc, l.system, n.kind));
      const there = serverAdapterThere(rows.get(n.kind)!, n);
      if (!there || there.remoteName !== l.name) return false;
      await l.hmc.change(cmd.removeServerAdapter(l.system, n.vios, n.kind, n.slot), l.system);
      return true;
    });
  }

  // 3. The partition and its profiles.
  await attempt(`partition ${l.name} from ${l.system}`, async () => {
    const r = await l.hmc.run(cmd.removePartition(l.system, l.name));
    if (r.code === 0) return true;
    if (r.hscl.includes('HSCL8012')) return false;
    throw new Error(r.stdout.trim().split('\n')[0] ?? `exit ${r.code}`);
  });
  if (failures.length) log.error({ msgId: 3146 }, '%s: RemoveProfileOnOffline left work for the administrator: %s', l.name, failures.join('; '));
  return failures;
}
