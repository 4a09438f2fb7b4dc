/**
 * lparstat -i — the partition's identity: from the hypervisor
 * (var/adm/sim/platform.json, written by hmcsim: the name and number the
 * partition has where it runs now), else from $AIXSIM_ROOT/etc/lpar.json
 * ({ "name": ..., "id": ... }, written when the simulated guest is set up).
 */
import { readPlatform } from './platform.js';
import { readJson, runMain, simPath, simRoot, SimUsageError } from './root.js';

export async function lparstat(argv: string[]): Promise<number> {
  if (argv.length !== 1 || argv[0] !== '-i') throw new SimUsageError('Usage: lparstat -i');
  const me = readJson<{ name?: string; id?: number; node?: string } | null>(simPath('etc', 'lpar.json'), null);
  const platform = readPlatform(simRoot());
  const name = platform?.lparName ?? me?.name;
  if (!name) {
    process.stderr.write('lparstat: this simulated host is not a partition (no etc/lpar.json)\n');
    return 1;
  }
  const rows: [string, string][] = [
    ['Node Name', me?.node ?? name],
    ['Partition Name', name],
    ['Partition Number', String(platform?.lparId ?? me?.id ?? 1)],
    ['Type', 'Shared-SMT-4'],
    ['Mode', 'Uncapped'],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(43)}: ${v}\n`);
  return 0;
}

export const main = (argv: string[]) => runMain('lparstat', lparstat, argv);
