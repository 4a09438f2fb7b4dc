/**
 * lsattr — device attributes from the simulated ODM:
 *
 *   lsattr -E -l DEV [-a ATTR]... [-F value]     (-El DEV as well)
 *
 * Default lines are "attribute value description user_settable"; -F value
 * prints the values alone. A list attribute (inet0 route) gives one line per
 * item.
 */
import { loadDevices, noDevice } from './odm.js';
import { runMain, SimUsageError } from './root.js';

const USAGE = 'Usage: lsattr -E -l Name [-a Attribute]... [-F value]';

const DESCRIPTION: Record<string, string> = {
  netaddr: 'Internet Address',
  netmask: 'Subnet Mask',
  state: 'Current Interface Status',
  mtu: 'Maximum IP Packet Size for This Device',
  hostname: 'Host Name',
  route: 'Route',
};

export async function lsattr(argv: string[]): Promise<number> {
  let dev: string | undefined;
  let effective = false;
  let valuesOnly = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-E') effective = true;
    else if (a === '-El') {
      effective = true;
      dev = argv[++i];
    } else if (a === '-l') dev = argv[++i];
    else if (a === '-a') names.push(argv[++i] ?? '');
    else if (a === '-F') {
      if (argv[++i] !== 'value') throw new SimUsageError(USAGE);
      valuesOnly = true;
    } else throw new SimUsageError(USAGE);
  }
  if (!effective || !dev) throw new SimUsageError(USAGE);
  const attrs = loadDevices()[dev];
  if (!attrs) {
    process.stderr.write(`${noDevice('lsattr', dev)}\n`);
    return 1;
  }
  const wanted = names.length ? names : Object.keys(attrs);
  for (const n of wanted) {
    if (!(n in attrs)) {
      process.stderr.write(`lsattr: 0514-528 The "${n}" attribute does not exist in the predefined\n\tdevice configuration database.\n`);
      return 1;
    }
    const v = attrs[n]!;
    for (const item of Array.isArray(v) ? v : [v]) process.stdout.write(valuesOnly ? `${item}\n` : `${n} ${item} ${DESCRIPTION[n] ?? n} True\n`);
  }
  return 0;
}

export const main = (argv: string[]) => runMain('lsattr', lsattr, argv);
