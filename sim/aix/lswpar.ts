/**
 * lswpar — list workload partitions (AIX lswpar(1), the parts agents use):
 *
 *   lswpar [-c | -d delim] [-q] [-a field[,field...]] [-s states] [-N | -M] [wpar...]
 *
 * Default output is the table AIX 7 prints (Name State Type Hostname
 * Directory RootVG WPAR); -c colon-separated with a `#name:state:...`
 * header; -q drops the header; -a picks fields (name, state, type,
 * hostname, directory, rootvgwpar); -s keeps the given state letters; -N
 * lists network addresses (name, interface, address, mask_prefix,
 * broadcast); -M lists mounts (name, mountpoint, device, vfs, nodename,
 * options: the -M stanzas of mkwpar, then the /usr and /opt a shared WPAR
 * sees). A WPAR named but not defined is an error (exit 1) after the
 * others are listed. The exact header text and column widths are our
 * reading of IBM's examples (hmc-facts.md §7: the RootVG column is marked
 * unconfirmed there).
 */
import { SimUsageError, runMain } from './root.js';
import { mountsOf } from './wpar-fs.js';
import { faultsOf, loadWpars, type SimWpar, sleepMs } from './wpar-state.js';

const USAGE = 'Usage: lswpar [-c | -d delim] [-q] [-a field[,field...]] [-s states] [-N | -M] [wparname...]';

const GENERAL: Record<string, { header: string; value: (w: SimWpar) => string }> = {
  name: { header: 'Name', value: (w) => w.name },
  state: { header: 'State', value: (w) => w.state },
  type: { header: 'Type', value: (w) => w.type },
  hostname: { header: 'Hostname', value: (w) => w.hostname },
  directory: { header: 'Directory', value: (w) => w.directory },
  rootvgwpar: { header: 'RootVG WPAR', value: (w) => (w.rootvg ? 'yes' : 'no') },
};
const NETWORK = ['name', 'interface', 'address', 'mask_prefix', 'broadcast'];
const NETWORK_HEADERS: Record<string, string> = { name: 'Name', interface: 'Interface', address: 'Address(6)', mask_prefix: 'Mask/Prefix', broadcast: 'Broadcast' };
const MOUNT = ['name', 'mountpoint', 'device', 'vfs', 'nodename', 'options'];
const MOUNT_HEADERS: Record<string, string> = { name: 'Name', mountpoint: 'MountPoint', device: 'Device', vfs: 'Vfs', nodename: 'Nodename', options: 'Options' };

export async function lswpar(argv: string[]): Promise<number> {
  let delim: string | undefined;
  let quiet = false;
  let fields: string[] | undefined;
  let states: string | undefined;
  let network = false;
  let mounts = false;
  const names: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new SimUsageError(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (!a.startsWith('-') || a === '-') {
      names.push(a);
      continue;
    }
    // Flags combine as AIX allows (-cq, -Ncq).
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      const rest = a.slice(j + 1);
      const arg = () => (rest ? rest : value());
      if (f === 'c') delim = ':';
      else if (f === 'q') quiet = true;
      else if (f === 'N') network = true;
      else if (f === 'M') mounts = true;
      else if (f === 'd') {
        delim = arg();
        break;
      } else if (f === 'a') {
        fields = arg().split(',').map((x) => x.trim().toLowerCase());
        break;
      } else if (f === 's') {
        states = arg().toUpperCase();
        break;
      } else throw new SimUsageError(`unknown flag -${f}\n${USAGE}`);
    }
  }
  if (network && mounts) throw new SimUsageError(`-N and -M exclude each other\n${USAGE}`);
  const all = network ? NETWORK : mounts ? MOUNT : Object.keys(GENERAL);
  const cols = fields ?? all;
  for (const f of cols) if (!all.includes(f)) throw new SimUsageError(`${f} is not a field of this listing\n${USAGE}`);
  if (faultsOf('*').lswparHang || names.some((n) => faultsOf(n).lswparHang)) await sleepMs(3_600_000);

  const db = loadWpars();
  let code = 0;
  const selected: SimWpar[] = [];
  for (const n of names) {
    const w = db.wpars[n];
    if (w) selected.push(w);
    else {
      process.stderr.write(`lswpar: Could not find a workload partition called ${n}.\n`);
      code = 1;
    }
  }
  const list = (names.length ? selected : Object.values(db.wpars).sort((a, b) => a.name.localeCompare(b.name))).filter((w) => !states || states.includes(w.state));

  let rows: string[][];
  let headers: string[];
  if (mounts) {
    const value = (w: SimWpar, m: ReturnType<typeof mountsOf>[number], c: string) =>
      c === 'name' ? w.name : c === 'mountpoint' ? m.directory : c === 'device' ? (m.dev ?? '') : c === 'vfs' ? (m.vfs ?? '') : c === 'nodename' ? (m.host ?? '') : (m.mode ?? '');
    rows = list.flatMap((w) => mountsOf(w).map((m) => cols.map((c) => value(w, m, c))));
    headers = cols.map((c) => MOUNT_HEADERS[c]!);
  } else if (network) {
    rows = list.flatMap((w) => w.networks.map((n) => cols.map((c) => (c === 'name' ? w.name : c === 'mask_prefix' ? (n.netmask ?? n.prefix ?? '') : (n[c] ?? '')))));
    headers = cols.map((c) => NETWORK_HEADERS[c]!);
  } else {
    rows = list.map((w) => cols.map((c) => GENERAL[c]!.value(w)));
    headers = cols.map((c) => GENERAL[c]!.header);
  }
  const out: string[] = [];
  if (delim !== undefined) {
    if (!quiet) out.push(`#${cols.join(delim)}`);
    for (const r of rows) out.push(r.join(delim));
  } else {
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (r: string[]) => r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]!))).join('  ');
    if (!quiet) out.push(line(headers), '-'.repeat(widths.reduce((a, b) => a + b + 2, -2)));
    for (const r of rows) out.push(line(r));
  }
  if (out.length) process.stdout.write(`${out.join('\n')}\n`);
  return code;
}

export const main = (argv: string[]) => runMain('lswpar', lswpar, argv);
