/**
 * entstat -d entN — an Ethernet adapter's statistics; for a virtual
 * adapter (l-lan) the part that matters here is its port VLAN ID and switch,
 * from the hypervisor (platform.ts). An adapter whose slot is gone cannot be
 * opened.
 */
import { loadRecords } from './odm.js';
import { readPlatform, slotOfPhysloc } from './platform.js';
import { runMain, simRoot, SimUsageError } from './root.js';

export async function entstat(argv: string[]): Promise<number> {
  const args = argv.filter((a) => a !== '-d');
  if (args.length !== 1 || !/^ent\d+$/.test(args[0]!)) throw new SimUsageError('Usage: entstat [-d -r -t] Device_Name');
  const dev = args[0]!;
  const r = loadRecords()[dev];
  const platform = readPlatform(simRoot());
  const slot = r ? slotOfPhysloc(r.physloc) : undefined;
  const eth = slot === undefined ? undefined : platform?.eth.find((e) => e.slot === slot);
  if (!r || r.status !== 'Available' || !eth) {
    process.stderr.write(`entstat: 0909-003 Unable to connect to device ${dev}, errno = 19\n`);
    return 1;
  }
  const mac = eth.mac.toLowerCase().match(/../g)!.join(':');
  const lines = [
    '-------------------------------------------------------------',
    `ETHERNET STATISTICS (${dev}) :`,
    `Device Type: ${r.description}`,
    `Hardware Address: ${mac}`,
    '',
    'Virtual I/O Ethernet Adapter (l-lan) Specific Statistics:',
    '---------------------------------------------------------',
    `Port VLAN ID:  ${String(eth.vlan).padStart(4)}`,
    'VLAN Tag IDs:  None',
    `Switch ID: ${eth.vswitch}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export const main = (argv: string[]) => runMain('entstat', entstat, argv);
