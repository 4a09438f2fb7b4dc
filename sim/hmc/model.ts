/**
 * The simulated PowerVM world: its data types and the HMC vocabulary they
 * are shown with (state strings, attribute names and their output order).
 *
 * Attribute orders follow real HMC output (the seed's lpar05 samples and the
 * captures in research/hmc-facts.md §1.3) because clients such as fence_lpar
 * parse by position (`,state=(.*?),` needs `state` in the middle).
 */
import type { SimTimer } from './world.js';

/** Partition states exactly as `lssyscfg -F state` prints them (hmc-facts §1.4). */
export const LPAR_STATES = [
  'Not Activated',
  'Starting',
  'Running',
  'Shutting Down',
  'Open Firmware',
  'Error',
  'Not Available',
  'Hardware Discovery',
  'Migrating - Running',
  'Migrating - Not Activated',
  'Suspended',
] as const;
export type LparState = (typeof LPAR_STATES)[number];

/** Managed-system states (hmc-facts §1.5). */
export const SYS_STATES = [
  'Operating',
  'Standby',
  'Power Off',
  'Power Off In Progress',
  'Initializing',
  'No Connection',
  'Error',
  'Recovery',
  'Incomplete',
] as const;
export type SysState = (typeof SYS_STATES)[number];

export type LparEnv = 'aixlinux' | 'vioserver';
export type RmcState = 'active' | 'inactive' | 'none';

/** A profile or partition attribute value: a scalar or a list (`none` when empty). */
export type AttrValue = string | string[];

export interface Profile {
  name: string;
  /** Every profile attribute except name, lpar_name, lpar_id and lpar_env (derived). */
  attrs: Map<string, AttrValue>;
}

export interface ScsiAdapter {
  slot: number;
  type: 'client' | 'server';
  /** null = any partition (server side) / unset. */
  remoteId: number | null;
  remoteName: string;
  /** null = any slot. */
  remoteSlot: number | null;
  required: boolean;
}

export interface FcAdapter {
  slot: number;
  type: 'client' | 'server';
  remoteId: number | null;
  remoteName: string;
  remoteSlot: number | null;
  /** Client side: the WWPN pair; server side: empty. */
  wwpns: string[];
  required: boolean;
}

export interface EthAdapter {
  slot: number;
  ieee: boolean;
  portVlanId: number;
  addlVlanIds: number[];
  /** 0 = not a trunk adapter. */
  trunkPriority: number;
  required: boolean;
  vswitch: string;
  mac: string;
  allowedOsMacs: string;
  qos: string;
}

export interface SerialAdapter {
  slot: number;
  type: 'client' | 'server';
  supportsHmc: boolean;
  remoteId: number | null;
  remoteName: string;
  remoteSlot: number | null;
  required: boolean;
}

/** The virtual adapters a partition has now (its current configuration). */
export interface VirtualIo {
  scsi: ScsiAdapter[];
  fc: FcAdapter[];
  eth: EthAdapter[];
  serial: SerialAdapter[];
}

export interface Disk {
  name: string;
  pvid: string;
  /** ODM attributes set with chdev (reserve_policy, hcheck_interval, pv ...). */
  attrs: Record<string, string>;
}

/** A virtual target device: a backing disk mapped to a vhost. */
export interface Vtd {
  name: string;
  /** Slot of the server SCSI adapter (vhost) it hangs off. */
  slot: number;
  backing: string;
  lun: number;
}

/** The VIOS operating system's view: devices and mappings (what lsmap shows). */
export interface ViosOs {
  disks: Disk[];
  fcPorts: string[];
  /** Device name of each server SCSI adapter, by slot (vhostN). */
  vhosts: Map<number, string>;
  /** Device name and mapped port of each server FC adapter, by slot. */
  vfchosts: Map<number, { name: string; fcPort: string | null }>;
  vtds: Vtd[];
}

export interface Refcode {
  time: Date;
  code: string;
}

export interface Migration {
  source: string;
  target: string;
  active: boolean;
  /** Real epoch ms (time_started) and simulated seconds at the start, and the simulated duration. */
  startedAt: number;
  startedSim: number;
  durationSim: number;
  timer: SimTimer | null;
  /** Set when the migration failed and awaits `migrlpar -o r`. */
  failed: boolean;
  /** The state the partition goes back to when the migration is stopped or fails. */
  previousState: LparState;
  /** Settles the `migrlpar -o m` that waits for this migration. */
  done: Array<(error: string[] | null) => void>;
}

export interface Partition {
  name: string;
  id: number;
  env: LparEnv;
  state: LparState;
  rmcState: RmcState;
  defaultProfile: string;
  currProfile: string;
  /** Partition-level settable attributes (auto_start, boot_mode, time_ref, ...). */
  attrs: Map<string, string>;
  profiles: Profile[];
  current: VirtualIo;
  osVersion: string;
  refcodes: Refcode[];
  /** The OS stopped responding (lpar-hang): no OS shutdown, RMC lost. */
  hung: boolean;
  /** boot-hang: the next activation stops in Starting at this reference code for ever. */
  bootHang: string | null;
  /** The VIOS operating system (vioserver partitions only). */
  vios: ViosOs | null;
  /** Pending state transition. */
  timer: SimTimer | null;
  migration: Migration | null;
  /** Placeholder on the target of a migration in progress. */
  migrationTarget: boolean;
  /** The next migration fails: 'rollback' returns to the source, 'stuck' needs `migrlpar -o r`. */
  lpmFault: 'rollback' | 'stuck' | null;
  /** Memory and processing units held while active. */
  allocated: { mem: number; procUnits: number } | null;
}

export interface ManagedSystem {
  name: string;
  typeModel: string;
  serial: string;
  ipaddr: string;
  state: SysState;
  memoryMB: number;
  procUnits: number;
  /** Co-managed with a NovaLink master: no profiles on activation (lscomgmt). */
  comanaged: boolean;
  partitions: Partition[];
  timer: SimTimer | null;
}

export interface User {
  name: string;
  password: string;
  /** OpenSSH authorized_keys lines (mkauthkeys -a adds to them). */
  authorizedKeys: string[];
}

/** Durations in simulated seconds; `--speed N` divides them. */
export interface Timings {
  boot: number;
  rmcUp: number;
  osShutdown: number;
  osShutdownImmed: number;
  shutdown: number;
  shutdownImmed: number;
  viosBoot: number;
  migration: number;
  inactiveMigration: number;
  systemPowerOn: number;
  systemPowerOff: number;
  rmcLoss: number;
}

export const DEFAULT_TIMINGS: Timings = {
  boot: 6,
  rmcUp: 4,
  osShutdown: 5,
  osShutdownImmed: 2,
  shutdown: 4,
  shutdownImmed: 1,
  viosBoot: 8,
  migration: 12,
  inactiveMigration: 4,
  systemPowerOn: 10,
  systemPowerOff: 3,
  rmcLoss: 5,
};

/** States in which a partition holds resources and its OS may be up. */
export const ACTIVE_STATES: ReadonlySet<LparState> = new Set<LparState>([
  'Starting',
  'Running',
  'Shutting Down',
  'Open Firmware',
  'Error',
  'Migrating - Running',
]);

/** `lssyscfg -r lpar` attributes in output order (the seed's lpar05 sample). */
export const LPAR_ATTRS = [
  'name',
  'lpar_id',
  'lpar_env',
  'state',
  'resource_config',
  'os_version',
  'logical_serial_num',
  'default_profile',
  'curr_profile',
  'work_group_id',
  'shared_proc_pool_util_auth',
  'allow_perf_collection',
  'power_ctrl_lpar_ids',
  'boot_mode',
  'lpar_keylock',
  'auto_start',
  'redundant_err_path_reporting',
  'rmc_state',
  'rmc_ipaddr',
  'time_ref',
  'lpar_avail_priority',
  'desired_lpar_proc_compat_mode',
  'curr_lpar_proc_compat_mode',
  'suspend_capable',
  'remote_restart_capable',
  'affinity_group_id',
] as const;

/** Attributes `-F` accepts for partitions beyond the default listing (V10 vocabulary). */
export const LPAR_EXTRA_ATTRS = ['uuid', 'description', 'msp', 'migration_disabled', 'sync_curr_profile'] as const;

/** Partition-level settable attributes and their defaults. */
export const LPAR_SETTABLE_DEFAULTS: Record<string, string> = {
  work_group_id: 'none',
  shared_proc_pool_util_auth: '0',
  allow_perf_collection: '0',
  power_ctrl_lpar_ids: 'none',
  boot_mode: 'norm',
  lpar_keylock: 'norm',
  auto_start: '0',
  redundant_err_path_reporting: '0',
  time_ref: '0',
  lpar_avail_priority: '127',
  desired_lpar_proc_compat_mode: 'default',
  suspend_capable: '0',
  remote_restart_capable: '0',
  affinity_group_id: 'none',
  description: '',
  msp: '0',
  migration_disabled: '0',
  sync_curr_profile: '0',
};

/**
 * Profile attributes in output order. Shared-processor attributes are only
 * printed for proc_mode=shared, boot_mode not for VIOS (as on a real HMC).
 */
export const PROFILE_ATTRS = [
  'all_resources',
  'min_mem',
  'desired_mem',
  'max_mem',
  'min_num_huge_pages',
  'desired_num_huge_pages',
  'max_num_huge_pages',
  'mem_mode',
  'mem_expansion',
  'hpt_ratio',
  'proc_mode',
  'min_proc_units',
  'desired_proc_units',
  'max_proc_units',
  'min_procs',
  'desired_procs',
  'max_procs',
  'sharing_mode',
  'uncap_weight',
  'shared_proc_pool_id',
  'shared_proc_pool_name',
  'affinity_group_id',
  'io_slots',
  'lpar_io_pool_ids',
  'max_virtual_slots',
  'virtual_serial_adapters',
  'virtual_scsi_adapters',
  'virtual_eth_adapters',
  'vtpm_adapters',
  'virtual_fc_adapters',
  'hca_adapters',
  'boot_mode',
  'conn_monitoring',
  'auto_start',
  'power_ctrl_lpar_ids',
  'work_group_id',
  'redundant_err_path_reporting',
  'bsr_arrays',
  'lhea_logical_ports',
  'lhea_capabilities',
  'lpar_proc_compat_mode',
  'electronic_err_reporting',
] as const;

export const SHARED_PROC_ATTRS: ReadonlySet<string> = new Set([
  'min_proc_units',
  'desired_proc_units',
  'max_proc_units',
  'uncap_weight',
  'shared_proc_pool_id',
  'shared_proc_pool_name',
]);

/** Profile attributes whose value is a list (`none` when empty). */
export const LIST_ATTRS: ReadonlySet<string> = new Set([
  'io_slots',
  'lpar_io_pool_ids',
  'virtual_serial_adapters',
  'virtual_scsi_adapters',
  'virtual_eth_adapters',
  'vtpm_adapters',
  'virtual_fc_adapters',
  'hca_adapters',
  'lhea_logical_ports',
  'lhea_capabilities',
  'power_ctrl_lpar_ids',
]);

export const PROFILE_DEFAULTS: Record<string, AttrValue> = {
  all_resources: '0',
  min_mem: '1024',
  desired_mem: '4096',
  max_mem: '8192',
  min_num_huge_pages: 'null',
  desired_num_huge_pages: 'null',
  max_num_huge_pages: 'null',
  mem_mode: 'ded',
  mem_expansion: '0.0',
  hpt_ratio: '1:128',
  proc_mode: 'shared',
  min_proc_units: '0.1',
  desired_proc_units: '0.5',
  max_proc_units: '2.0',
  min_procs: '1',
  desired_procs: '2',
  max_procs: '4',
  sharing_mode: 'uncap',
  uncap_weight: '128',
  shared_proc_pool_id: '0',
  shared_proc_pool_name: 'DefaultPool',
  affinity_group_id: 'none',
  io_slots: [],
  lpar_io_pool_ids: [],
  max_virtual_slots: '1000',
  virtual_serial_adapters: ['0/server/1/any//any/1', '1/server/1/any//any/1'],
  virtual_scsi_adapters: [],
  virtual_eth_adapters: [],
  vtpm_adapters: [],
  virtual_fc_adapters: [],
  hca_adapters: [],
  boot_mode: 'norm',
  conn_monitoring: '0',
  auto_start: '0',
  power_ctrl_lpar_ids: [],
  work_group_id: 'none',
  redundant_err_path_reporting: 'null',
  bsr_arrays: '0',
  lhea_logical_ports: [],
  lhea_capabilities: [],
  lpar_proc_compat_mode: 'default',
  electronic_err_reporting: 'null',
};

/** Keys of a `mksyscfg -r lpar` record that set partition-level attributes. */
export const MKSYSCFG_LPAR_KEYS: ReadonlySet<string> = new Set([
  'name',
  'lpar_id',
  'lpar_env',
  'profile_name',
  'work_group_id',
  'shared_proc_pool_util_auth',
  'allow_perf_collection',
  'power_ctrl_lpar_ids',
  'boot_mode',
  'lpar_keylock',
  'auto_start',
  'redundant_err_path_reporting',
  'time_ref',
  'lpar_avail_priority',
  'suspend_capable',
  'remote_restart_capable',
  'affinity_group_id',
  'description',
  'msp',
  'migration_disabled',
]);

/** `lssyscfg -r sys` attributes in output order. */
export const SYS_ATTRS = [
  'name',
  'type_model',
  'serial_num',
  'ipaddr',
  'ipaddr_secondary',
  'state',
  'detailed_state',
  'sys_time',
  'power_off_policy',
  'active_lpar_mobility_capable',
  'inactive_lpar_mobility_capable',
  'max_lpars',
  'service_lpar_id',
  'service_lpar_name',
  'curr_configured_max_lpars',
  'lpar_proc_compat_modes',
  'installed_sys_mem',
  'installed_sys_proc_units',
  'description',
] as const;
