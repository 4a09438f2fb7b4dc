/**
 * rmdev [-d] [-R] -l Name — unconfigures a device (Defined), or with -d
 * deletes it from the ODM. An adapter whose interface is up with an
 * address is busy unless -R takes the interface too, as on AIX.
 */
import { dropOverride, runningInterfaces } from './ifnet.js';
import { loadDevices, loadRecords, noDevice, saveDevices, saveRecords } from './odm.js';
import { record, runMain, simPath, SimUsageError } from './root.js';

export async function rmdev(argv: string[]): Promise<number> {
  record(simPath('var', 'adm', 'sim', 'rmdev.log'), { argv: ['rmdev', ...argv] });
  let name: string | undefined;
  let del = false;
  let recursive = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-[dR]+$/.test(a)) {
      del ||= a.includes('d');
      recursive ||= a.includes('R');
    } else if (a === '-l' || a === '-dl' || a === '-Rdl') {
      del ||= a.includes('d');
      recursive ||= a.includes('R');
      name = argv[++i];
    } else throw new SimUsageError('Usage: rmdev -l Name [-d] [-R]');
  }
  if (!name) throw new SimUsageError('Usage: rmdev -l Name [-d] [-R]');
  const records = loadRecords();
  const devices = loadDevices();
  if (!records[name]) {
    process.stderr.write(`${noDevice('rmdev', name)}\n`);
    return 1;
  }
  const targets = [name];
  const child = /^ent(\d+)$/.exec(name) ? `en${name.slice(3)}` : undefined;
  if (child && records[child]) {
    const running = runningInterfaces().find((i) => i.name === child);
    if (running?.up && running.addrs.length && !recursive) {
      process.stderr.write(`Method error (/usr/lib/methods/ucfgcommo):\n\t0514-062 Cannot perform the requested function because the\n\t         specified device is busy.\n`);
      return 1;
    }
    if (recursive) targets.unshift(child);
  }
  for (const t of targets) {
    dropOverride(t);
    if (del) {
      delete records[t];
      delete devices[t];
      process.stdout.write(`${t} deleted\n`);
    } else {
      records[t]!.status = 'Defined';
      if (devices[t] && 'state' in devices[t]!) devices[t]!.state = 'detach';
      process.stdout.write(`${t} Defined\n`);
    }
  }
  saveRecords(records);
  saveDevices(devices);
  return 0;
}

export const main = (argv: string[]) => runMain('rmdev', rmdev, argv);
