/**
 * Creating, changing and removing WPARs on the simulated host (AIX mkwpar(1),
 * chwpar(1), rmwpar(1)), the forms the seed and the agents use:
 *
 *   mkwpar -n name [-h hostname] [-N attr=value...]... [-M attr=value...]... [-R attr=value...]
 *          [-d directory] [-r] [-l] [-s] [-p] [-f infile] [-e existing] [-o outfile [-w]] [-v]
 *   chwpar [-h hostname] [-N attr=value...]... [-R attr=value...] wparname
 *   rmwpar [-F] [-p] [-s] [-v] wparname
 *
 * Paths are the simulated host's: -d, -o and -f are taken under
 * $AIXSIM_ROOT (`mkwpar -d /wpars/x` makes $AIXSIM_ROOT/wpars/x; lswpar
 * shows that path, which is where the WPAR's files are on this host).
 * mkwpar makes the WPAR's root directory (default /wpars/NAME) with etc/,
 * refusing one that is not empty unless -p preserves it (the file systems
 * already exist: a WPAR root on NFS made on another node); -M adds mount
 * stanzas (directory=/ vfs=nfs host=H dev=E: the root on NFS, kept under
 * $AIXSIM_NFS — wpar-fs.ts); -l makes a detached WPAR (private /usr and
 * /opt); -r copies the host's /etc/resolv.conf in; -s starts it. A
 * specification file: -o writes one (-w: only that, nothing created), -f
 * creates from one, -e takes an existing WPAR's settings (wpar-spec.ts).
 * -N, -M and -R take attr=value words up to the next flag, as on AIX.
 * chwpar -R keeps resource controls (rset=, shares_CPU=, ...). rmwpar
 * refuses an active WPAR unless -s or -F, and removes its directory unless
 * -p (never an NFS root: that belongs to every node).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { SimUsageError, hostPath, record, runMain, simPath } from './root.js';
import { startwpar } from './startwpar.js';
import { nfsExport } from './wpar-fs.js';
import { formatSpec, parseSpec, specOf, type WparSpec } from './wpar-spec.js';
import { checkWparName, defaultDirectory, findWpar, loadWpars, type SimMount, updateWpars } from './wpar-state.js';

interface Parsed {
  flags: Set<string>;
  values: Map<string, string>;
  /** -N / -R / -M groups: attr=value words. */
  groups: Map<string, Array<Record<string, string>>>;
  operands: string[];
}

function parse(argv: string[], withValue: string, groups: string, bool: string, usage: string, optionalValue = ''): Parsed {
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
    } else if (f.length === 1 && optionalValue.includes(f)) {
      // -p [name]: the value is optional; a following flag is not it.
      p.flags.add(f);
      if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) p.values.set(f, argv[++i]!);
    } else if (f.length === 1 && groups.includes(f)) {
      const attrs: Record<string, string> = {};
      while (i + 1 < argv.length && /^[A-Za-z_]+=/.test(argv[i + 1]!)) {
        const [k, ...v] = argv[++i]!.split('=');
        attrs[k!] = v.join('=').replace(/^'(.*)'$/, '$1');
      }
      p.groups.set(f, [...(p.groups.get(f) ?? []), attrs]);
    } else if ([...f].every((c) => bool.includes(c))) for (const c of f) p.flags.add(c);
    else throw new SimUsageError(`unknown flag ${a}\n${usage}`);
  }
  return p;
}

const MK_USAGE =
  'Usage: mkwpar -n wparname [-h hostname] [-N attr=value...]... [-M attr=value...]... [-R attr=value...] [-d directory] [-r] [-l] [-s] [-p] [-f infile] [-e existingwpar] [-o outfile [-w]]';

function mountOf(attrs: Record<string, string>): SimMount {
  if (!attrs.directory) throw new SimUsageError(`-M needs directory=\n${MK_USAGE}`);
  const m: SimMount = { directory: attrs.directory };
  for (const k of ['vfs', 'host', 'dev', 'mode'] as const) if (attrs[k] !== undefined) m[k] = attrs[k];
  if (m.vfs === 'nfs' && (!m.host || !m.dev)) throw new SimUsageError(`-M directory=${m.directory} vfs=nfs needs host= and dev=\n${MK_USAGE}`);
  return m;
}

const isEmptyDir = (d: string) => !existsSync(d) || readdirSync(d).length === 0;

export async function mkwpar(argv: string[]): Promise<number> {
  const p = parse(argv, 'nhdofe', 'NRM', 'rlsvwW', MK_USAGE, 'p');
  if (p.operands.length) throw new SimUsageError(`unexpected ${p.operands[0]}\n${MK_USAGE}`);
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['mkwpar', ...argv] });
  // The settings: an existing WPAR's (-e) or a specification file's (-f), then the flags on top.
  let base: WparSpec = { networks: [], mounts: [], resources: {} };
  const existing = p.values.get('e');
  if (existing !== undefined) {
    const w = findWpar('mkwpar', loadWpars(), existing);
    if (!w) return 1;
    base = specOf(w);
    // A template for another WPAR: its own name, host name and directory.
    if (p.values.has('n') && p.values.get('n') !== existing) {
      delete base.hostname;
      delete base.directory;
    }
  }
  const infile = p.values.get('f');
  if (infile !== undefined) {
    const path = hostPath(infile);
    if (!existsSync(path)) throw new SimUsageError(`${infile}: no such specification file`);
    base = parseSpec(readFileSync(path, 'utf8'), infile);
  }
  const name = p.values.get('n') ?? base.name;
  if (p.flags.has('w') && !p.values.has('o')) throw new SimUsageError(`-w needs -o outfile\n${MK_USAGE}`);
  const spec: WparSpec = {
    ...base,
    ...(name !== undefined ? { name: checkWparName('mkwpar', name) } : {}),
    hostname: p.values.get('h') ?? base.hostname ?? name,
    directory: p.values.get('d') ?? base.directory,
    detached: p.flags.has('l') || !!base.detached,
    networks: [...base.networks, ...(p.groups.get('N') ?? []).map((n) => ({ interface: 'en0', ...n }))],
    mounts: [...base.mounts, ...(p.groups.get('M') ?? []).map(mountOf)],
    resources: Object.assign({}, base.resources, ...(p.groups.get('R') ?? [])) as Record<string, string>,
  };
  if (spec.name === undefined) throw new SimUsageError(`a workload partition name is required (-n, or in the -f file)\n${MK_USAGE}`);
  const outfile = p.values.get('o');
  if (outfile !== undefined) {
    const path = hostPath(outfile);
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, formatSpec({ ...spec, directory: spec.directory ?? `/wpars/${spec.name}` }), { backup: false });
    if (p.flags.has('w')) return 0;
  }
  const wparName = spec.name;
  const nfsRoot = spec.mounts.find((m) => m.directory === '/' && m.vfs === 'nfs');
  const dir = nfsRoot ? nfsExport(nfsRoot.host!, nfsRoot.dev!) : spec.directory !== undefined ? hostPath(spec.directory) : defaultDirectory(wparName);
  const preserve = p.flags.has('p');
  if (loadWpars().wpars[wparName]) {
    process.stderr.write(`mkwpar: Workload partition ${wparName} already exists.\n`);
    return 1;
  }
  if (preserve && !existsSync(join(dir, 'etc'))) {
    process.stderr.write(`mkwpar: -p: ${dir} holds no workload partition file systems to preserve.\n`);
    return 1;
  }
  if (!preserve && !isEmptyDir(dir)) {
    process.stderr.write(`mkwpar: ${dir} is not empty; use -p to preserve the file systems it holds.\n`);
    return 1;
  }
  const exists = updateWpars((db) => {
    if (db.wpars[wparName]) return true;
    db.wpars[wparName] = {
      name: wparName,
      state: 'D',
      type: 'S',
      hostname: spec.hostname ?? wparName,
      directory: dir,
      rootvg: false,
      networks: spec.networks,
      resourceControls: spec.resources,
      ...(spec.mounts.length ? { mounts: spec.mounts } : {}),
      ...(nfsRoot ? { baseDirectory: spec.directory ?? `/wpars/${wparName}` } : {}),
      ...(spec.detached ? { detached: true } : {}),
    };
    return false;
  });
  if (exists) {
    process.stderr.write(`mkwpar: Workload partition ${wparName} already exists.\n`);
    return 1;
  }
  if (!preserve) {
    mkdirSync(join(dir, 'etc'), { recursive: true });
    // The file systems of the other NFS mounts (/var, /home, /tmp of the seed's example) are made too.
    for (const m of spec.mounts) if (m.vfs === 'nfs' && m.directory !== '/') mkdirSync(nfsExport(m.host!, m.dev!), { recursive: true });
    const hostResolv = simPath('etc', 'resolv.conf');
    if (p.flags.has('r') && existsSync(hostResolv)) copyFileSync(hostResolv, join(dir, 'etc', 'resolv.conf'));
  }
  process.stdout.write(`Workload partition ${wparName} created successfully.\n`);
  if (p.flags.has('s')) return startwpar([wparName]);
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
    // A root on NFS is every node's: removing the definition here leaves it.
    if (!(w.mounts ?? []).some((m) => m.directory === '/' && m.vfs === 'nfs')) dir = w.directory;
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
