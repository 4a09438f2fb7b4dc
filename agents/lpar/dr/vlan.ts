/**
 * The private VLAN (ID 123) between the management LPAR and the managed LPAR
 * (Virtualization Guide: "the LPAR agent creates a private VLAN (with VLAN ID
 * 123) between the management LPAR and the managed LPAR"): one virtual
 * Ethernet adapter on that VLAN in each, added by DLPAR when missing. One
 * listing of the managed system tells what exists; adapters found there are
 * left alone, the ones added are returned so offline removes only those.
 */
import { HmcCommandError } from '../../../framework/errors.js';
import * as cmd from '../hmc/commands.js';
import { parseFields } from '../hmc/records.js';
import type { HmcSession } from '../hmc/session.js';

export const DR_VLAN_ID = 123;

export interface EthRow {
  lpar: string;
  slot: number;
  vlan: number;
  trunk: boolean;
}

export async function ethAdapters(hmc: HmcSession, system: string): Promise<EthRow[]> {
  const out = await hmc.check(cmd.listEthAdapters(system), { idempotent: true });
  return parseFields(out, cmd.ETH_FIELDS).map((r) => ({ lpar: r.lpar_name!, slot: Number(r.slot_num), vlan: Number(r.port_vlan_id), trunk: r.is_trunk === '1' }));
}

/** The partition's access (non-trunk) adapter on the DR VLAN, if any. */
export function drAdapterOf(rows: readonly EthRow[], lpar: string): EthRow | undefined {
  return rows.find((r) => r.lpar === lpar && r.vlan === DR_VLAN_ID && !r.trunk);
}

export interface VlanEnd {
  partition: string;
  slot: number;
  /** Added now (offline removes it) rather than found. */
  added: boolean;
}

export interface EnsureOptions {
  /** Milliseconds to keep retrying a DLPAR refused for want of RMC (a partition that has just booted). */
  rmcWaitMs: number;
  sleep?: (ms: number) => Promise<void>;
}

/** HSCL294C: no active RMC connection (the partition's OS is still coming up). */
const NO_RMC = 'HSCL294C';

/** Ensures each partition has its DR VLAN adapter; returns each end, in the order asked. */
export async function ensureVlan(hmc: HmcSession, system: string, partitions: readonly string[], o: EnsureOptions): Promise<VlanEnd[]> {
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const before = await ethAdapters(hmc, system);
  const missing = partitions.filter((p) => !drAdapterOf(before, p));
  for (const p of missing) {
    const end = Date.now() + o.rmcWaitMs;
    for (;;) {
      try {
        await hmc.check(cmd.addEthAdapter(system, p, DR_VLAN_ID));
        break;
      } catch (e) {
        const noRmc = e instanceof HmcCommandError && (e.hscl.includes(NO_RMC) || /RMC/.test(e.message));
        if (!noRmc || Date.now() + 1_000 > end) throw e;
        await sleep(1_000);
      }
    }
  }
  const after = missing.length ? await ethAdapters(hmc, system) : before;
  return partitions.map((p) => {
    const a = drAdapterOf(after, p);
    if (!a) throw new Error(`the VLAN ${DR_VLAN_ID} adapter of ${p} is not listed after it was added`);
    return { partition: p, slot: a.slot, added: missing.includes(p) };
  });
}

/** Removes the adapters listed, when they are still there on the DR VLAN; returns what it removed. */
export async function removeVlanEnds(hmc: HmcSession, system: string, ends: readonly { partition: string; slot: number }[]): Promise<string[]> {
  if (ends.length === 0) return [];
  const rows = await ethAdapters(hmc, system);
  const removed: string[] = [];
  for (const e of ends) {
    const a = rows.find((r) => r.lpar === e.partition && r.slot === e.slot && r.vlan === DR_VLAN_ID);
    if (!a) continue;
    await hmc.check(cmd.removeEthAdapter(system, e.partition, e.slot));
    removed.push(`${e.partition} slot ${e.slot}`);
  }
  return removed;
}
