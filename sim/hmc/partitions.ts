/** New partitions, their adapters' MAC addresses, and copies of virtual I/O configurations. */
import { createHash } from 'node:crypto';
import { emptyIo } from './adapters.js';
import { LPAR_SETTABLE_DEFAULTS, type ManagedSystem, type Partition, type VirtualIo } from './model.js';

/** A stable, locally administered MAC address for an adapter. */
export function macFor(sys: ManagedSystem, p: { id: number; name: string }, slot: number): string {
  const h = createHash('sha1').update(`${sys.serial}/${p.name}/${p.id}/${slot}`).digest('hex').toUpperCase();
  return `C6${h.slice(0, 10)}`;
}

/** A new partition, Not Activated, without profiles. */
export function newPartition(init: { name: string; id: number; env: Partition['env'] }): Partition {
  return {
    name: init.name,
    id: init.id,
    env: init.env,
    state: 'Not Activated',
    rmcState: 'inactive',
    defaultProfile: '',
    currProfile: '',
    attrs: new Map(Object.entries(LPAR_SETTABLE_DEFAULTS)),
    profiles: [],
    current: emptyIo(),
    osVersion: 'Unknown',
    refcodes: [],
    hung: false,
    bootHang: null,
    vios: init.env === 'vioserver' ? { disks: [], fcPorts: [], vhosts: new Map(), vfchosts: new Map(), vtds: [] } : null,
    timer: null,
    migration: null,
    migrationTarget: false,
    lpmFault: null,
    allocated: null,
  };
}

export function cloneIo(io: VirtualIo): VirtualIo {
  return {
    scsi: io.scsi.map((a) => ({ ...a })),
    fc: io.fc.map((a) => ({ ...a, wwpns: [...a.wwpns] })),
    eth: io.eth.map((a) => ({ ...a, addlVlanIds: [...a.addlVlanIds] })),
    serial: io.serial.map((a) => ({ ...a })),
  };
}
