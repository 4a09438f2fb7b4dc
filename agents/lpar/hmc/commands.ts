/**
 * HMC command lines as argv arrays (framework/remote quotes every element).
 * Syntax: research/hmc-facts.md §1–4 (IBM man pages, real client usage).
 * Names passed here have been validated by names.ts; values built from
 * records go through records.ts, so a value never carries its own shell syntax.
 */
import { formatRecord, type RecordField } from './records.js';

export type Argv = string[];

/** The fields monitor reads for every partition of a managed system (state and VIOS health at once). */
export const LPAR_LIST_FIELDS = ['name', 'lpar_id', 'lpar_env', 'state', 'default_profile', 'curr_profile'] as const;

/** `lssyscfg -r lpar -m SYS -F name,lpar_id,...` — every partition, one line each. */
export function listPartitions(system: string, fields: readonly string[] = LPAR_LIST_FIELDS): Argv {
  return ['lssyscfg', '-r', 'lpar', '-m', system, '-F', fields.join(',')];
}

export const SYS_LIST_FIELDS = ['name', 'state'] as const;

/** `lssyscfg -r sys -F name,state` — every managed system this HMC manages. */
export function listSystems(fields: readonly string[] = SYS_LIST_FIELDS): Argv {
  return ['lssyscfg', '-r', 'sys', '-F', fields.join(',')];
}

/** `lssyscfg -r lpar -m SYS --filter lpar_names=L` — the whole partition record (ProfileFile step 1). */
export function partitionRecord(system: string, lpar: string): Argv {
  return ['lssyscfg', '-r', 'lpar', '-m', system, '--filter', `lpar_names=${lpar}`];
}

/** `lssyscfg -r prof -m SYS --filter lpar_names=L[,profile_names=P]` — profile records (ProfileFile step 3). */
export function profileRecords(system: string, lpar: string, profile?: string): Argv {
  const filter = profile === undefined ? `lpar_names=${lpar}` : `lpar_names=${lpar},profile_names=${profile}`;
  return ['lssyscfg', '-r', 'prof', '-m', system, '--filter', filter];
}

/** `lssyscfg -r prof -m SYS --filter lpar_names=L -F name` — the partition's profile names. */
export function profileNames(system: string, lpar: string): Argv {
  return ['lssyscfg', '-r', 'prof', '-m', system, '--filter', `lpar_names=${lpar}`, '-F', 'name'];
}

/** `lssyscfg -r lpar -m SYS --filter lpar_names=L -F state` — one partition's state (polling). */
export function partitionState(system: string, lpar: string): Argv {
  return ['lssyscfg', '-r', 'lpar', '-m', system, '--filter', `lpar_names=${lpar}`, '-F', 'state'];
}

/** `chsysstate -m SYS -r lpar -o on -n L -f PROFILE` — activate with a profile. */
export function activate(system: string, lpar: string, profile: string): Argv {
  return ['chsysstate', '-m', system, '-r', 'lpar', '-o', 'on', '-n', lpar, '-f', profile];
}

/** `chsysstate -m SYS -r lpar -o osshutdown -n L` — the OS shuts down (through RMC). */
export function osShutdown(system: string, lpar: string): Argv {
  return ['chsysstate', '-m', system, '-r', 'lpar', '-o', 'osshutdown', '-n', lpar];
}

/** `chsysstate -m SYS -r lpar -o shutdown --immed -n L` — hard power off (panel function 8). */
export function immediateShutdown(system: string, lpar: string): Argv {
  return ['chsysstate', '-m', system, '-r', 'lpar', '-o', 'shutdown', '--immed', '-n', lpar];
}

/** `mksyscfg -r lpar -m SYS -i RECORD` — a partition and its first profile (profile_name). */
export function createPartition(system: string, record: readonly RecordField[]): Argv {
  return ['mksyscfg', '-r', 'lpar', '-m', system, '-i', formatRecord(record)];
}

/** `mksyscfg -r prof -m SYS -i RECORD` — one more profile of an existing partition (record holds name and lpar_name). */
export function createProfile(system: string, record: readonly RecordField[]): Argv {
  return ['mksyscfg', '-r', 'prof', '-m', system, '-i', formatRecord(record)];
}

/** `rmsyscfg -r lpar -m SYS -n L` — removes the partition and its profiles. */
export function removePartition(system: string, lpar: string): Argv {
  return ['rmsyscfg', '-r', 'lpar', '-m', system, '-n', lpar];
}

/** `rmsyscfg -r prof -m SYS -n PROFILE -p L` */
export function removeProfile(system: string, lpar: string, profile: string): Argv {
  return ['rmsyscfg', '-r', 'prof', '-m', system, '-n', profile, '-p', lpar];
}

/** `chsyscfg -r lpar -m SYS -i name=L,new_name=N` — renames a partition (the seed's migration procedure). */
export function renamePartition(system: string, lpar: string, newName: string): Argv {
  return ['chsyscfg', '-r', 'lpar', '-m', system, '-i', formatRecord([{ name: 'name', value: lpar }, { name: 'new_name', value: newName }])];
}

export type VirtualIoKind = 'scsi' | 'fc';

/** Fields read from `lshwres -r virtualio --rsubtype scsi|fc --level lpar`. */
export const ADAPTER_FIELDS = ['lpar_name', 'lpar_id', 'slot_num', 'adapter_type', 'remote_lpar_id', 'remote_lpar_name', 'remote_slot_num'] as const;

/** `lshwres -r virtualio --rsubtype KIND --level lpar -m SYS -F ...` — every virtual adapter of that kind on the system. */
export function listAdapters(system: string, kind: VirtualIoKind): Argv {
  return ['lshwres', '-r', 'virtualio', '--rsubtype', kind, '--level', 'lpar', '-m', system, '-F', ADAPTER_FIELDS.join(',')];
}

/**
 * `chhwres -r virtualio -m SYS -o a -p VIOS --rsubtype KIND -s SLOT -a "adapter_type=server,remote_lpar_name=L,remote_slot_num=N"`
 * — a server adapter on a running VIOS (DLPAR), dedicated to one client adapter.
 */
export function addServerAdapter(system: string, vios: string, kind: VirtualIoKind, slot: number, client: string, clientSlot: number): Argv {
  const attrs = formatRecord([
    { name: 'adapter_type', value: 'server' },
    { name: 'remote_lpar_name', value: client },
    { name: 'remote_slot_num', value: String(clientSlot) },
  ]);
  return ['chhwres', '-r', 'virtualio', '-m', system, '-o', 'a', '-p', vios, '--rsubtype', kind, '-s', String(slot), '-a', attrs];
}

/** `chhwres -r virtualio -m SYS -o r -p VIOS --rsubtype KIND -s SLOT` */
export function removeServerAdapter(system: string, vios: string, kind: VirtualIoKind, slot: number): Argv {
  return ['chhwres', '-r', 'virtualio', '-m', system, '-o', 'r', '-p', vios, '--rsubtype', kind, '-s', String(slot)];
}

/**
 * `viosvrcmd -m SYS -p VIOS -c "COMMAND"` — an ioscli command on a VIOS
 * (through RMC). The command is one argument; its words are plain names
 * validated by the caller, so the VIOS shell sees no syntax of ours but spaces.
 */
export function viosCommand(system: string, vios: string, words: readonly string[]): Argv {
  return ['viosvrcmd', '-m', system, '-p', vios, '-c', words.join(' ')];
}

/** `migrlpar -o v|m -m SRC -t DST -p L [-w MINUTES]` */
export function migrate(op: 'v' | 'm', source: string, target: string, lpar: string, waitMinutes?: number): Argv {
  const argv = ['migrlpar', '-o', op, '-m', source, '-t', target, '-p', lpar];
  if (waitMinutes !== undefined) argv.push('-w', String(waitMinutes));
  return argv;
}

/** `migrlpar -o s|r -m SRC -p L` — stop a migration in progress / recover a failed one. */
export function migrationControl(op: 's' | 'r', source: string, lpar: string): Argv {
  return ['migrlpar', '-o', op, '-m', source, '-p', lpar];
}

/**
 * `lslparmigr -r lpar -m SYS --filter lpar_names=L` — without -F: the HMC
 * prints the attributes it has, so no attribute name of ours can be refused
 * (which attributes a real HMC prints is not confirmed: hmc-facts §4.2).
 */
export function migrationState(system: string, lpar: string): Argv {
  return ['lslparmigr', '-r', 'lpar', '-m', system, '--filter', `lpar_names=${lpar}`];
}

export const REFCODE_FIELDS = ['lpar_name', 'refcode'] as const;

/**
 * `lsrefcode -r lpar -m SYS --filter lpar_names=L -F lpar_name,refcode` — the
 * partition's latest reference code (hmc-facts §9.6, V10R3 capture); empty
 * for a running AIX partition.
 */
export function referenceCode(system: string, lpar: string): Argv {
  return ['lsrefcode', '-r', 'lpar', '-m', system, '--filter', `lpar_names=${lpar}`, '-F', REFCODE_FIELDS.join(',')];
}

/** Fields read from `lshwres -r virtualio --rsubtype eth --level lpar` (the DR VLAN). */
export const ETH_FIELDS = ['lpar_name', 'slot_num', 'port_vlan_id', 'is_trunk'] as const;

/** `lshwres -r virtualio --rsubtype eth --level lpar -m SYS -F ...` — every virtual Ethernet adapter of the system at once. */
export function listEthAdapters(system: string): Argv {
  return ['lshwres', '-r', 'virtualio', '--rsubtype', 'eth', '--level', 'lpar', '-m', system, '-F', ETH_FIELDS.join(',')];
}

/**
 * `chhwres -r virtualio -m SYS -o a -p L --rsubtype eth -a "ieee_virtual_eth=0,port_vlan_id=VLAN,is_trunk=0,is_required=0"`
 * — a private virtual Ethernet adapter (DLPAR) in the next free slot; not
 * required, so the partition can still be changed or migrated without it.
 */
export function addEthAdapter(system: string, lpar: string, vlan: number): Argv {
  const attrs = formatRecord([
    { name: 'ieee_virtual_eth', value: '0' },
    { name: 'port_vlan_id', value: String(vlan) },
    { name: 'is_trunk', value: '0' },
    { name: 'is_required', value: '0' },
  ]);
  return ['chhwres', '-r', 'virtualio', '-m', system, '-o', 'a', '-p', lpar, '--rsubtype', 'eth', '-a', attrs];
}

/** `chhwres -r virtualio -m SYS -o r -p L --rsubtype eth -s SLOT` */
export function removeEthAdapter(system: string, lpar: string, slot: number): Argv {
  return ['chhwres', '-r', 'virtualio', '-m', system, '-o', 'r', '-p', lpar, '--rsubtype', 'eth', '-s', String(slot)];
}
