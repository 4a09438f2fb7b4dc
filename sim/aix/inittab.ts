/**
 * /etc/inittab of the simulated host, and the commands that edit it:
 *
 *   mkitab [-i Identifier] "Identifier:RunLevel:Action:Command"   adds a record (after Identifier with -i)
 *   lsitab Identifier | lsitab -a                                  shows a record, or all of them
 *   rmitab Identifier                                              removes a record
 *
 * Records are `id:runlevel:action:command`, as AIX keeps them; the boot
 * (boot.ts) runs them in order.
 */
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../framework/fs.js';
import { runMain, simPath, SimUsageError } from './root.js';

export interface InittabRecord {
  id: string;
  runlevel: string;
  action: string;
  command: string;
}

/** What a freshly installed AIX 7.2 has, in order (the parts the simulation cares to show). */
export const DEFAULT_INITTAB = [
  'init:2:initdefault:',
  'brc::sysinit:/sbin/rc.boot 3 >/dev/console 2>&1 # Phase 3 of system boot',
  'rc:23456789:wait:/etc/rc 2>&1 | alog -tboot > /dev/console # Multi-User checks',
  'fbcheck:23456789:wait:/usr/sbin/fbcheck 2>&1 | alog -tboot > /dev/console # run /etc/firstboot',
  'rctcpip:23456789:wait:/etc/rc.tcpip > /dev/console 2>&1 # Start TCP/IP daemons',
  'cron:23456789:respawn:/usr/sbin/cron',
  'l2:2:wait:/etc/rc.d/rc 2',
  'ctrmc:2:once:/usr/bin/startsrc -s ctrmc > /dev/console 2>&1',
];

const file = () => simPath('etc', 'inittab');

export function parseRecord(line: string): InittabRecord | undefined {
  if (line.startsWith(':') || line.trim() === '') return undefined; // a comment, as AIX writes them
  const [id, runlevel, action, ...rest] = line.split(':');
  if (id === undefined || runlevel === undefined || action === undefined) return undefined;
  return { id, runlevel, action, command: rest.join(':') };
}

export function readInittab(): string[] {
  try {
    return readFileSync(file(), 'utf8').split('\n').filter((l) => l !== '');
  } catch {
    return [...DEFAULT_INITTAB];
  }
}

function writeInittab(lines: string[]): void {
  writeFileAtomic(file(), `${lines.join('\n')}\n`, { backup: false, fsync: false, mode: 0o644 });
}

export async function mkitab(argv: string[]): Promise<number> {
  let after: string | undefined;
  const args = [...argv];
  if (args[0] === '-i') {
    after = args[1];
    args.splice(0, 2);
  }
  if (args.length !== 1 || after === '') throw new SimUsageError('Usage: mkitab [-i Identifier] {[Identifier]:[RunLevel]:[Action]:[Command]}');
  const rec = parseRecord(args[0]!);
  if (!rec || !/^[A-Za-z0-9_]{1,14}$/.test(rec.id)) {
    process.stderr.write(`mkitab: 3054-024 The specified record is not valid:\n\t${args[0]}\n`);
    return 1;
  }
  const lines = readInittab();
  if (lines.some((l) => parseRecord(l)?.id === rec.id)) {
    process.stderr.write(`mkitab: 3054-005 The identifier ${rec.id} already exists in /etc/inittab.\n`);
    return 1;
  }
  const at = after === undefined ? -1 : lines.findIndex((l) => parseRecord(l)?.id === after);
  if (after !== undefined && at < 0) {
    process.stderr.write(`mkitab: 3054-006 The identifier ${after} does not exist in /etc/inittab.\n`);
    return 1;
  }
  if (at < 0) lines.push(args[0]!);
  else lines.splice(at + 1, 0, args[0]!);
  writeInittab(lines);
  return 0;
}

export async function lsitab(argv: string[]): Promise<number> {
  const lines = readInittab();
  if (argv.length === 1 && argv[0] === '-a') {
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  }
  if (argv.length !== 1) throw new SimUsageError('Usage: lsitab {-a | Identifier}');
  const line = lines.find((l) => parseRecord(l)?.id === argv[0]);
  if (!line) return 1;
  process.stdout.write(`${line}\n`);
  return 0;
}

export async function rmitab(argv: string[]): Promise<number> {
  if (argv.length !== 1) throw new SimUsageError('Usage: rmitab Identifier');
  const lines = readInittab();
  const kept = lines.filter((l) => parseRecord(l)?.id !== argv[0]);
  if (kept.length === lines.length) {
    process.stderr.write(`rmitab: 3054-006 The identifier ${argv[0]} does not exist in /etc/inittab.\n`);
    return 1;
  }
  writeInittab(kept);
  return 0;
}

export const mkitabMain = (argv: string[]) => runMain('mkitab', mkitab, argv);
export const lsitabMain = (argv: string[]) => runMain('lsitab', lsitab, argv);
export const rmitabMain = (argv: string[]) => runMain('rmitab', rmitab, argv);
