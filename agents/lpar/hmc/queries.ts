/**
 * Typed HMC queries: one command each, parsed. All are read-only, so the
 * session may retry them on the next HMC.
 */
import { AgentError } from '../../../framework/errors.js';
import { HSCL_PARTITION_NOT_FOUND } from './hscl.js';
import * as cmd from './commands.js';
import { parseFields, parseRecords, RecordSyntaxError } from './records.js';
import { commandError, shortCommand, type HmcSession } from './session.js';
import { parseLsmap, parseLsmapNpiv, type VfchostMap, type VhostMap } from '../vios.js';

export interface PartitionRow {
  name: string;
  id: number;
  env: string;
  state: string;
  defaultProfile: string;
  currProfile: string;
}

export interface SystemRow {
  name: string;
  state: string;
}

function parsed<T>(hmc: string | undefined, argv: cmd.Argv, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof RecordSyntaxError) {
      throw new AgentError('VCSPVM_HMC_OUTPUT', { hmc: hmc ?? '?', command: shortCommand(argv), detail: e.message });
    }
    throw e;
  }
}

/**
 * Every partition of a managed system with its state: monitor's single
 * command. Redundant HMCs are two views: when the serving HMC answers with
 * an error, or cannot see the system (every partition Not Available), the
 * next HMC is asked before anything is concluded.
 */
export async function partitionsOf(hmc: HmcSession, system: string): Promise<PartitionRow[]> {
  const argv = cmd.listPartitions(system);
  const views = await hmc.views(argv, { unseen: (r) => blind(r.stdout) });
  const last = views[views.length - 1]!;
  if ('error' in last) throw last.error;
  if (last.result.code !== 0) throw commandError(last.result, argv);
  const out = last.result.stdout;
  return parsed(last.hmc, argv, () =>
    parseFields(out, cmd.LPAR_LIST_FIELDS).map((r) => ({
      name: r.name!,
      id: Number(r.lpar_id),
      env: r.lpar_env!,
      state: r.state!,
      defaultProfile: r.default_profile!,
      currProfile: r.curr_profile!,
    })),
  );
}

/** A listing in which the HMC shows every partition Not Available: it cannot see the managed system. */
function blind(stdout: string): boolean {
  try {
    const rows = parseFields(stdout, cmd.LPAR_LIST_FIELDS);
    return rows.length > 0 && rows.every((r) => r.state === 'Not Available');
  } catch {
    return false;
  }
}

export async function systemsOf(hmc: HmcSession): Promise<SystemRow[]> {
  const argv = cmd.listSystems();
  const out = await hmc.check(argv, { idempotent: true });
  return parsed(hmc.hmc, argv, () => parseFields(out, cmd.SYS_LIST_FIELDS).map((r) => ({ name: r.name!, state: r.state! })));
}

/** One partition's state, undefined when it is not on that system (HSCL8012). */
export async function partitionState(hmc: HmcSession, system: string, lpar: string, opts: { timeoutMs?: number } = {}): Promise<string | undefined> {
  const argv = cmd.partitionState(system, lpar);
  // An HMC that cannot see the system (Not Available) or answers with an error is not the last word.
  const views = await hmc.views(argv, { unseen: (x) => /^"?Not Available"?\s*$/.test(x.stdout.trim()), ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
  const last = views[views.length - 1]!;
  if ('error' in last) throw last.error;
  const r = last.result;
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return undefined;
    throw commandError(r, argv);
  }
  const rows = parsed(hmc.hmc, argv, () => parseFields(r.stdout, ['state']));
  return rows[0]?.state;
}

/** A partition's full record (`lssyscfg -r lpar --filter`), undefined when absent. */
export async function partitionRecord(hmc: HmcSession, system: string, lpar: string): Promise<Map<string, string> | undefined> {
  const argv = cmd.partitionRecord(system, lpar);
  const r = await hmc.run(argv, { idempotent: true });
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return undefined;
    throw commandError(r, argv);
  }
  return parsed(hmc.hmc, argv, () => parseRecords(r.stdout).find((m) => m.get('name') === lpar));
}

export async function profileRecord(hmc: HmcSession, system: string, lpar: string, profile: string): Promise<Map<string, string> | undefined> {
  const argv = cmd.profileRecords(system, lpar, profile);
  const r = await hmc.run(argv, { idempotent: true });
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return undefined;
    throw commandError(r, argv);
  }
  return parsed(hmc.hmc, argv, () => parseRecords(r.stdout).find((m) => m.get('name') === profile));
}

export async function profileNames(hmc: HmcSession, system: string, lpar: string): Promise<string[]> {
  const argv = cmd.profileNames(system, lpar);
  const r = await hmc.run(argv, { idempotent: true });
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return [];
    throw commandError(r, argv);
  }
  return parsed(hmc.hmc, argv, () => parseFields(r.stdout, ['name']).map((x) => x.name!));
}

/** Attribute names a real HMC may use for the two ends of a migration (the names are not confirmed: hmc-facts §4.2). */
const SOURCE_NAMES = ['source_sys_name', 'src_sys_name', 'source_system_name'];
const DEST_NAMES = ['dest_sys_name', 'target_sys_name', 'destination_sys_name', 'dest_system_name'];

export interface MigrationView {
  /** Which end this managed system is, when lslparmigr says so. */
  role: 'source' | 'destination' | undefined;
  /** What lslparmigr said, for the log. */
  detail: string;
}

/**
 * Which side of a live migration this managed system is, from
 * `lslparmigr -r lpar` without -F (so that no attribute name of ours can be
 * refused): a record naming the destination or the source settles it; a
 * listing without the partition means it is not migrating from here (the
 * destination shows a placeholder lslparmigr does not list). A record
 * without either name, a refused command, or no answer: undefined, and the
 * caller decides by what VCS knows (monitor.ts) — never unknown for a whole
 * migration because of a field name.
 */
export async function migrationRole(hmc: HmcSession, system: string, lpar: string): Promise<MigrationView> {
  const argv = cmd.migrationState(system, lpar);
  let r;
  try {
    // An HMC that answers with an error (it lost the system, say) is not the last word.
    const views = await hmc.views(argv);
    const last = views[views.length - 1]!;
    if ('error' in last) throw last.error;
    r = last.result;
  } catch (e) {
    return { role: undefined, detail: e instanceof Error ? e.message : String(e) };
  }
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return { role: 'destination', detail: `HMC ${r.hmc}: not listed by lslparmigr on ${system}` };
    return { role: undefined, detail: `HMC ${r.hmc}: lslparmigr: ${r.stdout.trim().split('\n')[0] ?? `exit ${r.code}`}` };
  }
  let records: Array<Map<string, string>>;
  try {
    records = parseRecords(r.stdout);
  } catch (e) {
    return { role: undefined, detail: `HMC ${r.hmc}: lslparmigr output not understood (${e instanceof Error ? e.message : String(e)})` };
  }
  const row = records.find((m) => m.get('name') === lpar || m.get('lpar_name') === lpar);
  if (!row) return { role: 'destination', detail: `HMC ${r.hmc}: lslparmigr does not list ${lpar} on ${system}` };
  const pick = (names: string[]) => names.map((n) => row.get(n)).find((v) => v !== undefined && v !== '');
  const source = pick(SOURCE_NAMES);
  const dest = pick(DEST_NAMES);
  const state = row.get('migration_state') ?? '?';
  if (source === system || (dest !== undefined && dest !== system)) return { role: 'source', detail: `HMC ${r.hmc}: ${state}${dest ? ` to ${dest}` : ''}` };
  if (dest === system || (source !== undefined && source !== system)) return { role: 'destination', detail: `HMC ${r.hmc}: ${state}${source ? ` from ${source}` : ''}` };
  return { role: undefined, detail: `HMC ${r.hmc}: lslparmigr says ${state} without naming either end` };
}

/** The partition's latest reference code ('' for a running AIX), undefined when not listed. */
export async function referenceCode(hmc: HmcSession, system: string, lpar: string): Promise<string | undefined> {
  const argv = cmd.referenceCode(system, lpar);
  const views = await hmc.views(argv);
  const last = views[views.length - 1]!;
  if ('error' in last) throw last.error;
  const r = last.result;
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return undefined;
    throw commandError(r, argv);
  }
  const rows = parsed(hmc.hmc, argv, () => parseFields(r.stdout, cmd.REFCODE_FIELDS));
  return rows.find((x) => x.lpar_name === lpar)?.refcode;
}

export interface AdapterRow {
  lpar: string;
  lparId: number;
  slot: number;
  type: string;
  remoteId: string;
  remoteName: string;
  remoteSlot: string;
}

export async function adaptersOf(hmc: HmcSession, system: string, kind: cmd.VirtualIoKind): Promise<AdapterRow[]> {
  const argv = cmd.listAdapters(system, kind);
  const out = await hmc.check(argv, { idempotent: true });
  return parsed(hmc.hmc, argv, () =>
    parseFields(out, cmd.ADAPTER_FIELDS).map((r) => ({
      lpar: r.lpar_name!,
      lparId: Number(r.lpar_id),
      slot: Number(r.slot_num),
      type: r.adapter_type!,
      remoteId: r.remote_lpar_id!,
      remoteName: r.remote_lpar_name!,
      remoteSlot: r.remote_slot_num!,
    })),
  );
}

export async function viosScsiMap(hmc: HmcSession, system: string, vios: string): Promise<VhostMap[]> {
  const out = await hmc.check(cmd.viosCommand(system, vios, ['lsmap', '-all']), { idempotent: true });
  return parseLsmap(out);
}

export async function viosFcMap(hmc: HmcSession, system: string, vios: string): Promise<VfchostMap[]> {
  const out = await hmc.check(cmd.viosCommand(system, vios, ['lsmap', '-all', '-npiv', '-fmt', ':']), { idempotent: true });
  return parseLsmapNpiv(out);
}

