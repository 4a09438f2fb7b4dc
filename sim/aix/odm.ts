/**
 * The simulated host's customized device attributes (the ODM's CuAt), kept
 * as $AIXSIM_ROOT/etc/objrepos/CuAt.json: { "en0": { "netaddr": "..." },
 * "inet0": { "hostname": "...", "route": ["net,-hopcount,0,,0,GW"] } }.
 * chdev changes it, lsattr reads it. route is the one list attribute.
 */
import { readJson, simPath, writeJson } from './root.js';

export type Attrs = Record<string, string | string[]>;
export type Devices = Record<string, Attrs>;

/** Devices every simulated partition has, before anything is configured. */
const BASE: Devices = {
  en0: { netaddr: '', netmask: '', state: 'down', mtu: '1500' },
  en1: { netaddr: '', netmask: '', state: 'down', mtu: '1500' },
  inet0: { hostname: '', route: [] },
  lo0: { netaddr: '127.0.0.1', netmask: '255.0.0.0', state: 'up' },
};

const file = () => simPath('etc', 'objrepos', 'CuAt.json');

export function loadDevices(): Devices {
  const stored = readJson<Devices>(file(), {});
  const out: Devices = {};
  for (const [dev, attrs] of Object.entries({ ...BASE, ...stored })) out[dev] = { ...BASE[dev], ...attrs };
  return out;
}

export function saveDevices(d: Devices): void {
  writeJson(file(), d);
}

/** "0514-519" as AIX prints it for a device that is not there. */
export function noDevice(cmd: string, dev: string): string {
  return `${cmd}: 0514-519 The following device was not found in the customized\n\tdevice configuration database:\n\t${dev}`;
}
