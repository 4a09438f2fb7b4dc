/**
 * cfgmgr — configures the devices the hypervisor presents (platform.ts):
 * a virtual Ethernet adapter without a device gets entN (Available, its
 * location code U<type>.<model>.<serial>-V<id>-C<slot>-T1) and its
 * interface enN (Defined, no address), N the first number free for both.
 * An adapter whose slot is gone (a DLPAR remove) stays Defined, as AIX
 * keeps it until rmdev. Prints nothing, as cfgmgr does when all is well.
 */
import { loadDevices, loadRecords, saveDevices, saveRecords, EN_IF, L_LAN } from './odm.js';
import { physloc, readPlatform, slotOfPhysloc } from './platform.js';
import { record, runMain, simPath, simRoot, SimUsageError } from './root.js';

export function configureDevices(): string[] {
  const platform = readPlatform(simRoot());
  if (!platform) return [];
  const records = loadRecords();
  const devices = loadDevices();
  const made: string[] = [];
  for (const eth of [...platform.eth].sort((a, b) => a.slot - b.slot)) {
    const loc = physloc(platform, eth.slot);
    const have = Object.entries(records).find(([, r]) => r.class === 'adapter' && r.physloc === loc);
    if (have) {
      have[1].status = 'Available';
      continue;
    }
    let n = 0;
    while (records[`ent${n}`] || records[`en${n}`] || devices[`en${n}`]) n++;
    records[`ent${n}`] = { class: 'adapter', status: 'Available', physloc: loc, description: L_LAN };
    records[`en${n}`] = { class: 'if', status: 'Defined', physloc: '', description: EN_IF };
    devices[`en${n}`] = { netaddr: '', netmask: '', state: 'down', mtu: '1500' };
    made.push(`ent${n}`);
  }
  const present = new Set(platform.eth.map((e) => physloc(platform, e.slot)));
  for (const r of Object.values(records)) {
    if (r.class === 'adapter' && slotOfPhysloc(r.physloc) !== undefined && !present.has(r.physloc)) r.status = 'Defined';
  }
  saveRecords(records);
  saveDevices(devices);
  return made;
}

export async function cfgmgr(argv: string[]): Promise<number> {
  record(simPath('var', 'adm', 'sim', 'cfgmgr.log'), { argv: ['cfgmgr', ...argv] });
  // -l NAME (configure below one device), -v (verbose), -s (serial): all configure the same here.
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-v' || a === '-s' || a === '-p') continue;
    if (a === '-l' && argv[i + 1]) {
      i++;
      continue;
    }
    throw new SimUsageError('Usage: cfgmgr [-f|-s|-p Phase] [-i Device] [-l Name] [-v]');
  }
  configureDevices();
  return 0;
}

export const main = (argv: string[]) => runMain('cfgmgr', cfgmgr, argv);
