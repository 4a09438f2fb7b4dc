/**
 * What the hypervisor shows a simulated partition's operating system: its
 * managed system (type-model and serial: `lsattr -El sys0 -a systemid`,
 * `uname -u`), its partition name and number (`lparstat -i`), its virtual
 * Ethernet adapters (slot, port VLAN ID, virtual switch: what `cfgmgr`
 * finds and `entstat -d` shows), and the simulated network the adapters
 * plug into. hmcsim writes it in $AIXSIM_ROOT/var/adm/sim/platform.json
 * (started with `--aix DIR`) when the partition is activated, changed by
 * DLPAR or migrated; the AIX commands only read it.
 */
import { join } from 'node:path';
import { readJson, writeJson } from './root.js';

export interface PlatformEth {
  slot: number;
  vlan: number;
  vswitch: string;
  mac: string;
  trunk: boolean;
}

export interface Platform {
  system: string;
  typeModel: string;
  serial: string;
  lparId: number;
  lparName: string;
  eth: PlatformEth[];
  /** The simulated virtual switches (sim/aix/vswitch.ts): one directory per managed system, switch and VLAN. */
  network: string;
}

export function platformFile(root: string): string {
  return join(root, 'var', 'adm', 'sim', 'platform.json');
}

export function readPlatform(root: string): Platform | undefined {
  return readJson<Platform | undefined>(platformFile(root), undefined);
}

export function writePlatform(root: string, p: Platform): void {
  writeJson(platformFile(root), p);
}

/** The location code AIX shows for a virtual adapter: U<type>.<model>.<serial>-V<lpar id>-C<slot>-T1. */
export function physloc(p: Pick<Platform, 'typeModel' | 'serial' | 'lparId'>, slot: number): string {
  return `U${p.typeModel.replace('-', '.')}.${p.serial}-V${p.lparId}-C${slot}-T1`;
}

/** The slot of a virtual adapter's location code, undefined for any other. */
export function slotOfPhysloc(loc: string): number | undefined {
  const m = /-V\d+-C(\d+)-T\d+$/.exec(loc);
  return m ? Number(m[1]) : undefined;
}

/** `sys0 systemid` as AIX shows it: IBM,<plant code><serial>. */
export function systemId(p: Pick<Platform, 'serial'>): string {
  return `IBM,02${p.serial}`;
}
