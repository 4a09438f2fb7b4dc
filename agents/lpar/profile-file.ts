/**
 * The ProfileFile: what VCS needs to create a partition on a managed system
 * where it does not exist (after a live migration took it away, or when
 * partitions are only defined where they run).
 *
 * Line 1 is the record the seed's procedure builds (Virtualization Guide,
 * "To create the profile file for an LPAR"): selected fields of
 * `lssyscfg -r lpar`, then selected fields of `lssyscfg -r prof` with the
 * profile's `name` renamed `profile_name`, joined with a comma, in the HMC's
 * record grammar. It is given to `mksyscfg -r lpar -i`.
 *
 * Further lines are optional and ours: `vios_mapping=...` records naming the
 * disk (or FC port) each VIOS server adapter of the partition maps, so that
 * creating the partition can recreate the mappings a live migration removed:
 *
 *   vios_mapping=scsi,vios_name=vio_server1,slot_num=4,backing_device=hdisk7,vtd_name=lpar05_rootvg
 *   vios_mapping=fc,vios_name=vio_server1,slot_num=8,fc_port=fcs0
 *
 * Blank lines and lines starting with `#` are ignored. A file with only the
 * seed's single line is valid: the server adapters are still created from
 * the client adapters it lists; only the disk mappings need these lines.
 */
import { readFileSync } from 'node:fs';
import { VcsPowervmError } from '../../framework/errors.js';
import { AdapterSyntaxError, parseAdapter, type AdapterKind, type VirtualAdapter } from './adapters.js';
import { formatField, formatRecord, listItems, parseRecordAt, RecordSyntaxError, type RecordField } from './hmc/records.js';
import { deviceName, partitionName, profileName } from './names.js';

/** Step 2 of the seed's procedure: the partition-level fields. */
export const PARTITION_FIELDS = [
  'name', 'lpar_id', 'lpar_env', 'work_group_id', 'shared_proc_pool_util_auth', 'allow_perf_collection',
  'power_ctrl_lpar_ids', 'boot_mode', 'auto_start', 'redundant_err_path_reporting', 'time_ref',
  'lpar_avail_priority', 'suspend_capable', 'remote_restart_capable', 'affinity_group_id',
] as const;

/** Step 3: the profile-level fields (`name` becomes `profile_name`). */
export const PROFILE_FIELDS = [
  'name', 'all_resources', 'min_mem', 'desired_mem', 'max_mem', 'mem_mode', 'mem_expansion', 'hpt_ratio',
  'proc_mode', 'min_procs', 'desired_procs', 'max_procs', 'sharing_mode', 'io_slots', 'lpar_io_pool_ids',
  'max_virtual_slots', 'virtual_serial_adapters', 'virtual_scsi_adapters', 'virtual_eth_adapters',
  'vtpm_adapters', 'virtual_fc_adapters', 'hca_adapters', 'conn_monitoring', 'auto_start',
  'power_ctrl_lpar_ids', 'work_group_id', 'bsr_arrays', 'lhea_logical_ports', 'lhea_capabilities',
  'lpar_proc_compat_mode',
] as const;

/**
 * Fields the seed's list lacks but mksyscfg needs for a shared-processor
 * profile (the seed's example is a dedicated one; its note says to add
 * "missing attributes" by hand when creation fails).
 */
export const SHARED_PROC_FIELDS = ['min_proc_units', 'desired_proc_units', 'max_proc_units'] as const;
export const UNCAPPED_FIELDS = ['uncap_weight'] as const;

export type ViosMapping =
  | { kind: 'scsi'; vios: string; slot: number; device: string; vtd: string | undefined }
  | { kind: 'fc'; vios: string; slot: number; port: string };

export interface ProfileFileData {
  /** The record for `mksyscfg -r lpar -i`, each name once. */
  fields: RecordField[];
  partition: string;
  profile: string;
  lparId: number | undefined;
  /** Client virtual SCSI and FC adapters: each pairs with a server adapter on a VIOS. */
  clientAdapters: VirtualAdapter[];
  mappings: ViosMapping[];
  /** Things worth a log line (a field given twice with different values). */
  warnings: string[];
}

export class ProfileFileError extends VcsPowervmError {
  constructor(file: string, line: number, column: number, detail: string) {
    super('VCSPVM_LPAR_PROFILE_FILE', { file, line, column, detail });
  }
}

export function readProfileFile(path: string): ProfileFileData {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new VcsPowervmError('VCSPVM_READ', { path, reason }, { cause: e });
  }
  return parseProfileFile(text, path);
}

export function parseProfileFile(text: string, file: string): ProfileFileData {
  const lines = text.replace(/\r/g, '').split('\n');
  let data: ProfileFileData | undefined;
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    if (/^\s*vios_mapping=/.test(line)) {
      if (!data) throw new ProfileFileError(file, lineNo, 1, 'a vios_mapping line comes before the partition record');
      data.mappings.push(parseMapping(line, file, lineNo));
      return;
    }
    if (data) throw new ProfileFileError(file, lineNo, 1, 'a second partition record: the partition record is one line (join continuation lines with commas)');
    data = parsePartitionRecord(line, file, lineNo);
  });
  if (!data) throw new ProfileFileError(file, 1, 1, 'no partition record: the file is empty');
  return data;
}

function fieldsOf(line: string, file: string, lineNo: number) {
  // eslint-disable-next-line no-control-regex
  const control = /[\u0000-\u0008\u000b-\u001f\u007f]/.exec(line);
  if (control) throw new ProfileFileError(file, lineNo, control.index + 1, 'control character in the record');
  try {
    return parseRecordAt(line);
  } catch (e) {
    if (e instanceof RecordSyntaxError) throw new ProfileFileError(file, lineNo, e.offset + 1, e.message);
    throw e;
  }
}

function parsePartitionRecord(line: string, file: string, lineNo: number): ProfileFileData {
  const raw = fieldsOf(line, file, lineNo);
  const warnings: string[] = [];
  const fields: RecordField[] = [];
  const at = new Map<string, { index: number; offset: number }>();
  for (const f of raw) {
    const seen = at.get(f.name);
    if (seen) {
      // The seed's procedure concatenates two listings that share fields
      // (auto_start, boot_mode, ...): the later (profile) value wins, as the HMC reads it.
      const before = fields[seen.index]!;
      if (before.value !== f.value) {
        warnings.push(`${file}:${lineNo}:${f.offset + 1}: ${f.name} is given twice (${before.value}, then ${f.value}); using ${f.value}`);
      }
      fields[seen.index] = { name: f.name, value: f.value };
    } else {
      at.set(f.name, { index: fields.length, offset: f.offset });
      fields.push({ name: f.name, value: f.value });
    }
  }
  const col = (name: string) => (at.get(name)?.offset ?? 0) + 1;
  const need = (name: string): string => {
    const f = fields.find((x) => x.name === name);
    if (!f || f.value === '') {
      const hint = name === 'profile_name' ? ' (rename the profile\'s "name" field to profile_name, step 4 of the procedure)' : '';
      throw new ProfileFileError(file, lineNo, 1, `the partition record has no ${name}${hint}`);
    }
    return f.value;
  };
  const check = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof VcsPowervmError || e instanceof AdapterSyntaxError) throw new ProfileFileError(file, lineNo, col(name), e.message);
      throw e;
    }
  };
  const partition = check('name', () => partitionName(need('name'), 'partition name'));
  const profile = check('profile_name', () => profileName(need('profile_name'), 'profile_name'));
  need('lpar_env');
  const idText = fields.find((f) => f.name === 'lpar_id')?.value;
  const lparId = idText === undefined ? undefined : check('lpar_id', () => {
    if (!/^\d{1,5}$/.test(idText)) throw new AdapterSyntaxError(`lpar_id "${idText}" is not a number`);
    return Number(idText);
  });
  const clientAdapters: VirtualAdapter[] = [];
  for (const [attr, kind] of [['virtual_scsi_adapters', 'scsi'], ['virtual_fc_adapters', 'fc']] as const) {
    const f = fields.find((x) => x.name === attr);
    if (!f) continue;
    check(attr, () => {
      for (const item of listItems(f.value)) {
        const a = parseAdapter(kind, item);
        if (a.side !== 'client') continue;
        if (a.remoteName !== undefined) partitionName(a.remoteName, `VIOS name in ${attr}`);
        clientAdapters.push(a);
      }
    });
  }
  return { fields, partition, profile, lparId, clientAdapters, mappings: [], warnings };
}

function parseMapping(line: string, file: string, lineNo: number): ViosMapping {
  const indent = line.length - line.trimStart().length;
  const raw = fieldsOf(line.trim(), file, lineNo).map((f) => ({ ...f, offset: f.offset + indent }));
  const map = new Map(raw.map((f) => [f.name, f]));
  const get = (name: string): string => {
    const f = map.get(name);
    if (!f || f.value === '') throw new ProfileFileError(file, lineNo, 1, `vios_mapping has no ${name}`);
    return f.value;
  };
  const check = <T>(name: string, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof VcsPowervmError && !(e instanceof ProfileFileError)) throw new ProfileFileError(file, lineNo, (map.get(name)?.offset ?? 0) + 1, e.message);
      throw e;
    }
  };
  const kind = get('vios_mapping');
  const vios = check('vios_name', () => partitionName(get('vios_name'), 'vios_name'));
  const slotText = get('slot_num');
  if (!/^\d{1,5}$/.test(slotText)) throw new ProfileFileError(file, lineNo, (map.get('slot_num')?.offset ?? 0) + 1, `slot_num "${slotText}" is not a number`);
  const slot = Number(slotText);
  const known = kind === 'scsi' ? ['vios_mapping', 'vios_name', 'slot_num', 'backing_device', 'vtd_name'] : ['vios_mapping', 'vios_name', 'slot_num', 'fc_port'];
  for (const f of raw) {
    if (!known.includes(f.name)) throw new ProfileFileError(file, lineNo, f.offset + 1, `unknown field ${f.name} in a vios_mapping=${kind} line (known: ${known.join(', ')})`);
  }
  if (kind === 'scsi') {
    const device = check('backing_device', () => deviceName(get('backing_device'), 'backing_device'));
    const vtdText = map.get('vtd_name')?.value;
    const vtd = vtdText === undefined || vtdText === '' ? undefined : check('vtd_name', () => deviceName(vtdText, 'vtd_name'));
    return { kind, vios, slot, device, vtd };
  }
  if (kind === 'fc') {
    const port = check('fc_port', () => deviceName(get('fc_port'), 'fc_port'));
    return { kind, vios, slot, port };
  }
  throw new ProfileFileError(file, lineNo, (map.get('vios_mapping')?.offset ?? 0) + 1, `vios_mapping=${kind}: expected scsi or fc`);
}

/** The mksyscfg record without the fields that only mattered to us. */
export function creationRecord(data: ProfileFileData): RecordField[] {
  return data.fields;
}

/**
 * The profile-only record for `mksyscfg -r prof` when the partition exists
 * but lacks the profile: profile fields, `name` = profile_name, `lpar_name`.
 */
export function profileRecord(data: ProfileFileData): RecordField[] {
  const profileOnly = new Set<string>([...PROFILE_FIELDS, ...SHARED_PROC_FIELDS, ...UNCAPPED_FIELDS]);
  const out: RecordField[] = [
    { name: 'name', value: data.profile },
    { name: 'lpar_name', value: data.partition },
  ];
  for (const f of data.fields) {
    if (f.name === 'profile_name' || f.name === 'name') continue;
    if (profileOnly.has(f.name)) out.push(f);
  }
  return out;
}

/* ---------- generation (profile-export: the procedure, automated) ---------- */

export interface ExportInput {
  /** `lssyscfg -r lpar --filter lpar_names=L` record. */
  partition: ReadonlyMap<string, string>;
  /** `lssyscfg -r prof --filter lpar_names=L,profile_names=P` record. */
  profile: ReadonlyMap<string, string>;
  mappings: readonly ViosMapping[];
  /** For the comment line: where it came from. */
  source: { system: string; hmc: string; when: Date };
}

/** Values the HMC prints for "not applicable"; mksyscfg does not take them back. */
function usable(v: string | undefined): v is string {
  return v !== undefined && v !== 'null';
}

/** Builds the ProfileFile text: the seed's steps 1–5 (selected fields, name → profile_name, one line), then our mapping lines. */
export function generateProfileFile(input: ExportInput): string {
  const fields: RecordField[] = [];
  const index = new Map<string, number>();
  const put = (name: string, value: string) => {
    const i = index.get(name);
    if (i !== undefined) fields[i] = { name, value };
    else {
      index.set(name, fields.length);
      fields.push({ name, value });
    }
  };
  for (const name of PARTITION_FIELDS) {
    const v = input.partition.get(name);
    if (usable(v)) put(name, v);
  }
  const prof = input.profile;
  const extra: string[] = [];
  if (prof.get('proc_mode') === 'shared') extra.push(...SHARED_PROC_FIELDS);
  if (prof.get('sharing_mode') === 'uncap') extra.push(...UNCAPPED_FIELDS);
  for (const name of [...PROFILE_FIELDS, ...extra]) {
    const v = prof.get(name);
    if (!usable(v)) continue;
    put(name === 'name' ? 'profile_name' : name, v);
  }
  const lines = [
    `# ProfileFile of partition ${input.partition.get('name') ?? '?'} on managed system ${input.source.system}, from HMC ${input.source.hmc} at ${input.source.when.toISOString()}`,
    formatRecord(fields),
  ];
  for (const m of input.mappings) {
    const rec: RecordField[] = [{ name: 'vios_mapping', value: m.kind }, { name: 'vios_name', value: m.vios }, { name: 'slot_num', value: String(m.slot) }];
    if (m.kind === 'scsi') {
      rec.push({ name: 'backing_device', value: m.device });
      if (m.vtd !== undefined) rec.push({ name: 'vtd_name', value: m.vtd });
    } else {
      rec.push({ name: 'fc_port', value: m.port });
    }
    lines.push(rec.map(formatField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** Client adapters of a kind, for planning server-side work. */
export function clientAdaptersOf(data: ProfileFileData, kind: AdapterKind): VirtualAdapter[] {
  return data.clientAdapters.filter((a) => a.kind === kind);
}
