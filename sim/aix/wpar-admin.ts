/**
 * Creating, changing and removing WPARs on the simulated host (AIX mkwpar(1),
 * chwpar(1), rmwpar(1)), enough to set up what tests and the scenario need:
 *
 *   mkwpar -n name [-h hostname] [-N attr=value...]... [-d directory] [-r] [-l] [-s]
 *   chwpar [-h hostname] [-N attr=value...]... [-R attr=value...] wparname
 *   rmwpar [-F] [-p] [-s] [-v] wparname
 *
 * mkwpar makes the WPAR's root directory (default $AIXSIM_ROOT/wpars/NAME)
 * with etc/; -r copies the host's $AIXSIM_ROOT/etc/resolv.conf into it, as
 * AIX copies the global name-resolution files; -s starts it. -N and -R take
 * attr=value words up to the next flag, as on AIX. chwpar -R keeps resource
 * controls (rset=, shares_CPU=, ...). rmwpar refuses an active WPAR unless
 * -s or -F, and removes its directory unless -p.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { SimUsageError, record, runMain, simPath } from './root.js';
import { startwpar } from './startwpar.js';
import { checkWparName, defaultDirectory, findWpar, updateWpars } from './wpar-state.js';

interface Parsed {
  flags: Set<string>;
  values: Map<string, string>;
  /** -N / -R groups: attr=value words. */
  groups: Map<string, Array<Record<string, string>>>;
  operands: string[];
}

function parse(argv: string[], withValue: string, groups: string, bool: string, usage: string): Parsed {
  const p: Parsed = { flags: new Set(), values: new Map(), groups: new Map(), operands: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!/^-./.test(a)) {
      p.operands.push(a);
      continue;
    }
    const f = a.slice(1);
    if (f.length === 1 && withValue.includes(f)) {
      const v = argv[++i];
      if (v === undefined) throw new SimUsageError(`${a} needs a value\n${usage}`);
      p.values.set(f, v);
    } else if (f.length === 1 && groups.includes(f)) {
      const attrs: Record<string, string> = {};
      while (i + 1 < argv.length && /^[A-Za-z_]+=/.test(argv[i + 1]!)) {
        const [k, ...v] = argv[++i]!.split('=');
        attrs[k!] = v.join('=');
      }
      p.groups.set(f, [...(p.groups.get(f) ?? []), attrs]);
    } else if ([...f].every((c) => bool.includes(c))) for (const c of f) p.flags.add(c);
    else throw new SimUsageError(`unknown flag ${a}\n${usage}`);
  }
  return p;
}

const MK_USAGE = 'Usage: mkwpar -n wparname [-h hostname] [-N attr=value...]... [-d directory] [-r] [-l] [-s]';

export async function mkwpar(argv: string[]): Promise<number> {
  const p = parse(argv, 'nhd', 'NR', 'rlsv', MK_USAGE);
  if (p.operands.length) throw new SimUsageError(`unexpected ${p.operands[0]}\n${MK_USAGE}`);
  const name = checkWparName('mkwpar', p.values.get('n'));
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['mkwpar', ...argv] });
  const dir = p.values.get('d') ?? defaultDirectory(name);
  const exists = updateWpars((db) => {
    if (db.wpars[name]) return true;
    db.wpars[name] = {
      name,
      state: 'D',
      type: 'S',
      hostname: p.values.get('h') ?? name,
      directory: dir,
      rootvg: false,
      networks: (p.groups.get('N') ?? []).map((n) => ({ interface: 'en0', ...n })),
      resourceControls: Object.assign({}, ...(p.groups.get('R') ?? [])) as Record<string, string>,
    };
    return false;
  });
  if (exists) {
    process.stderr.write(`mkwpar: Workload partition ${name} already exists.\n`);
    return 1;
  }
  mkdirSync(join(dir, 'etc'), { recursive: true });
  const hostResolv = simPath('etc', 'resolv.conf');
  if (p.flags.has('r') && existsSync(hostResolv)) copyFileSync(hostResolv, join(dir, 'etc', 'resolv.conf'));
  process.stdout.write(`Workload partition ${name} created successfully.\n`);
  if (p.flags.has('s')) return startwpar([name]);
  return 0;
}

const CH_USAGE = 'Usage: chwpar [-h hostname] [-N attr=value...]... [-R attr=value...] wparname';
const CONTROLS = new Set(['active', 'rset', 'shares_CPU', 'CPU', 'shares_memory', 'memory', 'procVirtMem', 'totalVirtMem', 'totalProcesses', 'totalThreads', 'totalPTYs', 'totalLargePages']);

export async function chwpar(argv: string[]): Promise<number> {
  const p = parse(argv, 'h', 'NR', 'Kv', CH_USAGE);
  if (p.operands.length !== 1) throw new SimUsageError(CH_USAGE);
  const name = p.operands[0]!;
  for (const r of p.groups.get('R') ?? []) for (const k of Object.keys(r)) if (!CONTROLS.has(k)) throw new SimUsageError(`${k} is not a resource control attribute\n${CH_USAGE}`);
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['chwpar', ...argv] });
  return updateWpars((db) => {
    const w = findWpar('chwpar', db, name);
    if (!w) return 1;
    const h = p.values.get('h');
    if (h) w.hostname = h;
    for (const n of p.groups.get('N') ?? []) {
      if (p.flags.has('K')) w.networks = w.networks.filter((x) => x.address !== n.address);
      else w.networks.push({ interface: 'en0', ...n });
    }
    for (const r of p.groups.get('R') ?? []) Object.assign(w.resourceControls, r);
    return 0;
  });
}

const RM_USAGE = 'Usage: rmwpar [-F] [-p] [-s] [-v] wparname';

export async function rmwpar(argv: string[]): Promise<number> {
  const p = parse(argv, '', '', 'Fpsv', RM_USAGE);
  if (p.operands.length !== 1) throw new SimUsageError(RM_USAGE);
  const name = p.operands[0]!;
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['rmwpar', ...argv] });
  let dir: string | undefined;
  const code = updateWpars((db) => {
    const w = findWpar('rmwpar', db, name);
    if (!w) return 1;
    if (w.state !== 'D' && !p.flags.has('s') && !p.flags.has('F')) {
      process.stderr.write(`rmwpar: Workload partition ${name} is not in the Defined state; use -s to stop it first.\n`);
      return 1;
    }
    dir = w.directory;
    delete db.wpars[name];
    delete db.faults[name];
    return 0;
  });
  if (code === 0 && dir && !p.flags.has('p')) rmSync(dir, { recursive: true, force: true });
  return code;
}

export const mkwparMain = (argv: string[]) => runMain('mkwpar', mkwpar, argv);
export const chwparMain = (argv: string[]) => runMain('chwpar', chwpar, argv);
export const rmwparMain = (argv: string[]) => runMain('rmwpar', rmwpar, argv);
