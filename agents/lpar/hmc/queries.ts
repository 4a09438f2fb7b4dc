/**
 * Typed HMC queries: one command each, parsed. All are read-only, so the
 * session may retry them on the next HMC.
 */
import { AgentError, HmcCommandError } from '../../../framework/errors.js';
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

/** Every partition of a managed system with its state: monitor's single command. */
export async function partitionsOf(hmc: HmcSession, system: string): Promise<PartitionRow[]> {
  const argv = cmd.listPartitions(system);
  const out = await hmc.check(argv, { idempotent: true });
  return parsed(hmc.hmc, argv, () =>
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

export async function systemsOf(hmc: HmcSession): Promise<SystemRow[]> {
  const argv = cmd.listSystems();
  const out = await hmc.check(argv, { idempotent: true });
  return parsed(hmc.hmc, argv, () => parseFields(out, cmd.SYS_LIST_FIELDS).map((r) => ({ name: r.name!, state: r.state! })));
}

/** One partition's state, undefined when it is not on that system (HSCL8012). */
export async function partitionState(hmc: HmcSession, system: string, lpar: string): Promise<string | undefined> {
  const argv = cmd.partitionState(system, lpar);
  const r = await hmc.run(argv, { idempotent: true });
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

/**
 * Which side of a live migration this managed system is. lslparmigr lists a
 * migrating partition on its source (with dest_sys_name); the destination
 * shows a placeholder that lslparmigr does not report as the source.
 */
export async function migrationRole(hmc: HmcSession, system: string, lpar: string): Promise<'source' | 'destination'> {
  const argv = cmd.migrationState(system, lpar);
  const r = await hmc.run(argv, { idempotent: true });
  if (r.code !== 0) {
    if (r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) return 'destination';
    throw commandError(r, argv);
  }
  const rows = parsed(hmc.hmc, argv, () => parseFields(r.stdout, cmd.MIGRATION_FIELDS));
  const row = rows.find((x) => x.name === lpar);
  if (!row) return 'destination';
  if (row.source_sys_name === system) return 'source';
  if (row.dest_sys_name === system) return 'destination';
  return row.dest_sys_name ? 'source' : 'destination';
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

export { HmcCommandError };
