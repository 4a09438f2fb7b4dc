/**
 * The simulated host's device database, as the ODM keeps it:
 *
 * - customized attributes (CuAt), $AIXSIM_ROOT/etc/objrepos/CuAt.json:
 *   { "en0": { "netaddr": "..." }, "inet0": { "hostname": "...", "route":
 *   ["net,-hopcount,0,,0,GW"] } }; chdev changes it, lsattr reads it; route
 *   is the one list attribute;
 * - customized devices (CuDv), $AIXSIM_ROOT/etc/objrepos/CuDv.json: name,
 *   class, status (Available, Defined) and location code of each device;
 *   cfgmgr adds adapters, rmdev removes them, lsdev lists them.
 *
 * sys0's systemid and modelname come from the hypervisor (platform.ts).
 */
import { readJson, simPath, simRoot, writeJson } from './root.js';
import { readPlatform, systemId } from './platform.js';

export type Attrs = Record<string, string | string[]>;
export type Devices = Record<string, Attrs>;

export interface DeviceRecord {
  class: 'adapter' | 'if' | 'tcpip' | 'sys';
  status: 'Available' | 'Defined';
  /** Location code ('' when the device has none). */
  physloc: string;
  description: string;
}
export type DeviceRecords = Record<string, DeviceRecord>;

/** Devices every simulated partition has, before anything is configured. */
const BASE: Devices = {
  en0: { netaddr: '', netmask: '', state: 'down', mtu: '1500' },
  en1: { netaddr: '', netmask: '', state: 'down', mtu: '1500' },
  inet0: { hostname: '', route: [] },
  lo0: { netaddr: '127.0.0.1', netmask: '255.0.0.0', state: 'up' },
};

export const L_LAN = 'Virtual I/O Ethernet Adapter (l-lan)';
export const EN_IF = 'Standard Ethernet Network Interface';

const BASE_RECORDS: DeviceRecords = {
  sys0: { class: 'sys', status: 'Available', physloc: '', description: 'System Object' },
  ent0: { class: 'adapter', status: 'Available', physloc: '', description: L_LAN },
  en0: { class: 'if', status: 'Available', physloc: '', description: EN_IF },
  en1: { class: 'if', status: 'Defined', physloc: '', description: EN_IF },
  inet0: { class: 'tcpip', status: 'Available', physloc: '', description: 'Internet Network Extension' },
  lo0: { class: 'if', status: 'Available', physloc: '', description: 'Loopback Network Interface' },
};

const file = () => simPath('etc', 'objrepos', 'CuAt.json');
const recordsFile = () => simPath('etc', 'objrepos', 'CuDv.json');

/** Attributes of every device; sys0's from the hypervisor. A device removed by rmdev (null) is gone. */
export function loadDevices(): Devices {
  const stored = readJson<Record<string, Attrs | null>>(file(), {});
  const out: Devices = {};
  for (const [dev, attrs] of Object.entries({ ...BASE, ...stored })) if (attrs) out[dev] = { ...BASE[dev], ...attrs };
  const platform = readPlatform(simRoot());
  if (platform) out.sys0 = { systemid: systemId(platform), modelname: `IBM,${platform.typeModel.replace('-', '')}`, ...(out.sys0 ?? {}) };
  return out;
}

export function saveDevices(d: Devices): void {
  const { sys0: _sys0, ...rest } = d;
  const stored: Record<string, Attrs | null> = { ...rest };
  // A base device removed by rmdev stays removed.
  for (const dev of Object.keys(BASE)) if (!(dev in d)) stored[dev] = null;
  writeJson(file(), stored);
}

export function loadRecords(): DeviceRecords {
  const stored = readJson<Record<string, DeviceRecord | null>>(recordsFile(), {});
  const out: DeviceRecords = {};
  for (const [dev, r] of Object.entries({ ...BASE_RECORDS, ...stored })) if (r) out[dev] = r;
  return out;
}

export function saveRecords(r: DeviceRecords): void {
  const stored: Record<string, DeviceRecord | null> = { ...r };
  for (const dev of Object.keys(BASE_RECORDS)) if (!(dev in r)) stored[dev] = null;
  writeJson(recordsFile(), stored);
}

/** "0514-519" as AIX prints it for a device that is not there. */
export function noDevice(cmd: string, dev: string): string {
  return `${cmd}: 0514-519 The following device was not found in the customized\n\tdevice configuration database:\n\t${dev}`;
}
