/**
 * The world file (`hmcsim --world FILE.json`) and `hmcsim ctl dump`, which
 * prints the same format with the current states, so a dump loads back.
 * The format is documented in docs/hmcsim.md.
 *
 * Validation names the JSON path of what is wrong
 * (`systems[0].partitions[2].profiles[0].attributes.min_mem: ...`), and
 * JSON syntax errors name line and column.
 */
import { readFileSync } from 'node:fs';
import { VcsPowervmError } from '../../framework/errors.js';
import { AdapterSyntaxError, formatEth, formatFc, formatScsi, formatSerial, parseEth, parseFc, parseScsi, parseSerial } from './adapters.js';
import { HmcError } from './hscl.js';
import { nameProblem } from './names.js';
import {
  DEFAULT_TIMINGS,
  LIST_ATTRS,
  LPAR_SETTABLE_DEFAULTS,
  LPAR_STATES,
  SYS_STATES,
  type AttrValue,
  type LparState,
  type ManagedSystem,
  type Partition,
  type RmcState,
  type SysState,
  type Timings,
  type User,
} from './model.js';
import { buildProfile, ioFromProfile } from './profiles.js';
import { macFor, newPartition } from './partitions.js';
import { mapDisk, syncViosDevices } from './vios/devices.js';
import { World } from './world.js';

export class WorldError extends VcsPowervmError {
  constructor(source: string, detail: string) {
    super('VCSPVM_SIM_WORLD', { source, detail });
  }
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };

/** Reads and validates a world file. */
export function loadWorldFile(path: string, speed?: number): World {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new WorldError(path, (e as Error).message);
  }
  return parseWorld(text, path, speed);
}

export function parseWorld(text: string, source: string, speed?: number): World {
  let doc: Json;
  try {
    doc = JSON.parse(text) as Json;
  } catch (e) {
    throw new WorldError(source, jsonPosition(text, (e as Error).message));
  }
  return new Reader(source).world(doc, speed);
}

/** `Unexpected token } in JSON at position 42` → `3:7: Unexpected token } ...`. */
function jsonPosition(text: string, message: string): string {
  const m = /position (\d+)/.exec(message);
  if (!m) return message;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${line}:${column}: ${message}`;
}

class Reader {
  constructor(private readonly source: string) {}

  private err(path: string, detail: string): never {
    throw new WorldError(this.source, `${path}: ${detail}`);
  }

  /** An object; with `allowed`, other keys are errors. */
  private obj(v: Json | undefined, path: string, allowed: string[] | null): Obj {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.err(path, 'expected an object');
    if (allowed) for (const k of Object.keys(v)) if (!allowed.includes(k)) this.err(`${path}.${k}`, `unknown key (expected one of ${allowed.join(', ')})`);
    return v;
  }

  private arr(v: Json | undefined, path: string): Json[] {
    if (!Array.isArray(v)) this.err(path, 'expected an array');
    return v;
  }

  private str(v: Json | undefined, path: string, re?: RegExp, what?: string): string {
    if (typeof v !== 'string') this.err(path, 'expected a string');
    if (re && !re.test(v)) this.err(path, `"${v}" is not ${what ?? `matching ${re}`}`);
    return v;
  }

  /** A partition or profile name as the HMC accepts it (names.ts). */
  private name(v: Json | undefined, path: string): string {
    const name = this.str(v, path);
    const problem = nameProblem(name);
    if (problem) this.err(path, `"${name}" is not a partition or profile name: ${problem}`);
    return name;
  }

  private int(v: Json | undefined, path: string, min: number, max: number): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) this.err(path, `expected an integer from ${min} to ${max}`);
    return v;
  }

  private num(v: Json | undefined, path: string): number {
    if (typeof v !== 'number' || !(v > 0)) this.err(path, 'expected a positive number');
    return v;
  }

  private oneOf<T extends string>(v: Json | undefined, path: string, values: readonly T[]): T {
    const s = this.str(v, path);
    if (!(values as readonly string[]).includes(s)) this.err(path, `"${s}" is not one of ${values.map((x) => `"${x}"`).join(', ')}`);
    return s as T;
  }

  world(doc: Json, speed?: number): World {
    const root = this.obj(doc, '(root)', ['hmcs', 'users', 'timings', 'systems']);
    const hmcNames = root.hmcs === undefined ? [] : this.arr(root.hmcs, 'hmcs').map((h, i) => this.str(h, `hmcs[${i}]`, /^[A-Za-z0-9][A-Za-z0-9.-]*$/, 'a host name'));
    const users: User[] =
      root.users === undefined
        ? [{ name: 'hscroot', password: 'abc123', authorizedKeys: [] }]
        : this.arr(root.users, 'users').map((u, i) => {
            const o = this.obj(u, `users[${i}]`, ['name', 'password', 'authorizedKeys']);
            return {
              name: this.str(o.name, `users[${i}].name`, /^[a-z_][a-z0-9_.-]{0,31}$/, 'a user name'),
              password: o.password === undefined ? '' : this.str(o.password, `users[${i}].password`),
              authorizedKeys: o.authorizedKeys === undefined ? [] : this.arr(o.authorizedKeys, `users[${i}].authorizedKeys`).map((k, j) => this.str(k, `users[${i}].authorizedKeys[${j}]`)),
            };
          });
    const timings: Partial<Timings> = {};
    if (root.timings !== undefined) {
      const t = this.obj(root.timings, 'timings', Object.keys(DEFAULT_TIMINGS));
      for (const [k, v] of Object.entries(t)) {
        if (typeof v !== 'number' || v < 0) this.err(`timings.${k}`, 'expected a number of seconds >= 0');
        (timings as Record<string, number>)[k] = v;
      }
    }
    const systems = this.arr(root.systems, 'systems').map((s, i) => this.system(s, `systems[${i}]`));
    if (systems.length === 0) this.err('systems', 'at least one managed system is needed');
    unique(systems.map((s) => s.name), (n) => this.err('systems', `managed system name ${n} is used twice`));
    unique(systems.map((s) => `${s.typeModel}*${s.serial}`), (n) => this.err('systems', `type-model*serial ${n} is used twice`));
    const world = new World({ systems, hmcNames, users, timings, speed: speed ?? 1 });
    return world;
  }

  private system(v: Json, path: string): ManagedSystem {
    const o = this.obj(v, path, ['name', 'typeModel', 'serial', 'ipaddr', 'state', 'memoryMB', 'procUnits', 'comanaged', 'partitions']);
    const sys: ManagedSystem = {
      name: this.str(o.name, `${path}.name`, /^[A-Za-z0-9][A-Za-z0-9_.*-]{0,62}$/, 'a managed system name'),
      typeModel: o.typeModel === undefined ? '8286-42A' : this.str(o.typeModel, `${path}.typeModel`, /^[0-9A-Z]{4}-[0-9A-Z]{3}$/, 'a type-model such as 8286-42A'),
      serial: this.str(o.serial, `${path}.serial`, /^[0-9A-Z]{7}$/, 'a 7-character serial number'),
      ipaddr: o.ipaddr === undefined ? '' : this.str(o.ipaddr, `${path}.ipaddr`),
      state: o.state === undefined ? 'Operating' : this.oneOf<SysState>(o.state, `${path}.state`, SYS_STATES),
      memoryMB: o.memoryMB === undefined ? 262144 : this.int(o.memoryMB, `${path}.memoryMB`, 1, 64 * 1024 * 1024),
      procUnits: o.procUnits === undefined ? 32 : this.num(o.procUnits, `${path}.procUnits`),
      comanaged: o.comanaged === undefined ? false : o.comanaged === true,
      partitions: [],
      timer: null,
    };
    if (!sys.ipaddr) sys.ipaddr = `192.168.128.${(hash(sys.serial) % 200) + 10}`;
    const parts = o.partitions === undefined ? [] : this.arr(o.partitions, `${path}.partitions`);
    sys.partitions = parts.map((p, i) => this.partition(sys, p, `${path}.partitions[${i}]`));
    unique(sys.partitions.map((p) => p.name), (n) => this.err(`${path}.partitions`, `partition name ${n} is used twice`));
    unique(sys.partitions.map((p) => String(p.id)), (n) => this.err(`${path}.partitions`, `partition ID ${n} is used twice`));
    for (let i = 0; i < parts.length; i++) this.mappings(sys.partitions[i]!, parts[i]!, `${path}.partitions[${i}]`);
    return sys;
  }

  private partition(sys: ManagedSystem, v: Json, path: string): Partition {
    const o = this.obj(v, path, [
      'name', 'id', 'env', 'state', 'rmcState', 'defaultProfile', 'currProfile', 'attributes', 'osVersion', 'refcode', 'hung', 'profiles', 'current', 'vios', 'migration',
    ]);
    const name = this.name(o.name, `${path}.name`);
    const id = this.int(o.id, `${path}.id`, 1, 1000);
    const env = o.env === undefined ? 'aixlinux' : this.oneOf(o.env, `${path}.env`, ['aixlinux', 'vioserver'] as const);
    const p = newPartition({ name, id, env });
    let state = o.state === undefined ? 'Not Activated' : this.oneOf<LparState>(o.state, `${path}.state`, LPAR_STATES);
    // A dump taken during a migration loads as the state before it.
    if (state === 'Migrating - Running') state = 'Running';
    if (state === 'Migrating - Not Activated') state = 'Not Activated';
    p.state = state;
    p.rmcState = o.rmcState === undefined ? (state === 'Running' ? 'active' : 'inactive') : this.oneOf<RmcState>(o.rmcState, `${path}.rmcState`, ['active', 'inactive', 'none']);
    p.hung = o.hung === true;
    if (o.attributes !== undefined) {
      const a = this.obj(o.attributes, `${path}.attributes`, Object.keys(LPAR_SETTABLE_DEFAULTS));
      for (const [k, val] of Object.entries(a)) p.attrs.set(k, this.str(val, `${path}.attributes.${k}`));
    }
    if (o.osVersion !== undefined) p.osVersion = this.str(o.osVersion, `${path}.osVersion`);
    else if (state === 'Running') p.osVersion = env === 'vioserver' ? 'VIOS 3.1.4.10' : 'AIX 7.2 7200-05-06-2320';
    if (o.refcode !== undefined) p.refcodes.push({ time: new Date(), code: this.str(o.refcode, `${path}.refcode`) });
    else if (state === 'Error') p.refcodes.push({ time: new Date(), code: `B2001230 LP=${String(id).padStart(5, '0')}` });

    const profs = o.profiles === undefined ? [{ name: 'default_profile' }] : this.arr(o.profiles, `${path}.profiles`);
    if (profs.length === 0) this.err(`${path}.profiles`, 'a partition has at least one profile');
    p.profiles = profs.map((pr, i) => {
      const po = this.obj(pr, `${path}.profiles[${i}]`, ['name', 'attributes']);
      const pname = this.name(po.name, `${path}.profiles[${i}].name`);
      const given = new Map<string, AttrValue>();
      if (po.attributes !== undefined) {
        const a = this.obj(po.attributes, `${path}.profiles[${i}].attributes`, null);
        for (const [k, val] of Object.entries(a)) given.set(k, this.attrValue(val, `${path}.profiles[${i}].attributes.${k}`, LIST_ATTRS.has(k)));
      }
      try {
        return buildProfile(pname, given, env, false);
      } catch (e) {
        if (e instanceof HmcError) this.err(`${path}.profiles[${i}]`, e.lines.join(' '));
        throw e;
      }
    });
    unique(p.profiles.map((pr) => pr.name), (n) => this.err(`${path}.profiles`, `profile name ${n} is used twice`));
    p.defaultProfile = o.defaultProfile === undefined ? p.profiles[0]!.name : this.str(o.defaultProfile, `${path}.defaultProfile`);
    if (!p.profiles.some((pr) => pr.name === p.defaultProfile)) this.err(`${path}.defaultProfile`, `no profile named ${p.defaultProfile}`);
    p.currProfile = o.currProfile === undefined ? p.defaultProfile : this.str(o.currProfile, `${path}.currProfile`);
    if (!p.profiles.some((pr) => pr.name === p.currProfile)) this.err(`${path}.currProfile`, `no profile named ${p.currProfile}`);
    const macOf = (slot: number) => macFor(sys, p, slot);
    p.current = ioFromProfile(p.profiles.find((pr) => pr.name === p.currProfile)!, macOf);
    if (o.current !== undefined) {
      const c = this.obj(o.current, `${path}.current`, ['virtual_scsi_adapters', 'virtual_fc_adapters', 'virtual_eth_adapters', 'virtual_serial_adapters']);
      try {
        if (c.virtual_scsi_adapters !== undefined) p.current.scsi = this.items(c.virtual_scsi_adapters, `${path}.current.virtual_scsi_adapters`).map(parseScsi);
        if (c.virtual_fc_adapters !== undefined) p.current.fc = this.items(c.virtual_fc_adapters, `${path}.current.virtual_fc_adapters`).map(parseFc);
        if (c.virtual_serial_adapters !== undefined) p.current.serial = this.items(c.virtual_serial_adapters, `${path}.current.virtual_serial_adapters`).map(parseSerial);
        if (c.virtual_eth_adapters !== undefined) {
          p.current.eth = this.items(c.virtual_eth_adapters, `${path}.current.virtual_eth_adapters`).map((item) => {
            const a = parseEth(item);
            if (!a.mac) a.mac = macOf(a.slot);
            return a;
          });
        }
      } catch (e) {
        if (e instanceof AdapterSyntaxError) this.err(`${path}.current`, e.message);
        throw e;
      }
    }
    if (o.vios !== undefined && env !== 'vioserver') this.err(`${path}.vios`, 'only vioserver partitions have a vios section');
    return p;
  }

  /** VIOS devices and mappings, read once the partition's adapters are known. */
  private mappings(p: Partition, v: Json, path: string): void {
    const o = v as Obj;
    if (!p.vios || o.vios === undefined) {
      syncViosDevices(p);
      return;
    }
    const vo = this.obj(o.vios, `${path}.vios`, ['disks', 'fcPorts', 'devices', 'mappings', 'npiv']);
    const os = p.vios;
    os.disks = vo.disks === undefined ? [] : this.arr(vo.disks, `${path}.vios.disks`).map((d, i) => {
      const dp = `${path}.vios.disks[${i}]`;
      const od = this.obj(d, dp, ['name', 'pvid', 'attributes']);
      const attrs: Record<string, string> = { reserve_policy: 'no_reserve' };
      if (od.attributes !== undefined) for (const [k, val] of Object.entries(this.obj(od.attributes, `${dp}.attributes`, null))) attrs[k] = this.str(val, `${dp}.attributes.${k}`);
      return { name: this.str(od.name, `${dp}.name`, /^hdisk\d+$/, 'a disk name such as hdisk2'), pvid: this.str(od.pvid, `${dp}.pvid`, /^[0-9a-f]{16}$/, 'a 16-hex-digit PVID'), attrs };
    });
    unique(os.disks.map((d) => d.name), (n) => this.err(`${path}.vios.disks`, `disk ${n} is listed twice`));
    os.fcPorts = vo.fcPorts === undefined ? [] : this.arr(vo.fcPorts, `${path}.vios.fcPorts`).map((f, i) => this.str(f, `${path}.vios.fcPorts[${i}]`, /^fcs\d+$/, 'a port name such as fcs0'));
    if (vo.devices !== undefined) {
      this.arr(vo.devices, `${path}.vios.devices`).forEach((d, i) => {
        const dp = `${path}.vios.devices[${i}]`;
        const od = this.obj(d, dp, ['slot', 'name']);
        const slot = this.int(od.slot, `${dp}.slot`, 2, 65535);
        const name = this.str(od.name, `${dp}.name`, /^(vhost|vfchost)\d+$/, 'vhostN or vfchostN');
        if (name.startsWith('vhost')) {
          if (!p.current.scsi.some((a) => a.type === 'server' && a.slot === slot)) this.err(`${dp}.slot`, `no server SCSI adapter in slot ${slot}`);
          os.vhosts.set(slot, name);
        } else {
          if (!p.current.fc.some((a) => a.type === 'server' && a.slot === slot)) this.err(`${dp}.slot`, `no server FC adapter in slot ${slot}`);
          os.vfchosts.set(slot, { name, fcPort: null });
        }
      });
    }
    syncViosDevices(p);
    if (vo.mappings !== undefined) {
      this.arr(vo.mappings, `${path}.vios.mappings`).forEach((m, i) => {
        const mp = `${path}.vios.mappings[${i}]`;
        const om = this.obj(m, mp, ['slot', 'backing', 'vtd']);
        const slot = this.int(om.slot, `${mp}.slot`, 2, 65535);
        if (!os.vhosts.has(slot)) this.err(`${mp}.slot`, `no server SCSI adapter in slot ${slot}`);
        const backing = this.str(om.backing, `${mp}.backing`);
        if (!os.disks.some((d) => d.name === backing)) this.err(`${mp}.backing`, `no disk named ${backing} on ${p.name}`);
        if (os.vtds.some((t) => t.backing === backing)) this.err(`${mp}.backing`, `${backing} is mapped twice`);
        const vtd = om.vtd === undefined ? undefined : this.str(om.vtd, `${mp}.vtd`, /^[A-Za-z][A-Za-z0-9_]{0,14}$/, 'a device name');
        if (vtd && os.vtds.some((t) => t.name === vtd)) this.err(`${mp}.vtd`, `${vtd} is used twice`);
        mapDisk(os, slot, backing, vtd);
      });
    }
    if (vo.npiv !== undefined) {
      this.arr(vo.npiv, `${path}.vios.npiv`).forEach((m, i) => {
        const mp = `${path}.vios.npiv[${i}]`;
        const om = this.obj(m, mp, ['slot', 'fcPort']);
        const slot = this.int(om.slot, `${mp}.slot`, 2, 65535);
        const dev = os.vfchosts.get(slot);
        if (!dev) this.err(`${mp}.slot`, `no server FC adapter in slot ${slot}`);
        const port = this.str(om.fcPort, `${mp}.fcPort`);
        if (!os.fcPorts.includes(port)) this.err(`${mp}.fcPort`, `no port named ${port} in fcPorts`);
        dev.fcPort = port;
      });
    }
  }

  private attrValue(v: Json, path: string, list: boolean): AttrValue {
    if (list) {
      if (typeof v === 'string') return v === 'none' || v === '' ? [] : [v];
      return this.items(v, path);
    }
    if (typeof v === 'number') return String(v);
    return this.str(v, path);
  }

  private items(v: Json, path: string): string[] {
    return this.arr(v, path).map((x, i) => this.str(x, `${path}[${i}]`));
  }
}

function unique(values: string[], onDuplicate: (v: string) => never): void {
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) onDuplicate(v);
    seen.add(v);
  }
}

function hash(text: string): number {
  let h = 0;
  for (const c of text) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h;
}

/** The world in world-file form, with current states (`hmcsim ctl dump`). */
export function dumpWorld(world: World): unknown {
  return {
    hmcs: world.hmcNames,
    users: [...world.users.values()].map((u) => ({ name: u.name, password: u.password, authorizedKeys: u.authorizedKeys })),
    timings: world.timings,
    systems: world.systems.map((s) => ({
      name: s.name,
      typeModel: s.typeModel,
      serial: s.serial,
      ipaddr: s.ipaddr,
      state: s.state,
      memoryMB: s.memoryMB,
      procUnits: s.procUnits,
      comanaged: s.comanaged,
      partitions: s.partitions
        .filter((p) => !p.migrationTarget)
        .map((p) => ({
          name: p.name,
          id: p.id,
          env: p.env,
          state: p.state,
          rmcState: p.rmcState,
          defaultProfile: p.defaultProfile,
          currProfile: p.currProfile,
          attributes: Object.fromEntries(p.attrs),
          osVersion: p.osVersion,
          refcode: p.refcodes[0]?.code ?? '',
          hung: p.hung,
          ...(p.migration ? { migration: { target: p.migration.target, failed: p.migration.failed, active: p.migration.active } } : {}),
          profiles: p.profiles.map((pr) => ({ name: pr.name, attributes: Object.fromEntries(pr.attrs) })),
          current: {
            virtual_scsi_adapters: p.current.scsi.map(formatScsi),
            virtual_fc_adapters: p.current.fc.map(formatFc),
            virtual_eth_adapters: p.current.eth.map((a) => formatEth(a, true)),
            virtual_serial_adapters: p.current.serial.map(formatSerial),
          },
          ...(p.vios
            ? {
                vios: {
                  disks: p.vios.disks.map((d) => ({ name: d.name, pvid: d.pvid, attributes: d.attrs })),
                  fcPorts: p.vios.fcPorts,
                  devices: [
                    ...[...p.vios.vhosts].map(([slot, name]) => ({ slot, name })),
                    ...[...p.vios.vfchosts].map(([slot, d]) => ({ slot, name: d.name })),
                  ],
                  mappings: p.vios.vtds.map((t) => ({ slot: t.slot, backing: t.backing, vtd: t.name })),
                  npiv: [...p.vios.vfchosts].filter(([, d]) => d.fcPort).map(([slot, d]) => ({ slot, fcPort: d.fcPort })),
                },
              }
            : {}),
        })),
    })),
  };
}
