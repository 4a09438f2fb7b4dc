/**
 * Dynamic reconfiguration (DLPAR):
 *   chhwres -r virtualio --rsubtype {eth | scsi | fc} -m SYS -o a {-p LPAR | --id ID} [-s SLOT] [-a "ATTRS"]
 *   chhwres -r virtualio --rsubtype {eth | scsi | fc} -m SYS -o r {-p LPAR | --id ID} -s SLOT
 *   chhwres -r virtualio --rsubtype eth -m SYS -o s {-p LPAR | --id ID} -s SLOT -a "addl_vlan_ids+=124"
 *   chhwres -r mem -m SYS -o {a | r | s} {-p LPAR | --id ID} -q MB
 *   chhwres -r proc -m SYS -o {a | r} {-p LPAR | --id ID} [--procs N] [--procunits U]
 *
 * A running partition needs an active RMC connection; an inactive one has
 * its current configuration changed. Adding a server adapter to a VIOS
 * creates its vhostN / vfchostN device.
 */
import { AttrSyntaxError, parseRecord, type AttrField } from '../attrs.js';
import { fail, msg } from '../hscl.js';
import type { EthAdapter, FcAdapter, ManagedSystem, Partition, ScsiAdapter, VirtualIo } from '../model.js';
import { syncViosDevices } from '../vios/devices.js';
import type { World } from '../world.js';
import { ok, parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

const SPEC = {
  '-r': 'value',
  '--rsubtype': 'value',
  '-m': 'value',
  '-o': 'value',
  '-p': 'value',
  '--id': 'value',
  '-s': 'value',
  '-a': 'value',
  '-q': 'value',
  '--procs': 'value',
  '--procunits': 'value',
  '-w': 'value',
  '-d': 'value',
  '--force': 'flag',
} as const;

function attrsOf(text: string | undefined): Map<string, AttrField> {
  const out = new Map<string, AttrField>();
  if (text === undefined) return out;
  try {
    for (const f of parseRecord(text)) out.set(f.name, f);
  } catch (e) {
    if (e instanceof AttrSyntaxError) fail(msg.badRecord(e.message));
    throw e;
  }
  return out;
}

function allowOnly(attrs: Map<string, AttrField>, allowed: string[]): void {
  for (const k of attrs.keys()) if (!allowed.includes(k)) fail(msg.invalidAttr(k));
}

function flag(attrs: Map<string, AttrField>, key: string, dflt: boolean): boolean {
  const v = attrs.get(key)?.value;
  if (v === undefined) return dflt;
  if (v !== '0' && v !== '1') fail(msg.badValue(key, v, 'expected 0 or 1'));
  return v === '1';
}

function vlan(key: string, text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 4094) fail(msg.badValue(key, text, 'a VLAN ID is 1 to 4094'));
  return Number(text);
}

/** Fills remote_lpar_id from remote_lpar_name or the reverse; `any` is for server adapters only. */
function remoteOf(world: World, sys: ManagedSystem, attrs: Map<string, AttrField>, side: 'client' | 'server'): { id: number | null; name: string; slot: number | null } {
  const idText = attrs.get('remote_lpar_id')?.value;
  const name = attrs.get('remote_lpar_name')?.value ?? '';
  const slotText = attrs.get('remote_slot_num')?.value;
  let id: number | null = null;
  let resolvedName = name;
  if (idText !== undefined && idText !== 'any') {
    if (!/^\d+$/.test(idText)) fail(msg.badValue('remote_lpar_id', idText, 'expected a partition ID or any'));
    id = Number(idText);
    const other = sys.partitions.find((p) => p.id === id);
    if (other && !name) resolvedName = other.name;
  } else if (name && idText !== 'any') {
    id = world.requireLpar(sys, name).id;
  }
  if (side === 'client' && (id === null || slotText === undefined || slotText === 'any')) fail(msg.missingAttrs(['remote_lpar_id or remote_lpar_name', 'remote_slot_num']));
  let slot: number | null = null;
  if (slotText !== undefined && slotText !== 'any') {
    if (!/^\d+$/.test(slotText)) fail(msg.badValue('remote_slot_num', slotText, 'expected a slot number or any'));
    slot = Number(slotText);
  }
  return { id, name: resolvedName, slot };
}

function addAdapter(world: World, sys: ManagedSystem, p: Partition, subtype: 'eth' | 'scsi' | 'fc', slotText: string | undefined, attrs: Map<string, AttrField>): void {
  const slot = slotText === undefined ? world.freeSlot(p) : Number(slotText);
  if (slotText !== undefined && !/^\d+$/.test(slotText)) fail(msg.missingParam(['-s']));
  world.checkSlot(p, slot);
  if (subtype === 'eth') {
    allowOnly(attrs, ['ieee_virtual_eth', 'port_vlan_id', 'addl_vlan_ids', 'is_trunk', 'trunk_priority', 'vswitch', 'is_required', 'mac_addr', 'allowed_os_mac_addrs', 'qos_priority']);
    const pvid = attrs.get('port_vlan_id')?.value;
    if (pvid === undefined) fail(msg.missingAttrs(['port_vlan_id']));
    const trunk = flag(attrs, 'is_trunk', false);
    const prio = attrs.get('trunk_priority')?.value ?? (trunk ? '1' : '0');
    if (!/^\d+$/.test(prio) || Number(prio) > 15) fail(msg.badValue('trunk_priority', prio, 'expected 1 to 15'));
    const mac = attrs.get('mac_addr')?.value?.toUpperCase();
    if (mac !== undefined && !/^[0-9A-F]{12}$/.test(mac)) fail(msg.badValue('mac_addr', mac, 'expected 12 hex digits'));
    const a: EthAdapter = {
      slot,
      ieee: flag(attrs, 'ieee_virtual_eth', false),
      portVlanId: vlan('port_vlan_id', pvid),
      addlVlanIds: (attrs.get('addl_vlan_ids')?.items ?? []).map((v) => vlan('addl_vlan_ids', v)),
      trunkPriority: trunk ? Math.max(1, Number(prio)) : 0,
      required: flag(attrs, 'is_required', false),
      vswitch: attrs.get('vswitch')?.value || 'ETHERNET0',
      mac: mac ?? world.mac(sys, p, slot),
      allowedOsMacs: attrs.get('allowed_os_mac_addrs')?.value || 'all',
      qos: attrs.get('qos_priority')?.value || 'none',
    };
    if (a.addlVlanIds.length && !a.ieee) fail(msg.badValue('addl_vlan_ids', a.addlVlanIds.join(','), 'additional VLANs need ieee_virtual_eth=1'));
    p.current.eth.push(a);
    return;
  }
  allowOnly(attrs, ['adapter_type', 'remote_lpar_id', 'remote_lpar_name', 'remote_slot_num', 'is_required', 'wwpns']);
  const typeText = attrs.get('adapter_type')?.value;
  if (typeText !== 'client' && typeText !== 'server') fail(msg.missingAttrs(['adapter_type']));
  if (typeText === 'server' && p.env !== 'vioserver') fail(msg.notVios(p.name));
  const r = remoteOf(world, sys, attrs, typeText);
  if (subtype === 'scsi') {
    if (attrs.has('wwpns')) fail(msg.invalidAttr('wwpns'));
    const a: ScsiAdapter = { slot, type: typeText, remoteId: r.id, remoteName: r.name, remoteSlot: r.slot, required: flag(attrs, 'is_required', false) };
    p.current.scsi.push(a);
  } else {
    let wwpns: string[] = [];
    if (typeText === 'client') {
      wwpns = attrs.get('wwpns')?.items.map((w) => w.toLowerCase()) ?? generateWwpns(sys, p, slot);
      if (wwpns.length !== 2 || !wwpns.every((w) => /^[0-9a-f]{16}$/.test(w))) fail(msg.badValue('wwpns', wwpns.join(','), 'expected two WWPNs of 16 hex digits'));
    }
    const a: FcAdapter = { slot, type: typeText, remoteId: r.id, remoteName: r.name, remoteSlot: r.slot, wwpns, required: flag(attrs, 'is_required', false) };
    p.current.fc.push(a);
  }
  syncViosDevices(p);
}

/** IBM-prefixed (c05076) virtual WWPN pair, stable per adapter. */
function generateWwpns(sys: ManagedSystem, p: Partition, slot: number): string[] {
  let h = 0;
  for (const c of `${sys.serial}/${p.name}/${slot}`) h = (h * 33 + c.charCodeAt(0)) >>> 0;
  const base = (h & 0xffffff) * 2;
  return [base, base + 1].map((n) => `c05076${n.toString(16).padStart(10, '0').slice(-10)}`);
}

function setEth(p: Partition, slotText: string | undefined, attrs: Map<string, AttrField>): void {
  if (slotText === undefined) fail(msg.missingParam(['-s']));
  const a = p.current.eth.find((e) => e.slot === Number(slotText)) ?? fail(msg.noAdapter(Number(slotText), p.name));
  allowOnly(attrs, ['addl_vlan_ids', 'trunk_priority', 'qos_priority']);
  const f = attrs.get('addl_vlan_ids');
  if (f) {
    const items = f.items.map((v) => vlan('addl_vlan_ids', v));
    if (!a.ieee) fail(msg.badValue('addl_vlan_ids', f.value, 'additional VLANs need ieee_virtual_eth=1'));
    if (f.op === '=') a.addlVlanIds = items;
    else if (f.op === '+=') a.addlVlanIds = [...new Set([...a.addlVlanIds, ...items])];
    else a.addlVlanIds = a.addlVlanIds.filter((v) => !items.includes(v));
  }
  const prio = attrs.get('trunk_priority')?.value;
  if (prio !== undefined) {
    if (!a.trunkPriority) fail(msg.badValue('trunk_priority', prio, 'the adapter is not a trunk adapter'));
    a.trunkPriority = Number(prio);
  }
  const qos = attrs.get('qos_priority')?.value;
  if (qos !== undefined) a.qos = qos;
}

function changeMemProc(world: World, sys: ManagedSystem, p: Partition, res: 'mem' | 'proc', op: string, ctxOpts: { q?: string; procs?: string; units?: string }): void {
  const prof = p.profiles.find((pr) => pr.name === p.currProfile) ?? p.profiles[0]!;
  const n = (k: string) => Number(prof.attrs.get(k));
  if (!p.allocated) return; // an inactive partition has nothing allocated: the change applies at activation
  const sign = op === 'r' ? -1 : 1;
  if (res === 'mem') {
    const q = ctxOpts.q;
    if (q === undefined || !/^\d+$/.test(q)) fail(msg.missingParam(['-q']));
    const target = op === 's' ? Number(q) : p.allocated.mem + sign * Number(q);
    if (target < n('min_mem') || target > n('max_mem')) fail(msg.badValue('-q', q, `memory must stay within ${n('min_mem')} and ${n('max_mem')} MB`));
    if (target - p.allocated.mem > world.available(sys).mem) fail(msg.noResources(p.name, 'memory'));
    p.allocated.mem = target;
    return;
  }
  const delta = Number(ctxOpts.units ?? ctxOpts.procs ?? NaN);
  if (!(delta >= 0)) fail(msg.missingParam(['--procs', '--procunits']));
  const target = Math.round((p.allocated.procUnits + sign * delta) * 100) / 100;
  const [lo, hi] = prof.attrs.get('proc_mode') === 'shared' ? [n('min_proc_units'), n('max_proc_units')] : [n('min_procs'), n('max_procs')];
  if (target < lo || target > hi) fail(msg.badValue('--procunits', String(delta), `processing capacity must stay within ${lo} and ${hi}`));
  if (target - p.allocated.procUnits > world.available(sys).procUnits + 1e-9) fail(msg.noResources(p.name, 'processor capacity'));
  p.allocated.procUnits = target;
}

export function chhwres(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['virtualio', 'mem', 'proc'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  const op = opts.choice('-o', ['a', 'r', 's'] as const)!;
  const p = partitionArg(world, sys, opts, '-p');
  world.requireDlpar(p);
  if (res === 'mem' || res === 'proc') {
    changeMemProc(world, sys, p, res, op, { q: opts.get('-q'), procs: opts.get('--procs'), units: opts.get('--procunits') });
    return ok();
  }
  const subtype = opts.choice('--rsubtype', ['eth', 'scsi', 'fc'] as const)!;
  const attrs = attrsOf(opts.get('-a'));
  const slotText = opts.get('-s');
  if (op === 'a') addAdapter(world, sys, p, subtype, slotText, attrs);
  else if (op === 'r') {
    if (slotText === undefined || !/^\d+$/.test(slotText)) fail(msg.missingParam(['-s']));
    world.removeAdapter(p, subtype as keyof VirtualIo, Number(slotText));
  } else if (subtype === 'eth') setEth(p, slotText, attrs);
  else fail(msg.missingParam(['-o']));
  // The partition's operating system sees the adapter come or go (cfgmgr finds it).
  world.os?.changed(sys, p);
  return ok();
}
