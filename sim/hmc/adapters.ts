/**
 * Virtual adapter strings as profiles hold them (hmc-facts §3.3), parsed to
 * typed adapters and printed back in the HMC's canonical form.
 *
 *   eth     slot/is_ieee/port_vlan/[addl_vlans]/[trunk_prio]/is_required[/[vswitch][/[mac]/[allowed_os_macs]/[qos]]]
 *   scsi    slot/client|server/[remote_lpar_id]/[remote_lpar_name]/[remote_slot]/is_required
 *   fc      slot/client|server/[remote_lpar_id]/[remote_lpar_name]/remote_slot/[wwpn1,wwpn2]/is_required
 *   serial  slot/client|server/supports_hmc/remote_lpar_id|any/[name]/remote_slot|any/is_required
 */
import type { EthAdapter, FcAdapter, ScsiAdapter, SerialAdapter, VirtualIo } from './model.js';

export class AdapterSyntaxError extends Error {}

function int(text: string, what: string, item: string): number {
  if (!/^\d+$/.test(text)) throw new AdapterSyntaxError(`invalid ${what} "${text}" in "${item}"`);
  return Number(text);
}

function optInt(text: string, what: string, item: string): number | null {
  return text === '' || text === 'any' ? null : int(text, what, item);
}

function bool01(text: string, what: string, item: string): boolean {
  if (text !== '0' && text !== '1') throw new AdapterSyntaxError(`invalid ${what} "${text}" in "${item}"`);
  return text === '1';
}

function side(text: string, item: string): 'client' | 'server' {
  if (text !== 'client' && text !== 'server') throw new AdapterSyntaxError(`adapter type must be client or server in "${item}"`);
  return text;
}

/** The remote end of a client/server adapter: `remote_lpar_id/remote_lpar_name/remote_slot_num` from field `at`. */
function remoteEnd(f: readonly string[], at: number, item: string): { remoteId: number | null; remoteName: string; remoteSlot: number | null } {
  return { remoteId: optInt(f[at]!, 'remote partition ID', item), remoteName: f[at + 1]!, remoteSlot: optInt(f[at + 2]!, 'remote slot', item) };
}

const WWPN = /^[0-9a-fA-F]{16}$/;

export function parseScsi(item: string): ScsiAdapter {
  const f = item.split('/');
  if (f.length !== 6) throw new AdapterSyntaxError(`virtual SCSI adapter "${item}" needs 6 fields`);
  return {
    slot: int(f[0]!, 'slot', item),
    type: side(f[1]!, item),
    ...remoteEnd(f, 2, item),
    required: bool01(f[5]!, 'is_required', item),
  };
}

export function formatScsi(a: ScsiAdapter): string {
  const anyOrEmpty = a.type === 'server' ? 'any' : '';
  return [a.slot, a.type, a.remoteId ?? anyOrEmpty, a.remoteName, a.remoteSlot ?? anyOrEmpty, a.required ? 1 : 0].join('/');
}

export function parseFc(item: string): FcAdapter {
  const f = item.split('/');
  if (f.length !== 7) throw new AdapterSyntaxError(`virtual fibre channel adapter "${item}" needs 7 fields`);
  const wwpns = f[5] === '' ? [] : f[5]!.split(',');
  if (wwpns.length !== 0 && (wwpns.length !== 2 || !wwpns.every((w) => WWPN.test(w)))) {
    throw new AdapterSyntaxError(`WWPNs must be a pair of 16 hex digits in "${item}"`);
  }
  return {
    slot: int(f[0]!, 'slot', item),
    type: side(f[1]!, item),
    ...remoteEnd(f, 2, item),
    wwpns: wwpns.map((w) => w.toLowerCase()),
    required: bool01(f[6]!, 'is_required', item),
  };
}

export function formatFc(a: FcAdapter): string {
  return [a.slot, a.type, a.remoteId ?? '', a.remoteName, a.remoteSlot ?? '', a.wwpns.join(','), a.required ? 1 : 0].join('/');
}

export function parseEth(item: string): EthAdapter {
  const f = item.split('/');
  if (f.length < 6 || f.length > 10) throw new AdapterSyntaxError(`virtual ethernet adapter "${item}" needs 6 to 10 fields`);
  const addl = f[3] === '' ? [] : f[3]!.split(',').map((v) => int(v, 'VLAN ID', item));
  const pvid = int(f[2]!, 'port VLAN ID', item);
  for (const v of [pvid, ...addl]) {
    if (v < 1 || v > 4094) throw new AdapterSyntaxError(`VLAN ID ${v} out of range 1-4094 in "${item}"`);
  }
  return {
    slot: int(f[0]!, 'slot', item),
    ieee: bool01(f[1]!, 'is_ieee', item),
    portVlanId: pvid,
    addlVlanIds: addl,
    trunkPriority: f[4] === '' ? 0 : int(f[4]!, 'trunk priority', item),
    required: bool01(f[5]!, 'is_required', item),
    vswitch: f[6] || 'ETHERNET0',
    mac: (f[7] ?? '').toUpperCase(),
    allowedOsMacs: f[8] || 'all',
    qos: f[9] || 'none',
  };
}

export function formatEth(a: EthAdapter, withMac = false): string {
  return [
    a.slot,
    a.ieee ? 1 : 0,
    a.portVlanId,
    a.addlVlanIds.join(','),
    a.trunkPriority,
    a.required ? 1 : 0,
    a.vswitch,
    withMac ? a.mac : '',
    a.allowedOsMacs,
    a.qos,
  ].join('/');
}

export function parseSerial(item: string): SerialAdapter {
  const f = item.split('/');
  if (f.length !== 7) throw new AdapterSyntaxError(`virtual serial adapter "${item}" needs 7 fields`);
  return {
    slot: int(f[0]!, 'slot', item),
    type: side(f[1]!, item),
    supportsHmc: bool01(f[2]!, 'supports_hmc', item),
    ...remoteEnd(f, 3, item),
    required: bool01(f[6]!, 'is_required', item),
  };
}

export function formatSerial(a: SerialAdapter): string {
  return [a.slot, a.type, a.supportsHmc ? 1 : 0, a.remoteId ?? 'any', a.remoteName, a.remoteSlot ?? 'any', a.required ? 1 : 0].join('/');
}

/** Profile list attributes holding adapters, and their parsers. */
const ADAPTER_ATTRS = {
  virtual_scsi_adapters: parseScsi,
  virtual_fc_adapters: parseFc,
  virtual_eth_adapters: parseEth,
  virtual_serial_adapters: parseSerial,
} as const;

export type AdapterAttr = keyof typeof ADAPTER_ATTRS;

export function isAdapterAttr(name: string): name is AdapterAttr {
  return Object.prototype.hasOwnProperty.call(ADAPTER_ATTRS, name);
}

/** Canonical form of one adapter item (throws AdapterSyntaxError). */
export function canonicalAdapter(attr: AdapterAttr, item: string): string {
  switch (attr) {
    case 'virtual_scsi_adapters':
      return formatScsi(parseScsi(item));
    case 'virtual_fc_adapters':
      return formatFc(parseFc(item));
    case 'virtual_eth_adapters':
      return formatEth(parseEth(item), true);
    case 'virtual_serial_adapters':
      return formatSerial(parseSerial(item));
  }
}

export function emptyIo(): VirtualIo {
  return { scsi: [], fc: [], eth: [], serial: [] };
}

/** Every slot a configuration uses. */
export function usedSlots(io: VirtualIo): Set<number> {
  const s = new Set<number>();
  for (const list of [io.scsi, io.fc, io.eth, io.serial]) for (const a of list) s.add(a.slot);
  return s;
}
