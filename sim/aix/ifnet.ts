/**
 * The running network interfaces of the simulated host. The ODM (chdev)
 * holds an interface's configured address, which is also its running one;
 * `ifconfig` changes only the running one (until the next boot), kept in
 * $AIXSIM_ROOT/var/adm/sim/ifnet.json as an override of the ODM for that
 * interface. chdev on an interface drops the override (the ODM's value runs
 * again); the boot (boot.ts) drops them all.
 */
import { rmSync } from 'node:fs';
import { parseIPv4, parseNetmask } from '../../framework/cf/dropts.js';
import { loadDevices, loadRecords } from './odm.js';
import { readJson, simPath, writeJson } from './root.js';

export interface IfAddress {
  addr: string;
  mask: string;
}

export interface RunningIf {
  name: string;
  up: boolean;
  addrs: IfAddress[];
}

type Overrides = Record<string, { up: boolean; addrs: IfAddress[] }>;

const file = () => simPath('var', 'adm', 'sim', 'ifnet.json');

export function loadOverrides(): Overrides {
  return readJson<Overrides>(file(), {});
}

export function saveOverrides(o: Overrides): void {
  writeJson(file(), o);
}

/** chdev changed the interface: the ODM's configuration runs again. */
export function dropOverride(dev: string): void {
  const o = loadOverrides();
  if (!(dev in o)) return;
  delete o[dev];
  saveOverrides(o);
}

/** A boot: nothing ifconfig did survives. */
export function resetRunning(): void {
  rmSync(file(), { force: true });
}

/** The interfaces as they run now (en*, lo0). */
export function runningInterfaces(): RunningIf[] {
  const devices = loadDevices();
  const records = loadRecords();
  const over = loadOverrides();
  const out: RunningIf[] = [];
  for (const [name, attrs] of Object.entries(devices)) {
    if (!/^(en\d+|lo0)$/.test(name) || !records[name]) continue;
    if (over[name]) {
      out.push({ name, ...over[name] });
      continue;
    }
    const addr = String(attrs.netaddr ?? '');
    const mask = String(attrs.netmask ?? '');
    const up = attrs.state === 'up';
    out.push({ name, up, addrs: up && addr ? [{ addr, mask: mask || '255.255.255.0' }] : [] });
  }
  return out;
}

/** Whether addr lies in the subnet addr/mask of `a`. */
export function inSubnet(a: IfAddress, addr: string): boolean {
  const x = parseIPv4(a.addr);
  const m = parseNetmask(a.mask);
  const y = parseIPv4(addr);
  if (x === undefined || m === undefined || y === undefined) return false;
  return ((x & m) >>> 0) === ((y & m) >>> 0);
}
