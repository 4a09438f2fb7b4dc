/**
 * Live partition mobility: validation as `migrlpar -o v` reports it, the
 * migration itself (`Migrating - ...` on the source and a placeholder on the
 * target for the simulated duration, then the partition, its profiles and
 * VIOS mappings exist only on the target), stop, failure and recovery.
 */
import { formatEth, formatFc, formatScsi, formatSerial } from './adapters.js';
import { fail, HmcError, msg } from './hscl.js';
import type { Disk, FcAdapter, ManagedSystem, Migration, Partition, ScsiAdapter } from './model.js';
import { cloneIo, newPartition } from './partitions.js';
import { mapDisk, syncViosDevices } from './vios/devices.js';
import type { World } from './world.js';

export class Mobility {
  constructor(private readonly world: World) {}


  /** Client adapters of a partition and the VIOS (on the same system) serving each. */
  private servingVios(sys: ManagedSystem, p: Partition): Array<{ adapter: ScsiAdapter | FcAdapter; kind: 'scsi' | 'fc'; vios: Partition | undefined }> {
    const find = (a: { remoteId: number | null; remoteName: string }) =>
      sys.partitions.find((v) => v.vios && !v.migrationTarget && (a.remoteId !== null ? v.id === a.remoteId : v.name === a.remoteName));
    return [
      ...p.current.scsi.filter((a) => a.type === 'client').map((a) => ({ adapter: a, kind: 'scsi' as const, vios: find(a) })),
      ...p.current.fc.filter((a) => a.type === 'client').map((a) => ({ adapter: a, kind: 'fc' as const, vios: find(a) })),
    ];
  }

  /** Disks a VIOS maps to the client adapter in `clientSlot` of partition `p`. */
  private mappedDisks(vios: Partition, p: Partition, clientSlot: number): Disk[] {
    const os = vios.vios!;
    const server = vios.current.scsi.find(
      (a) => a.type === 'server' && (a.remoteSlot === clientSlot || a.remoteSlot === null) && (a.remoteId === p.id || (a.remoteId === null && (a.remoteName === p.name || a.remoteName === ''))),
    );
    if (!server) return [];
    return os.vtds.filter((v) => v.slot === server.slot).flatMap((v) => os.disks.filter((d) => d.name === v.backing));
  }

  runningVios(sys: ManagedSystem): Partition[] {
    return sys.partitions.filter((v) => v.vios && v.state === 'Running' && v.rmcState === 'active');
  }

  /** `migrlpar -o v`: every problem as an HSCL line (empty when the migration can go ahead). */
  validate(src: ManagedSystem, p: Partition, target: string): string[] {
    const errors: string[] = [];
    const tgt = this.world.findSystem(target);
    if (!tgt) return [msg.sysNotFound(target)];
    if (tgt === src) return [msg.lpmSameSystem()];
    for (const s of [src, tgt]) if (s.state !== 'Operating') errors.push(msg.sysWrongState(s.name, s.state));
    if (p.env === 'vioserver') errors.push(msg.lpmVios(p.name));
    if (p.migration) errors.push(msg.lpmBusy(p.name));
    else if (p.state !== 'Running' && p.state !== 'Not Activated') errors.push(msg.lpmState(p.name, p.state));
    if (p.attrs.get('migration_disabled') === '1') errors.push(msg.lpmMgmtDisabled(p.name));
    if (this.world.findLpar(tgt, p.name)) errors.push(msg.lpmNameExists(p.name, tgt.name));
    const active = p.state === 'Running';
    if (active && p.rmcState !== 'active') errors.push(msg.lpmNoRmc(p.name));
    const targetVios = this.runningVios(tgt);
    if (targetVios.length === 0) errors.push(msg.lpmNoTargetVios(tgt.name));
    for (const { adapter, kind, vios } of this.servingVios(src, p)) {
      if (!vios || vios.state !== 'Running' || vios.rmcState !== 'active') {
        errors.push(msg.lpmSourceVios(vios?.name ?? adapter.remoteName, p.name));
        continue;
      }
      if (kind === 'fc') {
        if (targetVios.length && !targetVios.some((v) => v.vios!.fcPorts.length)) errors.push(msg.lpmNoTargetVios(tgt.name));
        continue;
      }
      for (const disk of this.mappedDisks(vios, p, adapter.slot)) {
        if ((disk.attrs.reserve_policy ?? 'no_reserve') !== 'no_reserve') errors.push(msg.lpmReserve(disk.name, vios.name));
        if (targetVios.length && !targetVios.some((v) => v.vios!.disks.some((d) => d.pvid === disk.pvid))) errors.push(msg.lpmStorage(p.name, `${disk.name} (PVID ${disk.pvid})`, tgt.name));
      }
    }
    if (active) {
      const need = this.world.demand(p);
      const avail = this.world.available(tgt);
      if (need.mem > avail.mem || need.procUnits > avail.procUnits + 1e-9) errors.push(msg.lpmResources(p.name, tgt.name));
    }
    return [...new Set(errors)];
  }

  /**
   * Starts a live (or inactive) migration: `Migrating - …` on the source and
   * a placeholder on the target for the simulated duration, then the
   * partition exists only on the target with its VIOS mappings rebuilt there.
   * Resolves with null on success or the HSCL lines of the failure.
   */
  start(src: ManagedSystem, p: Partition, target: string): Promise<string[] | null> {
    const errors = this.validate(src, p, target);
    if (errors.length) throw new HmcError(errors);
    const tgt = this.world.findSystem(target)!;
    const active = p.state === 'Running';
    const placeholder = newPartition({ name: p.name, id: this.world.nextFreeId(tgt, p.id), env: p.env });
    placeholder.state = active ? 'Migrating - Running' : 'Migrating - Not Activated';
    placeholder.migrationTarget = true;
    placeholder.defaultProfile = p.defaultProfile;
    placeholder.currProfile = p.currProfile;
    tgt.partitions.push(placeholder);
    const seconds = active ? this.world.timings.migration : this.world.timings.inactiveMigration;
    const m: Migration = {
      source: src.name,
      target: tgt.name,
      active,
      startedAt: Date.now(),
      startedSim: this.world.simNow(),
      durationSim: seconds,
      timer: null,
      failed: false,
      previousState: p.state,
      done: [],
    };
    p.migration = m;
    p.state = placeholder.state;
    const fault = p.lpmFault;
    p.lpmFault = null;
    const promise = new Promise<string[] | null>((resolve) => m.done.push(resolve));
    if (fault) {
      m.timer = this.world.after(seconds / 2, () => {
        m.timer = null;
        if (fault === 'stuck') {
          this.removePlaceholder(tgt, p.name);
          m.failed = true;
          settle(m, [msg.lpmFailedStuck(p.name)]);
        } else {
          this.abort(src, p, m, [msg.lpmFailed(p.name)]);
        }
      });
    } else {
      m.timer = this.world.after(seconds, () => {
        m.timer = null;
        this.complete(src, p, tgt, m);
      });
    }
    return promise;
  }

  private removePlaceholder(tgt: ManagedSystem, name: string): void {
    const i = tgt.partitions.findIndex((q) => q.migrationTarget && q.name === name);
    if (i >= 0) tgt.partitions.splice(i, 1);
  }

  /** The migration ends without moving: the partition is back in its state on the source. */
  abort(src: ManagedSystem, p: Partition, m: Migration, errors: string[]): void {
    this.world.cancel(m.timer);
    const tgt = this.world.findSystem(m.target);
    if (tgt) this.removePlaceholder(tgt, p.name);
    p.migration = null;
    if (src.state === 'Operating') p.state = m.previousState;
    settle(m, errors);
  }

  /** `migrlpar -o s`. */
  stop(src: ManagedSystem, p: Partition): void {
    const m = p.migration;
    if (!m || m.failed || m.source !== src.name) fail(msg.lpmNone(p.name));
    this.abort(src, p, m, [msg.lpmStopped(p.name)]);
  }

  /** `migrlpar -o r`: a failed migration left the partition migrating; put it back. */
  recover(src: ManagedSystem, p: Partition): void {
    const m = p.migration;
    if (!m || !m.failed || m.source !== src.name) fail(msg.lpmNone(p.name));
    p.migration = null;
    p.state = m.previousState;
  }

  private complete(src: ManagedSystem, p: Partition, tgt: ManagedSystem, m: Migration): void {
    const placeholder = tgt.partitions.find((q) => q.migrationTarget && q.name === p.name);
    const newId = placeholder?.id ?? this.world.nextFreeId(tgt, p.id);
    this.removePlaceholder(tgt, p.name);
    const moved: Partition = { ...p, id: newId, migration: null, timer: null, allocated: null, current: cloneIo(p.current), attrs: new Map(p.attrs) };
    moved.state = m.previousState;
    // Rebuild each client adapter's server side on a target VIOS, one target VIOS per source VIOS.
    const targetVios = this.runningVios(tgt);
    const assignment = new Map<string, Partition>();
    let next = 0;
    const pick = (sourceVios: string, wantPvids: string[], needFc: boolean): Partition => {
      const known = assignment.get(sourceVios);
      if (known) return known;
      const fits = (v: Partition) => (needFc ? v.vios!.fcPorts.length > 0 : wantPvids.every((pv) => v.vios!.disks.some((d) => d.pvid === pv)));
      const candidates = targetVios.filter(fits);
      const pool = candidates.length ? candidates : targetVios;
      const chosen = pool.find((v) => ![...assignment.values()].includes(v)) ?? pool[next++ % pool.length]!;
      assignment.set(sourceVios, chosen);
      return chosen;
    };
    for (const { adapter, kind, vios } of this.servingVios(src, p)) {
      const clientAdapter = (kind === 'scsi' ? moved.current.scsi : moved.current.fc).find((a) => a.slot === adapter.slot)!;
      const disks = kind === 'scsi' && vios ? this.mappedDisks(vios, p, adapter.slot) : [];
      const tv = pick(vios?.name ?? adapter.remoteName, disks.map((d) => d.pvid), kind === 'fc');
      // The destination may already define this partition with its disks mapped (the seed defines it on
      // every server): that server adapter serves it, as a disk is mapped once per VIOS.
      const local = disks.map((d) => tv.vios!.disks.find((x) => x.pvid === d.pvid)?.name).filter((n): n is string => n !== undefined);
      const ready =
        kind === 'scsi' && local.length > 0
          ? tv.current.scsi.find((a) => a.type === 'server' && a.remoteName === p.name && local.every((n) => tv.vios!.vtds.some((v) => v.slot === a.slot && v.backing === n)))
          : undefined;
      if (ready) {
        ready.remoteId = newId;
        ready.remoteSlot = adapter.slot;
        addToProfile(tv, 'virtual_scsi_adapters', formatScsi(ready));
        clientAdapter.remoteId = tv.id;
        clientAdapter.remoteName = tv.name;
        clientAdapter.remoteSlot = ready.slot;
        continue;
      }
      const slot = this.world.freeSlot(tv);
      if (kind === 'scsi') {
        const server: ScsiAdapter = { slot, type: 'server', remoteId: newId, remoteName: p.name, remoteSlot: adapter.slot, required: false };
        tv.current.scsi.push(server);
        syncViosDevices(tv);
        for (const disk of disks) {
          const here = tv.vios!.disks.find((d) => d.pvid === disk.pvid);
          // A disk is mapped once per VIOS: one already mapped elsewhere stays where it is.
          if (here && !tv.vios!.vtds.some((v) => v.backing === here.name)) mapDisk(tv.vios!, slot, here.name);
        }
        addToProfile(tv, 'virtual_scsi_adapters', formatScsi(server));
      } else {
        const server: FcAdapter = { slot, type: 'server', remoteId: newId, remoteName: p.name, remoteSlot: adapter.slot, wwpns: [], required: false };
        tv.current.fc.push(server);
        syncViosDevices(tv);
        const dev = tv.vios!.vfchosts.get(slot)!;
        dev.fcPort = tv.vios!.fcPorts[0] ?? null;
        addToProfile(tv, 'virtual_fc_adapters', formatFc(server));
      }
      clientAdapter.remoteId = tv.id;
      clientAdapter.remoteName = tv.name;
      clientAdapter.remoteSlot = slot;
    }
    // The profiles travel with the partition; the active one describes the new adapters.
    moved.profiles = p.profiles.map((pr) => ({ name: pr.name, attrs: new Map([...pr.attrs].map(([k, v]) => [k, Array.isArray(v) ? [...v] : v])) }));
    const active = moved.profiles.find((pr) => pr.name === moved.currProfile);
    if (active) {
      active.attrs.set('virtual_scsi_adapters', moved.current.scsi.map(formatScsi));
      active.attrs.set('virtual_fc_adapters', moved.current.fc.map(formatFc));
      active.attrs.set('virtual_eth_adapters', moved.current.eth.map((a) => formatEth(a, true)));
      active.attrs.set('virtual_serial_adapters', moved.current.serial.map(formatSerial));
    }
    // The source forgets the partition, its profiles and its VIOS mappings.
    this.world.removeServerAdaptersFor(src, p);
    src.partitions.splice(src.partitions.indexOf(p), 1);
    p.migration = null;
    p.allocated = null;
    if (m.active) moved.allocated = this.world.demand(moved);
    tgt.partitions.push(moved);
    moved.timer = null;
    // Its operating system now runs on the target: another system, maybe another partition ID.
    this.world.os?.changed(tgt, moved);
    settle(m, null);
  }
}

function settle(m: Migration, errors: string[] | null): void {
  const done = m.done.splice(0);
  for (const fn of done) fn(errors);
}

function addToProfile(p: Partition, key: string, item: string): void {
  const prof = p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0];
  if (!prof) return;
  const items = (prof.attrs.get(key) as string[]) ?? [];
  const slot = item.split('/')[0];
  prof.attrs.set(key, [...items.filter((i) => i.split('/')[0] !== slot), item]);
}
