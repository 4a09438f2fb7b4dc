/**
 * Virtual SCSI and Fibre Channel adapter items as profiles list them
 * (research/hmc-facts.md §3.3):
 *
 *   virtual_scsi_adapters  slot/client|server/[remote_lpar_id]/[remote_lpar_name]/[remote_slot]/is_required
 *   virtual_fc_adapters    slot/client|server/[remote_lpar_id]/[remote_lpar_name]/remote_slot/[wwpn1,wwpn2]/is_required
 *
 * A client adapter names the VIO server and the server slot it pairs with:
 * that pairing is what "VIOS mappings" in a ProfileFile are.
 */

export type AdapterKind = 'scsi' | 'fc';

export interface VirtualAdapter {
  kind: AdapterKind;
  slot: number;
  side: 'client' | 'server';
  /** undefined when empty or `any`. */
  remoteId: number | undefined;
  remoteName: string | undefined;
  remoteSlot: number | undefined;
  /** The item as written. */
  text: string;
}

export class AdapterSyntaxError extends Error {}

function num(part: string, what: string, item: string): number | undefined {
  if (part === '' || part === 'any') return undefined;
  if (!/^\d{1,5}$/.test(part)) throw new AdapterSyntaxError(`${what} "${part}" of adapter "${item}" is not a number`);
  return Number(part);
}

export function parseAdapter(kind: AdapterKind, item: string): VirtualAdapter {
  const parts = item.split('/');
  const expected = kind === 'scsi' ? 6 : 7;
  if (parts.length !== expected) {
    throw new AdapterSyntaxError(`virtual ${kind} adapter "${item}" has ${parts.length} parts separated by "/", expected ${expected}`);
  }
  const side = parts[1];
  if (side !== 'client' && side !== 'server') throw new AdapterSyntaxError(`virtual ${kind} adapter "${item}": "${side}" is not client or server`);
  const slot = num(parts[0]!, 'slot', item);
  if (slot === undefined) throw new AdapterSyntaxError(`virtual ${kind} adapter "${item}" has no slot number`);
  return {
    kind,
    slot,
    side,
    remoteId: num(parts[2]!, 'remote partition id', item),
    remoteName: parts[3] === '' ? undefined : parts[3],
    remoteSlot: num(parts[4]!, 'remote slot', item),
    text: item,
  };
}
