/**
 * ifconfig — the running configuration of an interface, not the ODM's
 * (ifnet.ts: gone at the next boot):
 *
 *   ifconfig -a | ifconfig enN
 *   ifconfig enN [inet] ADDR [netmask MASK] [alias] [up]     primary address (or another, with alias)
 *   ifconfig enN [inet] ADDR delete                          removes that address
 *   ifconfig enN up | down | detach                           detach: down, every address gone
 */
import { parseIPv4, parseNetmask } from '../../framework/cf/dropts.js';
import { loadOverrides, runningInterfaces, saveOverrides, type RunningIf } from './ifnet.js';
import { loadRecords } from './odm.js';
import { record, runMain, simPath, SimUsageError } from './root.js';

const USAGE = 'usage: ifconfig -a | ifconfig Interface [inet] [Address [netmask Mask] [alias|delete]] [up|down|detach]';

function show(i: RunningIf): string {
  const flags = i.up ? 'UP,BROADCAST,RUNNING,SIMPLEX,MULTICAST' : 'BROADCAST,SIMPLEX,MULTICAST';
  const lines = [`${i.name}: flags=<${flags}>`];
  for (const a of i.addrs) lines.push(`\tinet ${a.addr} netmask 0x${(parseNetmask(a.mask) ?? 0).toString(16).padStart(8, '0')}`);
  return lines.join('\n');
}

export async function ifconfig(argv: string[]): Promise<number> {
  record(simPath('var', 'adm', 'sim', 'ifconfig.log'), { argv: ['ifconfig', ...argv] });
  const all = runningInterfaces();
  if (argv.length === 1 && argv[0] === '-a') {
    process.stdout.write(`${all.map(show).join('\n')}\n`);
    return 0;
  }
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) throw new SimUsageError(USAGE);
  const records = loadRecords();
  const cur = all.find((i) => i.name === name);
  if (!records[name] || !cur) {
    process.stderr.write(`ifconfig: 0821-228 ${name}: no such interface\n`);
    return 1;
  }
  if (rest.length === 0) {
    process.stdout.write(`${show(cur)}\n`);
    return 0;
  }
  const next: RunningIf = { ...cur, addrs: [...cur.addrs] };
  let addr: string | undefined;
  let mask: string | undefined;
  let mode: 'set' | 'alias' | 'delete' = 'set';
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i]!;
    if (w === 'inet') continue;
    else if (w === 'netmask') mask = rest[++i];
    else if (w === 'alias') mode = 'alias';
    else if (w === 'delete') mode = 'delete';
    else if (w === 'up') next.up = true;
    else if (w === 'down') next.up = false;
    else if (w === 'detach') {
      next.up = false;
      next.addrs = [];
    } else if (addr === undefined && parseIPv4(w) !== undefined) addr = w;
    else {
      process.stderr.write(`ifconfig: ${w}: bad value\n`);
      return 1;
    }
  }
  if (mask !== undefined && parseNetmask(mask) === undefined) {
    process.stderr.write(`ifconfig: ${mask}: bad value\n`);
    return 1;
  }
  if (addr !== undefined) {
    if (mode === 'delete') {
      if (!next.addrs.some((a) => a.addr === addr)) {
        process.stderr.write(`ifconfig: ioctl (SIOCDIFADDR): Can't assign requested address\n`);
        return 1;
      }
      next.addrs = next.addrs.filter((a) => a.addr !== addr);
    } else {
      const entry = { addr, mask: mask ?? '255.255.255.0' };
      next.addrs = mode === 'alias' ? [...next.addrs.filter((a) => a.addr !== addr), entry] : [entry, ...next.addrs.slice(1)];
      next.up = true;
    }
  }
  const o = loadOverrides();
  o[name] = { up: next.up, addrs: next.addrs };
  saveOverrides(o);
  return 0;
}

export const main = (argv: string[]) => runMain('ifconfig', ifconfig, argv);
