/**
 * A world built from a VCS main.cf (`hmcsim --from-maincf`), so that an
 * administrator can rehearse a configuration before touching production:
 *
 * - each distinct PhysicalServer value of a system is a managed system,
 *   Operating; each VCS system is its management LPAR there, Running;
 * - each LPAR resource is a partition (named by LPARName, else the resource)
 *   with a default profile of the same name, Not Activated, on the managed
 *   system of every system in its group's SystemList (the seed's setup
 *   procedure creates the profile on all of them);
 * - the VIOSName values of each system are VIO servers, Running, each with a
 *   server SCSI adapter serving the partition and the partition's boot disk
 *   (the same PVID everywhere: shared storage) mapped to it; a managed system
 *   whose systems name no VIOS gets one, `<server>-vios1`;
 * - MCName entries are the HMC names (endpoint i is HMC i), MCUser entries
 *   the users (password abc123, as hscroot's factory default).
 */
import { createHash } from 'node:crypto';
import { loadConfig } from '../../framework/cf/load.js';
import type { ResourceDef } from '../../framework/cf/model.js';
import { assocOf, attributeValue, listOf, scalarOf } from '../../framework/cf/values.js';
import { formatScsi } from './adapters.js';
import type { AttrValue, ManagedSystem, Partition, User } from './model.js';
import { buildProfile, ioFromProfile } from './profiles.js';
import { macFor, newPartition } from './partitions.js';
import { mapDisk, syncViosDevices } from './vios/devices.js';
import { World } from './world.js';
import { WorldError } from './worldfile.js';

export interface MainCfWorld {
  world: World;
  /** Things worth telling the user (systems without PhysicalServer, ...). */
  notes: string[];
}

const hex = (text: string, n: number) => createHash('sha256').update(text).digest('hex').slice(0, n);

function serialOf(name: string): string {
  return createHash('sha256').update(name).digest('hex').slice(0, 7).toUpperCase().replace(/[^0-9A-Z]/g, '0');
}

export function worldFromMainCf(path: string, speed = 1): World {
  const { world, notes } = buildFromMainCf(path, speed);
  for (const n of notes) process.stderr.write(`hmcsim: ${n}\n`);
  return world;
}

export function buildFromMainCf(path: string, speed = 1): MainCfWorld {
  const { config, errors } = loadConfig(path);
  const notes: string[] = [];
  // A missing types.cf only leaves values untyped, which reading them here does not need.
  const fatal = errors.filter((e) => e.code !== 'VCSPVM_CF_INCLUDE');
  if (fatal.length) throw new WorldError(path, fatal.map((e) => e.message).join('; '));
  for (const e of errors) if (e.code === 'VCSPVM_CF_INCLUDE') notes.push(`${e.message} (values are read untyped)`);

  const systems = new Map<string, ManagedSystem>();
  const msOfSystem = new Map<string, ManagedSystem>();
  for (const s of config.systems) {
    const ps = scalarOf(attributeValue(s, 'PhysicalServer'));
    if (ps === undefined || ps === '') {
      notes.push(`system ${s.name} has no PhysicalServer: it is not on any simulated managed system`);
      continue;
    }
    const name = String(ps);
    let ms = systems.get(name);
    if (!ms) {
      ms = { name, typeModel: '8286-42A', serial: serialOf(name), ipaddr: '', state: 'Operating', memoryMB: 262144, procUnits: 32, comanaged: false, partitions: [], timer: null };
      ms.ipaddr = `192.168.128.${10 + systems.size}`;
      systems.set(name, ms);
    }
    msOfSystem.set(s.name, ms);
  }
  if (systems.size === 0) throw new WorldError(path, 'no system has a PhysicalServer attribute: there is no managed system to simulate');

  const addPartition = (ms: ManagedSystem, name: string, env: 'aixlinux' | 'vioserver'): Partition => {
    const existing = ms.partitions.find((p) => p.name === name);
    if (existing) return existing;
    const id = ms.partitions.reduce((m, p) => Math.max(m, p.id), 0) + 1;
    const p = newPartition({ name, id, env });
    ms.partitions.push(p);
    return p;
  };
  const withProfile = (ms: ManagedSystem, p: Partition, profileName: string, attrs: Map<string, AttrValue>) => {
    p.profiles = [buildProfile(profileName, attrs, p.env, false)];
    p.defaultProfile = p.currProfile = profileName;
    p.current = ioFromProfile(p.profiles[0]!, (slot) => macFor(ms, p, slot));
  };
  const run = (p: Partition) => {
    p.state = 'Running';
    p.rmcState = 'active';
    p.osVersion = p.env === 'vioserver' ? 'VIOS 3.1.4.10' : 'AIX 7.2 7200-05-06-2320';
    p.attrs.set('auto_start', '1');
  };

  const lparResources: Array<{ res: ResourceDef; systems: string[] }> = [];
  for (const g of config.groups) {
    const list = Object.keys(assocOf(attributeValue(g, 'SystemList')) ?? {});
    for (const res of g.resources) if (res.type === 'LPAR') lparResources.push({ res, systems: list });
  }

  // VIO servers first (low partition IDs, as on real systems), then management LPARs.
  const viosNames = new Map<ManagedSystem, string[]>();
  for (const { res, systems: list } of lparResources) {
    for (const sysName of list) {
      const ms = msOfSystem.get(sysName);
      if (!ms) continue;
      const names = (listOf(attributeValue(res, 'VIOSName', sysName)) ?? []).map(String);
      const known = viosNames.get(ms) ?? [];
      for (const n of names) if (!known.includes(n)) known.push(n);
      viosNames.set(ms, known);
    }
  }
  for (const ms of systems.values()) {
    const names = viosNames.get(ms) ?? [];
    if (names.length === 0) {
      names.push(`${ms.name}-vios1`);
      viosNames.set(ms, names);
      if (lparResources.length) notes.push(`no VIOSName names a VIO server on ${ms.name}: it gets ${names[0]}`);
    }
    for (const n of names) {
      const v = addPartition(ms, n, 'vioserver');
      withProfile(ms, v, 'default_profile', new Map<string, AttrValue>([['virtual_eth_adapters', ['2/0/1//1/0/ETHERNET0//all/none']], ['desired_mem', '4096'], ['max_mem', '8192']]));
      v.vios!.fcPorts = ['fcs0', 'fcs1'];
      run(v);
    }
  }
  for (const s of config.systems) {
    const ms = msOfSystem.get(s.name);
    if (!ms) continue;
    const mgmt = addPartition(ms, s.name, 'aixlinux');
    withProfile(ms, mgmt, 'default_profile', new Map<string, AttrValue>([['virtual_eth_adapters', ['2/0/1//0/0/ETHERNET0//all/none']]]));
    run(mgmt);
  }

  const hmcNames: string[] = [];
  const users = new Map<string, User>([['hscroot', { name: 'hscroot', password: 'abc123', authorizedKeys: [] }]]);
  for (const { res, systems: list } of lparResources) {
    const lparName = String(scalarOf(attributeValue(res, 'LPARName')) ?? res.name);
    for (const n of listOf(attributeValue(res, 'MCName')) ?? []) if (!hmcNames.includes(String(n))) hmcNames.push(String(n));
    for (const u of listOf(attributeValue(res, 'MCUser')) ?? []) {
      if (!users.has(String(u))) users.set(String(u), { name: String(u), password: 'abc123', authorizedKeys: [] });
    }
    const pvid = `00f6${hex(`boot-disk/${lparName}`, 12)}`;
    const onSystems = new Set<ManagedSystem>();
    for (const sysName of list) {
      const ms = msOfSystem.get(sysName);
      if (!ms) {
        notes.push(`LPAR ${lparName}: system ${sysName} of the SystemList has no PhysicalServer; no partition there`);
        continue;
      }
      if (onSystems.has(ms)) continue;
      onSystems.add(ms);
      if (ms.partitions.some((p) => p.name === lparName)) {
        notes.push(`LPAR ${lparName} is defined twice on ${ms.name}; the first definition is kept`);
        continue;
      }
      const p = addPartition(ms, lparName, 'aixlinux');
      const viosOfThis = (listOf(attributeValue(res, 'VIOSName', sysName)) ?? []).map(String);
      const serving = (viosOfThis.length ? viosOfThis : viosNames.get(ms)!).map((n) => ms.partitions.find((v) => v.name === n && v.vios)!);
      const clientScsi: string[] = [];
      serving.forEach((vios, i) => {
        const clientSlot = 3 + i;
        const used = new Set(vios.current.scsi.map((a) => a.slot));
        let serverSlot = 10;
        while (used.has(serverSlot)) serverSlot++;
        vios.current.scsi.push({ slot: serverSlot, type: 'server', remoteId: p.id, remoteName: lparName, remoteSlot: clientSlot, required: true });
        const prof = vios.profiles[0]!;
        prof.attrs.set('virtual_scsi_adapters', vios.current.scsi.map(formatScsi));
        syncViosDevices(vios);
        const os = vios.vios!;
        let disk = os.disks.find((d) => d.pvid === pvid);
        if (!disk) {
          disk = { name: `hdisk${os.disks.length + 2}`, pvid, attrs: { reserve_policy: 'no_reserve', hcheck_interval: '60', hcheck_cmd: 'inquiry' } };
          os.disks.push(disk);
        }
        mapDisk(os, serverSlot, disk.name);
        clientScsi.push(`${clientSlot}/client/${vios.id}/${vios.name}/${serverSlot}/1`);
      });
      withProfile(ms, p, lparName, new Map<string, AttrValue>([
        ['proc_mode', 'shared'],
        ['sharing_mode', 'uncap'],
        ['virtual_eth_adapters', ['2/0/1//0/0/ETHERNET0//all/none']],
        ['virtual_scsi_adapters', clientScsi],
      ]));
    }
    // The boot disk is shared storage: every VIOS of every system the LPAR can run on sees it.
    for (const ms of onSystems) {
      for (const v of ms.partitions.filter((x) => x.vios)) {
        const os = v.vios!;
        if (!os.disks.some((d) => d.pvid === pvid)) os.disks.push({ name: `hdisk${os.disks.length + 2}`, pvid, attrs: { reserve_policy: 'no_reserve', hcheck_interval: '60', hcheck_cmd: 'inquiry' } });
      }
    }
  }
  return { world: new World({ systems: [...systems.values()], hmcNames, users: [...users.values()], speed }), notes };
}
