/**
 * The VIOS operating system's devices: a vhostN / vfchostN per server
 * adapter (lowest free number, as cfgdev assigns them) and the virtual
 * target devices that map disks to them.
 */
import type { Partition, ViosOs } from '../model.js';

function lowestFree(prefix: string, used: Iterable<string>): string {
  const taken = new Set(used);
  let n = 0;
  while (taken.has(`${prefix}${n}`)) n++;
  return `${prefix}${n}`;
}

/**
 * Keeps the VIOS devices in step with its server adapters: each server SCSI
 * adapter is a vhostN, each server FC adapter a vfchostN (lowest free
 * number, as cfgdev assigns them); devices of removed adapters go, with
 * their mappings.
 */
export function syncViosDevices(vios: Partition): void {
  const os = vios.vios;
  if (!os) return;
  const scsiSlots = new Set(vios.current.scsi.filter((a) => a.type === 'server').map((a) => a.slot));
  for (const slot of [...os.vhosts.keys()]) {
    if (!scsiSlots.has(slot)) {
      os.vhosts.delete(slot);
      os.vtds = os.vtds.filter((v) => v.slot !== slot);
    }
  }
  for (const slot of [...scsiSlots].sort((a, b) => a - b)) {
    if (!os.vhosts.has(slot)) os.vhosts.set(slot, lowestFree('vhost', os.vhosts.values()));
  }
  const fcSlots = new Set(vios.current.fc.filter((a) => a.type === 'server').map((a) => a.slot));
  for (const slot of [...os.vfchosts.keys()]) if (!fcSlots.has(slot)) os.vfchosts.delete(slot);
  for (const slot of [...fcSlots].sort((a, b) => a - b)) {
    if (!os.vfchosts.has(slot)) os.vfchosts.set(slot, { name: lowestFree('vfchost', [...os.vfchosts.values()].map((d) => d.name)), fcPort: null });
  }
}

/** Maps a disk to the vhost in `slot`; returns the new VTD. */
export function mapDisk(os: ViosOs, slot: number, backing: string, vtdName?: string): { name: string } {
  const name = vtdName ?? lowestFree('vtscsi', os.vtds.map((v) => v.name));
  const luns = os.vtds.filter((v) => v.slot === slot).map((v) => v.lun);
  let lun = 0x81;
  while (luns.includes(lun)) lun++;
  os.vtds.push({ name, slot, backing, lun });
  return { name };
}
