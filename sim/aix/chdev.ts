/**
 * chdev — changes device attributes, as the network configuration uses it:
 *
 *   chdev -l enN -a netaddr=IP -a netmask=MASK [-a state=up|down|detach] [-a mtu=N] [-P]
 *   chdev -l inet0 -a route=net,-hopcount,0,,0,GW | -a delroute=... | -a hostname=NAME [-P]
 *
 * Prints "DEV changed" as AIX does; each call is recorded in
 * $AIXSIM_ROOT/var/adm/sim/chdev.log for tests.
 */
import { isDomainName, parseIPv4, parseNetmask } from '../../framework/cf/dropts.js';
import { dropOverride } from './ifnet.js';
import { loadDevices, loadRecords, noDevice, saveDevices, saveRecords } from './odm.js';
import { record, runMain, simPath, SimUsageError } from './root.js';

const USAGE = 'Usage: chdev -l Name [-a Attribute=Value]... [-P]';

const IF_ATTRS = ['netaddr', 'netmask', 'state', 'mtu'];
const INET_ATTRS = ['route', 'delroute', 'hostname'];

function bad(attr: string, value: string): never {
  throw new Error(`0514-018 The values specified for the following attributes\n\tare not valid:\n\t${attr}\t${value}`);
}

function check(dev: string, attr: string, value: string): void {
  if (attr === 'netaddr' && parseIPv4(value) === undefined) bad(attr, value);
  if (attr === 'netmask' && parseNetmask(value) === undefined) bad(attr, value);
  if (attr === 'state' && !['up', 'down', 'detach'].includes(value)) bad(attr, value);
  if (attr === 'mtu' && !/^\d+$/.test(value)) bad(attr, value);
  if (attr === 'hostname' && !isDomainName(value)) bad(attr, value);
  if ((attr === 'route' || attr === 'delroute') && !/^net,-hopcount,\d+,(-netmask,[\d.]+,)?,*[\d.]+,[\d.]+$/.test(value)) bad(attr, value);
  if (!(dev === 'inet0' ? INET_ATTRS : IF_ATTRS).includes(attr)) throw new Error(`0514-013 The attribute ${attr} is not valid for ${dev}`);
}

export async function chdev(argv: string[]): Promise<number> {
  record(simPath('var', 'adm', 'sim', 'chdev.log'), { argv: ['chdev', ...argv] });
  let dev: string | undefined;
  const pairs: [string, string][] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-P' || a === '-T') continue;
    const v = argv[++i];
    if (v === undefined) throw new SimUsageError(USAGE);
    if (a === '-l') dev = v;
    else if (a === '-a') {
      const eq = v.indexOf('=');
      if (eq <= 0) throw new SimUsageError(USAGE);
      pairs.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else throw new SimUsageError(USAGE);
  }
  if (!dev || pairs.length === 0) throw new SimUsageError(USAGE);
  const devices = loadDevices();
  const attrs = devices[dev];
  if (!attrs) {
    process.stderr.write(`${noDevice('chdev', dev)}\n`);
    return 1;
  }
  try {
    for (const [k, v] of pairs) check(dev, k, v);
  } catch (e) {
    process.stderr.write(`Method error (/usr/lib/methods/chgif):\n\t${(e as Error).message}\n`);
    return 1;
  }
  for (const [k, v] of pairs) {
    const routes = (attrs.route as string[] | undefined) ?? [];
    if (k === 'route') {
      if (routes.includes(v)) {
        process.stderr.write(`Method error (/usr/lib/methods/chginet):\n\t0514-068 route ${v}: File exists\n`);
        return 1;
      }
      attrs.route = [...routes, v];
    } else if (k === 'delroute') {
      if (!routes.includes(v)) {
        process.stderr.write(`Method error (/usr/lib/methods/chginet):\n\t0514-068 delroute ${v}: No such process\n`);
        return 1;
      }
      attrs.route = routes.filter((r) => r !== v);
    } else attrs[k] = v;
  }
  saveDevices(devices);
  if (dev !== 'inet0') {
    // The ODM's configuration is the running one again; an interface brought up is Available.
    dropOverride(dev);
    const records = loadRecords();
    const r = records[dev];
    if (r && attrs.state === 'up' && r.status !== 'Available') {
      r.status = 'Available';
      saveRecords(records);
    }
  }
  process.stdout.write(`${dev} changed\n`);
  return 0;
}

export const main = (argv: string[]) => runMain('chdev', chdev, argv);
