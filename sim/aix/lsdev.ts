/**
 * lsdev — devices of the simulated ODM (odm.ts):
 *
 *   lsdev [-C] [-c Class] [-l Name] [-S a|d] [-F Format]
 *
 * Default lines are "name status description"; -F prints the fields it
 * names (name, class, status, physloc, description, location) with the
 * format's own separators, as AIX does.
 */
import { loadRecords, noDevice } from './odm.js';
import { runMain, SimUsageError } from './root.js';

const USAGE = 'Usage: lsdev [-C] [-c Class] [-l Name] [-S State] [-F Format]';
const FIELDS = ['name', 'class', 'status', 'physloc', 'description', 'location'];

export async function lsdev(argv: string[]): Promise<number> {
  let cls: string | undefined;
  let name: string | undefined;
  let state: string | undefined;
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-C') continue;
    if (a === '-Cc') cls = argv[++i];
    else if (a === '-c') cls = argv[++i];
    else if (a === '-l') name = argv[++i];
    else if (a === '-S') state = argv[++i];
    else if (a === '-F') format = argv[++i];
    else throw new SimUsageError(USAGE);
  }
  const records = loadRecords();
  if (name !== undefined && !records[name]) {
    process.stderr.write(`${noDevice('lsdev', name)}\n`);
    return 1;
  }
  const rows = Object.entries(records)
    .filter(([n, r]) => (name === undefined || n === name) && (cls === undefined || r.class === cls))
    .filter(([, r]) => state === undefined || (/^a/i.test(state) ? r.status === 'Available' : r.status === 'Defined'))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
  for (const [n, r] of rows) {
    const values: Record<string, string> = { name: n, class: r.class, status: r.status, physloc: r.physloc, description: r.description, location: '' };
    if (format !== undefined) {
      process.stdout.write(`${format.replace(new RegExp(`\\b(${FIELDS.join('|')})\\b`, 'g'), (f) => values[f] ?? f)}\n`);
    } else {
      process.stdout.write(`${n.padEnd(16)} ${r.status.padEnd(9)}  ${r.description}\n`);
    }
  }
  return 0;
}

export const main = (argv: string[]) => runMain('lsdev', lsdev, argv);
