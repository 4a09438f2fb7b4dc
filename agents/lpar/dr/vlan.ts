/**
 * The private VLAN (ID 123) between the management LPAR and the managed LPAR
 * (Virtualization Guide: "the LPAR agent creates a private VLAN (with VLAN ID
 * 123) between the management LPAR and the managed LPAR"), on the HMC:
 *
 * - the managed LPAR's adapter goes into the profile it is activated with
 *   (`chsyscfg -r prof ... virtual_eth_adapters+=SLOT/0/123//0/0`), so that
 *   it is there when its operating system boots: a DLPAR change needs RMC,
 *   which a partition has only once it is up — after its boot services ran;
 * - the management LPAR's adapter by DLPAR (`chhwres -o a`): it runs, with RMC.
 *
 * One listing of the managed system tells what exists; adapters found are
 * left alone, the ones added are returned so that offline removes only those.
 */
import { HmcCommandError } from '../../../framework/errors.js';
import { DR_VLAN_ID } from '../../reconfig/protocol.js';
import * as cmd from '../hmc/commands.js';
import { formatRecord, listItems, parseFields } from '../hmc/records.js';
import type { HmcSession } from '../hmc/session.js';

export { DR_VLAN_ID };

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

/** HSCL294C: no active RMC connection. */
const NO_RMC = 'HSCL294C';

/** The management LPAR's adapter, added by DLPAR when missing (a refusal for want of RMC is retried within `rmcWaitMs`). */
export async function ensureManagementAdapter(hmc: HmcSession, system: string, mgmt: string, rows: readonly EthRow[], rmcWaitMs: number): Promise<{ slot: number; added: boolean }> {
  const have = drAdapterOf(rows, mgmt);
  if (have) return { slot: have.slot, added: false };
  const end = Date.now() + rmcWaitMs;
  for (;;) {
    try {
      await hmc.check(cmd.addEthAdapter(system, mgmt, DR_VLAN_ID));
      break;
    } catch (e) {
      const noRmc = e instanceof HmcCommandError && (e.hscl.includes(NO_RMC) || /RMC/.test(e.message));
      if (!noRmc || Date.now() + 1_000 > end) throw e;
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
  const a = drAdapterOf(await ethAdapters(hmc, system), mgmt);
  if (!a) throw new Error(`the VLAN ${DR_VLAN_ID} adapter of ${mgmt} is not listed after it was added`);
  return { slot: a.slot, added: true };
}

/** Removes a DLPAR adapter when it is still there on the DR VLAN; whether it did. */
export async function removeAdapter(hmc: HmcSession, system: string, lpar: string, slot: number): Promise<boolean> {
  const rows = await ethAdapters(hmc, system);
  if (!rows.some((r) => r.lpar === lpar && r.slot === slot && r.vlan === DR_VLAN_ID)) return false;
  await hmc.check(cmd.removeEthAdapter(system, lpar, slot));
  return true;
}

/** A profile's virtual Ethernet adapter item on the DR VLAN, access mode: SLOT/0/123//0/0. */
export const profileItem = (slot: number) => `${slot}/0/${DR_VLAN_ID}//0/0`;

const ADAPTER_LISTS = ['virtual_eth_adapters', 'virtual_scsi_adapters', 'virtual_fc_adapters', 'virtual_serial_adapters'];

/** The profile's access adapter on the DR VLAN (its slot), if any. */
export function profileDrSlot(profile: ReadonlyMap<string, string>): number | undefined {
  for (const item of listItems(profile.get('virtual_eth_adapters') ?? '')) {
    const f = item.split('/');
    if (Number(f[2]) === DR_VLAN_ID && (f[4] ?? '0') === '0' && !(f[3] ?? '')) return Number(f[0]);
  }
  return undefined;
}

/** The lowest virtual slot the profile does not use (0 and 1 are the serial adapters'). */
export function freeProfileSlot(profile: ReadonlyMap<string, string>): number {
  const used = new Set<number>([0, 1]);
  for (const k of ADAPTER_LISTS) for (const item of listItems(profile.get(k) ?? '')) used.add(Number(item.split('/')[0]));
  const max = Number(profile.get('max_virtual_slots') ?? 10) || 10;
  for (let s = 2; s < max; s++) if (!used.has(s)) return s;
  throw new Error(`the profile ${profile.get('name') ?? ''} has no free virtual slot (max_virtual_slots ${max})`);
}

const changeProfile = (system: string, lpar: string, profile: string, field: string, item: string) => [
  'chsyscfg', '-r', 'prof', '-m', system, '-i',
  formatRecord([{ name: 'name', value: profile }, { name: 'lpar_name', value: lpar }, { name: field, value: item }]),
];

/** Puts the DR adapter into the profile when it has none; its slot, and whether it was added. */
export async function ensureProfileAdapter(hmc: HmcSession, system: string, lpar: string, profileName: string, profile: ReadonlyMap<string, string>): Promise<{ slot: number; added: boolean }> {
  const have = profileDrSlot(profile);
  if (have !== undefined) return { slot: have, added: false };
  const slot = freeProfileSlot(profile);
  await hmc.check(changeProfile(system, lpar, profileName, 'virtual_eth_adapters+', profileItem(slot)));
  return { slot, added: true };
}

export async function removeProfileAdapter(hmc: HmcSession, system: string, lpar: string, profileName: string, slot: number): Promise<void> {
  await hmc.check(changeProfile(system, lpar, profileName, 'virtual_eth_adapters-', profileItem(slot)));
}
