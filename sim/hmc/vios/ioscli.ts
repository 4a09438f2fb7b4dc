/**
 * The Virtual I/O Server commands `viosvrcmd -c` runs (as padmin, through
 * ioscli): lsmap, mkvdev, rmvdev, vfcmap, lsdev, lspv, lsnports, chdev,
 * cfgdev, ioslevel. Output layouts follow the seed and the VIOS captures in
 * hmc-facts §4.5.
 */
import type { ManagedSystem, Partition, ViosOs } from '../model.js';
import { mapDisk } from './devices.js';

export interface IoscliResult {
  stdout: string;
  status: number;
}

const done = (stdout: string): IoscliResult => ({ stdout, status: 0 });
const failed = (text: string, status = 1): IoscliResult => ({ stdout: `${text}\n`, status });

/** Splits a VIOS command line into words (single and double quotes, backslashes); null when unbalanced. */
function splitWords(text: string): string[] | null {
  const words: string[] = [];
  let cur: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (cur !== null) words.push(cur);
      cur = null;
    } else if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      if (end < 0) return null;
      cur = (cur ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '\\' && i + 1 < text.length) {
      cur = (cur ?? '') + text[++i];
    } else {
      cur = (cur ?? '') + c;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

/**
 * `-flag value` options of an ioscli command; flags listed in `bare` take no
 * value, those in `optional` take the next word unless it is a flag
 * (`lsdev -dev hdisk2 -attr` or `-attr reserve_policy`).
 */
function opts(args: string[], bare: string[], optional: string[] = []): Map<string, string> | string {
  const out = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) return `unexpected argument "${a}"`;
    if (bare.includes(a) || (optional.includes(a) && (args[i + 1] === undefined || args[i + 1]!.startsWith('-')))) {
      out.set(a, '');
      continue;
    }
    const v = args[i + 1];
    if (v === undefined || (v.startsWith('-') && !/^-\d/.test(v))) {
      out.set(a, '');
      continue;
    }
    out.set(a, v);
    i++;
  }
  return out;
}

function loc(sys: ManagedSystem, lparId: number, slot: number): string {
  const [type, model] = sys.typeModel.split('-');
  return `U${type}.${model}.${sys.serial}-V${lparId}-C${slot}`;
}

function fcLoc(sys: ManagedSystem, port: string): string {
  const n = Number(port.replace('fcs', ''));
  return `U78C9.001.${sys.serial}-P1-C${2 + (n >> 1)}-T${(n % 2) + 1}`;
}

function diskLoc(sys: ManagedSystem, os: ViosOs, name: string): string {
  const d = os.disks.find((x) => x.name === name);
  return d ? `U78C9.001.${sys.serial}-P1-C6-T1-W500507680B2${d.pvid.slice(-5).toUpperCase()}-L1000000000000` : '';
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/** lsmap -field names: the adapter's, each virtual target device's, and the NPIV ones, in output order. */
const SCSI_FIELDS = ['svsa', 'physloc', 'clientid'];
const VTD_FIELDS = ['vtd', 'status', 'lun', 'backing', 'bdphysloc', 'mirrored'];
const NPIV_FIELDS = ['name', 'physloc', 'clntid', 'clntname', 'clntos', 'status', 'fc', 'fcphysloc', 'ports', 'flags', 'vfcclient', 'vfcclientdrc'];
const SCSI_HEAD: Record<string, { title: string; width: number }> = {
  svsa: { title: 'SVSA           ', width: 15 },
  physloc: { title: 'Physloc                                     ', width: 44 },
  clientid: { title: 'Client Partition ID', width: 18 },
};
const VTD_LABEL: Record<string, string> = { vtd: 'VTD', status: 'Status', lun: 'LUN', backing: 'Backing device', bdphysloc: 'Physloc', mirrored: 'Mirrored' };
const NPIV_LABEL: Record<string, string> = {
  name: 'Name',
  physloc: 'Physloc',
  clntid: 'ClntID',
  clntname: 'ClntName',
  clntos: 'ClntOS',
  status: 'Status',
  fc: 'FC name',
  fcphysloc: 'FC loc code',
  ports: 'Ports logged in',
  flags: 'Flags',
  vfcclient: 'VFC client name',
  vfcclientdrc: 'VFC client DRC',
};

/**
 * Takes `-field NAME...` out of the arguments: the names that follow it up to
 * the next flag (one quoted word may also hold several, blank- or
 * comma-separated). `fields` is undefined without -field.
 */
function withFields(args: string[]): { rest: string[]; fields?: string[] } | string {
  const i = args.indexOf('-field');
  if (i < 0) return { rest: args };
  let j = i + 1;
  const fields: string[] = [];
  while (j < args.length && !args[j]!.startsWith('-')) fields.push(...args[j++]!.split(/[\s,]+/).filter(Boolean));
  if (fields.length === 0) return 'the -field flag needs field names';
  return { rest: [...args.slice(0, i), ...args.slice(j)], fields: fields.map((f) => f.toLowerCase()) };
}

export class Ioscli {
  constructor(
    private readonly sys: ManagedSystem,
    private readonly vios: Partition,
  ) {}

  private get os(): ViosOs {
    return this.vios.vios!;
  }

  run(line: string): IoscliResult {
    const words = splitWords(line.trim());
    if (words === null) return failed('ioscli: unbalanced quotes in the command', 2);
    const [name, ...args] = words;
    if (name === undefined) return failed('ioscli: no command given', 2);
    switch (name) {
      case 'lsmap':
        return this.lsmap(args);
      case 'mkvdev':
        return this.mkvdev(args);
      case 'rmvdev':
        return this.rmvdev(args);
      case 'vfcmap':
        return this.vfcmap(args);
      case 'lsdev':
        return this.lsdev(args);
      case 'lspv':
        return this.lspv(args);
      case 'lsnports':
        return this.lsnports();
      case 'chdev':
        return this.chdev(args);
      case 'cfgdev':
        return done('');
      case 'ioslevel':
        return done(`${this.vios.osVersion.replace(/^VIOS /, '')}\n`);
      default:
        return failed(`rksh: ${name}:  not found.`, 127);
    }
  }

  /** The client partition logged in through a server adapter, if it is active. */
  private client(remoteId: number | null, remoteName: string, slot: number, kind: 'scsi' | 'fc'): Partition | undefined {
    return this.sys.partitions.find((p) => {
      if (p.vios || !p.allocated) return false;
      if (remoteId !== null && p.id !== remoteId) return false;
      if (remoteId === null && remoteName && p.name !== remoteName) return false;
      const list = kind === 'scsi' ? p.current.scsi : p.current.fc;
      return list.some((a) => a.type === 'client' && (a.remoteId === this.vios.id || a.remoteName === this.vios.name) && a.remoteSlot === slot);
    });
  }

  private lsmap(args: string[]): IoscliResult {
    const parsed = withFields(args);
    if (typeof parsed === 'string') return failed(`lsmap: ${parsed}`, 2);
    const o = opts(parsed.rest, ['-all', '-npiv', '-net', '-vnic']);
    if (typeof o === 'string') return failed(`lsmap: ${o}`, 2);
    const fmt = o.get('-fmt');
    const one = o.get('-vadapter');
    if (!o.has('-all') && one === undefined) return failed('lsmap: one of -all or -vadapter is required', 2);
    const npiv = o.has('-npiv') || (one !== undefined && one.startsWith('vfchost'));
    const known = npiv ? NPIV_FIELDS : [...SCSI_FIELDS, ...VTD_FIELDS];
    const fields = parsed.fields ?? null;
    const unknown = fields?.find((f) => !known.includes(f));
    if (unknown) return failed(`lsmap: "${unknown}" is not a valid field name; valid fields are: ${known.join(' ')}`, 2);
    if (npiv) return this.lsmapNpiv(one, fmt, fields);
    const blocks: string[] = [];
    const adapters = this.vios.current.scsi.filter((a) => a.type === 'server').sort((a, b) => (this.os.vhosts.get(a.slot)! < this.os.vhosts.get(b.slot)! ? -1 : 1));
    let found = false;
    const want = (f: string) => fields === null || fields.includes(f);
    for (const a of adapters) {
      const dev = this.os.vhosts.get(a.slot)!;
      if (one !== undefined && dev !== one) continue;
      found = true;
      const client = this.client(a.remoteId, a.remoteName, a.slot, 'scsi');
      const base: Record<string, string> = { svsa: dev, physloc: loc(this.sys, this.vios.id, a.slot), clientid: hex8(client?.id ?? 0) };
      const vtds = this.os.vtds
        .filter((v) => v.slot === a.slot)
        .map((v): Record<string, string> => ({ vtd: v.name, status: 'Available', lun: `0x${v.lun.toString(16)}00000000000000`, backing: v.backing, bdphysloc: diskLoc(this.sys, this.os, v.backing), mirrored: 'false' }));
      if (fmt !== undefined) {
        const line = SCSI_FIELDS.filter(want).map((f) => base[f]!);
        for (const v of vtds) line.push(...VTD_FIELDS.filter(want).map((f) => v[f]!));
        blocks.push(line.join(fmt));
        continue;
      }
      let text = '';
      const columns = SCSI_FIELDS.filter(want);
      if (columns.length) {
        text += columns.map((f) => SCSI_HEAD[f]!.title).join(' ') + '\n';
        text += columns.map((f) => '-'.repeat(SCSI_HEAD[f]!.width)).join(' ') + '\n';
        text += columns.map((f, i) => (i === columns.length - 1 ? base[f]! : base[f]!.padEnd(SCSI_HEAD[f]!.width + 1))).join('') + '\n\n';
      }
      const lines = VTD_FIELDS.filter(want);
      if (vtds.length === 0 && want('vtd')) text += 'VTD                   NO VIRTUAL TARGET DEVICE FOUND\n';
      text += vtds.map((v) => lines.map((f) => `${VTD_LABEL[f]!.padEnd(22)}${v[f]}\n`).join('')).filter(Boolean).join('\n');
      blocks.push(text);
    }
    if (one !== undefined && !found) return failed(`Device "${one}" is not a Server Virtual SCSI Adapter (SVSA).`);
    if (fmt !== undefined) return done(blocks.length ? blocks.join('\n') + '\n' : '');
    return done(blocks.join('\n'));
  }

  private lsmapNpiv(one: string | undefined, fmt: string | undefined, fields: string[] | null): IoscliResult {
    const blocks: string[] = [];
    const adapters = this.vios.current.fc.filter((a) => a.type === 'server');
    let found = false;
    for (const a of adapters.sort((x, y) => (this.os.vfchosts.get(x.slot)!.name < this.os.vfchosts.get(y.slot)!.name ? -1 : 1))) {
      const dev = this.os.vfchosts.get(a.slot)!;
      if (one !== undefined && dev.name !== one) continue;
      found = true;
      const client = this.client(a.remoteId, a.remoteName, a.slot, 'fc');
      const loggedIn = !!client && !!dev.fcPort;
      const clientAdapter = client?.current.fc.find((c) => c.remoteSlot === a.slot && (c.remoteId === this.vios.id || c.remoteName === this.vios.name));
      const port = dev.fcPort ?? '';
      const flags = loggedIn ? 'a<LOGGED_IN,STRIP_MERGE>' : '4<NOT_LOGGED>';
      const r: Record<string, string> = {
        name: dev.name,
        physloc: loc(this.sys, this.vios.id, a.slot),
        clntid: client ? String(client.id) : '',
        clntname: client?.name ?? '',
        clntos: client ? 'AIX' : '',
        status: loggedIn ? 'LOGGED_IN' : 'NOT_LOGGED_IN',
        fc: port,
        fcphysloc: port ? fcLoc(this.sys, port) : '',
        ports: loggedIn ? '2' : '0',
        flags,
        vfcclient: clientAdapter ? `fcs${client!.current.fc.filter((c) => c.type === 'client').indexOf(clientAdapter)}` : '',
        vfcclientdrc: clientAdapter ? loc(this.sys, client!.id, clientAdapter.slot) : '',
      };
      if (fmt !== undefined) {
        // With -fmt the flags are their hexadecimal value alone.
        blocks.push((fields ?? NPIV_FIELDS).map((f) => (f === 'flags' ? flags.split('<')[0]! : r[f]!)).join(fmt));
        continue;
      }
      if (fields !== null) {
        blocks.push(fields.map((f) => `${NPIV_LABEL[f]}:${r[f]}\n`).join(''));
        continue;
      }
      let text = 'Name          Physloc                            ClntID ClntName       ClntOS\n';
      text += '------------- ---------------------------------- ------ -------------- -------\n';
      text += `${r.name!.padEnd(14)}${r.physloc!.padEnd(35)}${r.clntid!.padStart(6)} ${r.clntname!.padEnd(15)}${r.clntos}\n\n`;
      text += `Status:${r.status}\n`;
      text += `FC name:${port.padEnd(20)}FC loc code:${r.fcphysloc}\n`;
      text += `Ports logged in:${r.ports}\n`;
      text += `Flags:${flags}\n`;
      text += `VFC client name:${r.vfcclient!.padEnd(12)}VFC client DRC:${r.vfcclientdrc}\n`;
      blocks.push(text);
    }
    if (one !== undefined && !found) return failed(`Device "${one}" is not a Virtual Fibre Channel server adapter.`);
    if (fmt !== undefined) return done(blocks.length ? blocks.join('\n') + '\n' : '');
    return done(blocks.join('\n'));
  }

  private mkvdev(args: string[]): IoscliResult {
    const o = opts(args, ['-f']);
    if (typeof o === 'string') return failed(`mkvdev: ${o}`, 2);
    const vdev = o.get('-vdev');
    const vadapter = o.get('-vadapter');
    if (o.has('-sea') || o.has('-lnagg') || o.has('-vlan') || o.has('-fbo')) return failed('mkvdev: only virtual SCSI disk mappings (-vdev DISK -vadapter vhostN) are supported by this Virtual I/O Server', 2);
    if (!vdev || !vadapter) return failed('mkvdev: -vdev and -vadapter are required', 2);
    const slot = [...this.os.vhosts].find(([, n]) => n === vadapter)?.[0];
    if (slot === undefined) return failed(`Device "${vadapter}" is not a Server Virtual SCSI Adapter (SVSA).`);
    if (!this.os.disks.some((d) => d.name === vdev)) return failed(`Device "${vdev}" is not in AVAILABLE state or does not exist.`);
    const existing = this.os.vtds.find((v) => v.backing === vdev);
    if (existing) return failed(`${vdev} is already being used as a backing device by ${existing.name}.`);
    const dev = o.get('-dev');
    if (dev !== undefined) {
      if (!/^[A-Za-z][A-Za-z0-9_]{0,14}$/.test(dev)) return failed(`mkvdev: invalid device name "${dev}"`, 2);
      if (this.os.vtds.some((v) => v.name === dev) || [...this.os.vhosts.values()].includes(dev)) return failed(`Device name "${dev}" is already in use.`);
    }
    const vtd = mapDisk(this.os, slot, vdev, dev);
    return done(`${vtd.name} Available\n`);
  }

  private rmvdev(args: string[]): IoscliResult {
    const o = opts(args, ['-f', '-rmlv']);
    if (typeof o === 'string') return failed(`rmvdev: ${o}`, 2);
    const vtdName = o.get('-vtd');
    const vdev = o.get('-vdev');
    if (!vtdName && !vdev) return failed('rmvdev: -vdev or -vtd is required', 2);
    const i = this.os.vtds.findIndex((v) => (vtdName ? v.name === vtdName : v.backing === vdev));
    if (i < 0) return failed(vtdName ? `Device "${vtdName}" is not a Virtual Target Device.` : `There is no virtual target device for "${vdev}".`);
    const [removed] = this.os.vtds.splice(i, 1);
    return done(`${removed!.name} deleted\n`);
  }

  private vfcmap(args: string[]): IoscliResult {
    const o = opts(args, []);
    if (typeof o === 'string') return failed(`vfcmap: ${o}`, 2);
    const vadapter = o.get('-vadapter');
    if (!vadapter || !o.has('-fcp')) return failed('vfcmap: -vadapter and -fcp are required', 2);
    const dev = [...this.os.vfchosts.values()].find((d) => d.name === vadapter);
    if (!dev) return failed(`Device "${vadapter}" is not a Virtual Fibre Channel server adapter.`);
    const port = o.get('-fcp')!;
    if (port !== '' && !this.os.fcPorts.includes(port)) return failed(`Device "${port}" is not an NPIV capable Fibre Channel port.`);
    dev.fcPort = port === '' ? null : port;
    return done(`${vadapter} changed\n`);
  }

  private lsdev(args: string[]): IoscliResult {
    const parsed = withFields(args);
    if (typeof parsed === 'string') return failed(`lsdev: ${parsed}`, 2);
    const o = opts(parsed.rest, ['-virtual', '-slots', '-vpd'], ['-attr']);
    if (typeof o === 'string') return failed(`lsdev: ${o}`, 2);
    const rows: Array<[string, string, string]> = [];
    const addDisks = () => this.os.disks.forEach((d) => rows.push([d.name, 'Available', 'MPIO IBM 2145 FC Disk']));
    const addPorts = () => this.os.fcPorts.forEach((f) => rows.push([f, 'Available', '16Gb PCI Express Dual Port FC Adapter']));
    const addVirtual = () => {
      for (const n of this.os.vhosts.values()) rows.push([n, 'Available', 'Virtual SCSI Server Adapter']);
      for (const d of this.os.vfchosts.values()) rows.push([d.name, 'Available', 'Virtual FC Server Adapter']);
      for (const v of this.os.vtds) rows.push([v.name, 'Available', 'Virtual Target Device - Disk']);
    };
    const dev = o.get('-dev');
    if (dev !== undefined) {
      const disk = this.os.disks.find((d) => d.name === dev);
      if (o.has('-attr')) {
        if (!disk) return failed(`Device "${dev}" does not exist or has no attributes.`);
        const attrs = { pvid: `${disk.pvid}0000000000000000`, reserve_policy: 'single_path', hcheck_interval: '0', hcheck_cmd: 'test_unit_rdy', ...disk.attrs };
        const want = o.get('-attr');
        if (want) return done(`value\n\n${(attrs as Record<string, string>)[want] ?? ''}\n`);
        return done('attribute       value\n\n' + Object.entries(attrs).map(([k, v]) => `${k.padEnd(16)}${v}`).join('\n') + '\n');
      }
      addDisks();
      addPorts();
      addVirtual();
      const row = rows.find((r) => r[0] === dev);
      if (!row) return failed(`Device "${dev}" does not exist.`);
      return done(`name             status      description\n${row[0].padEnd(17)}${row[1].padEnd(12)}${row[2]}\n`);
    }
    const type = o.get('-type');
    if (o.has('-virtual')) addVirtual();
    else if (type === 'disk') addDisks();
    else if (type === 'adapter') {
      addPorts();
      addVirtual();
    } else {
      addDisks();
      addPorts();
      addVirtual();
    }
    const fmt = o.get('-fmt');
    const columns = (parsed.fields ?? ['name', 'status', 'description']).map((f) => ['name', 'status', 'description'].indexOf(f));
    if (columns.includes(-1)) return failed(`lsdev: valid fields are: name status description`, 2);
    if (fmt !== undefined) return done(rows.map((r) => columns.map((c) => r[c]).join(fmt)).join('\n') + (rows.length ? '\n' : ''));
    return done('name             status      description\n' + rows.map((r) => `${r[0].padEnd(17)}${r[1].padEnd(12)}${r[2]}`).join('\n') + (rows.length ? '\n' : ''));
  }

  private lspv(args: string[]): IoscliResult {
    const o = opts(args, ['-free', '-avail']);
    if (typeof o === 'string') return failed(`lspv: ${o}`, 2);
    const mapped = new Set(this.os.vtds.map((v) => v.backing));
    const disks = this.os.disks.filter((d) => !(o.has('-free') || o.has('-avail')) || !mapped.has(d.name));
    return done('NAME             PVID                                 VG               STATUS\n' + disks.map((d) => `${d.name.padEnd(17)}${(d.pvid + '0000000000000000').padEnd(37)}${'None'.padEnd(17)}`).join('\n') + (disks.length ? '\n' : ''));
  }

  private lsnports(): IoscliResult {
    const rows = this.os.fcPorts.map((f) => {
      const used = [...this.os.vfchosts.values()].filter((d) => d.fcPort === f).length;
      return `${f.padEnd(13)}${fcLoc(this.sys, f).padEnd(35)}1 ${'64'.padEnd(6)}${String(64 - used).padEnd(6)}${'2048'.padEnd(7)}${2048 - used * 2}`;
    });
    return done('name         physloc                            fabric tports aports swwpns  awwpns\n' + rows.join('\n') + (rows.length ? '\n' : ''));
  }

  private chdev(args: string[]): IoscliResult {
    // padmin form: chdev -dev hdisk7 -attr reserve_policy=no_reserve [-perm]; root form: chdev -l hdisk7 -a attr=value [-P]
    const o = opts(args, ['-perm', '-P']);
    if (typeof o === 'string') return failed(`chdev: ${o}`, 2);
    const name = o.get('-dev') ?? o.get('-l');
    const attr = o.get('-attr') ?? o.get('-a');
    if (!name || !attr) return failed('chdev: -dev and -attr are required', 2);
    const disk = this.os.disks.find((d) => d.name === name);
    if (!disk) return failed(`Device "${name}" does not exist.`);
    for (const pair of attr.split(/\s+/)) {
      const m = /^([a-z_]+)=(.*)$/.exec(pair);
      if (!m) return failed(`chdev: invalid attribute "${pair}"`, 2);
      if (m[1] === 'reserve_policy' && !['no_reserve', 'single_path', 'PR_exclusive', 'PR_shared'].includes(m[2]!)) return failed(`chdev: ${m[2]} is not a valid value for reserve_policy`);
      if (m[1] === 'pv' && m[2] === 'yes') continue; // assigns the PVID, which simulated disks always have
      disk.attrs[m[1]!] = m[2]!;
    }
    return done(`${name} changed\n`);
  }
}
