/**
 * Which Pacemaker agent runs each VCS resource type, and how its attributes
 * become the agent's parameters. The built-in table is documented, row by
 * row with its sources, in docs/convert.md; `--map FILE` (map-file.ts)
 * overrides or extends it for site-specific agents.
 *
 * Static attributes (MonitorInterval, RestartLimit, ...) and the attributes
 * every resource has (Critical, Enabled, ...) are not parameters: convert.ts
 * turns them into operations and meta attributes for every type alike.
 */

/** How a VCS value is written as a parameter value. */
export type ParamForm =
  /** Scalars as they are; lists blank-separated; associations as `key=value` pairs (values quoted when needed). */
  | 'as-is'
  /** Lists comma-separated. */
  | 'comma-list'
  /** A netmask (255.255.255.0 or 0xffffff00) or a prefix length, as a prefix length (24). */
  | 'prefix-length'
  /** Mount's FsckOpt as Filesystem's run_fsck: `-n` → no, anything else → auto. */
  | 'run-fsck';

export interface ParamMapping {
  name: string;
  form: ParamForm;
}

/** Resources of these types are not primitives: convert.ts gives them their Pacemaker shape. */
export type Special =
  /** A network interface VCS only monitors: an ethmonitor clone and a location rule on the group. */
  | 'nic'
  /** Mirrors another resource: a constraint on that resource instead of a primitive. */
  | 'proxy';

export interface TypeMapping {
  /** `class:provider:type` or `class:type`; `{resource}` stands for the resource's name. */
  agent: string;
  /** VCS attribute → parameter; null: deliberately not converted (documented), never reported. */
  params: Record<string, ParamMapping | null>;
  /** What happens to an attribute the table does not name: reported (warn) or passed under its own name (pass). */
  otherAttributes: 'warn' | 'pass';
  /** Parameters with fixed values. */
  set: Record<string, string>;
  /** Meta attributes with fixed values. */
  meta: Record<string, string>;
  special?: Special;
  /** The group's ContainerInfo is passed as a parameter (types with ContainerOpts PassCInfo = 1 that run under our agents). */
  passContainerInfo?: boolean;
  /** What the administrator must provide before the agent can run (reported as CVT102 for each resource). */
  needs?: string;
}

const p = (name: string, form: ParamForm = 'as-is'): ParamMapping => ({ name, form });

function mapping(agent: string, params: Record<string, ParamMapping | null>, extra: Partial<TypeMapping> = {}): TypeMapping {
  return { agent, params, otherAttributes: 'warn', set: {}, meta: {}, ...extra };
}

/**
 * The built-in table. Our own types run under the OCF face of the same agents
 * (provider vcs-powervm), their parameters named as the VCS attributes; the
 * AIX bundled types map to the ClusterLabs resource-agents that do the same
 * job on Linux.
 */
export const BUILTIN_MAPPINGS: Readonly<Record<string, TypeMapping>> = {
  LPAR: mapping('ocf:vcs-powervm:LPAR', {}, { otherAttributes: 'pass', meta: { 'allow-migrate': 'true' } }),
  WPAR: mapping('ocf:vcs-powervm:WPAR', {}, { otherAttributes: 'pass', passContainerInfo: true }),
  IP: mapping('ocf:heartbeat:IPaddr2', {
    Address: p('ip'),
    NetMask: p('cidr_netmask', 'prefix-length'),
    PrefixLen: p('cidr_netmask', 'prefix-length'),
    Device: p('nic'),
  }),
  NIC: mapping('ocf:heartbeat:ethmonitor', { Device: p('interface'), NetworkHosts: null, PingOptimize: null, NetworkType: null, Protocol: null }, { special: 'nic' }),
  Proxy: mapping('', { TargetResName: null }, { special: 'proxy' }),
  Phantom: mapping('ocf:pacemaker:Dummy', {}),
  Mount: mapping('ocf:heartbeat:Filesystem', {
    MountPoint: p('directory'),
    BlockDevice: p('device'),
    FSType: p('fstype'),
    MountOpt: p('options'),
    FsckOpt: p('run_fsck', 'run-fsck'),
    // Filesystem creates a missing mount point itself.
    CreateMntPt: null,
  }),
  LVMVG: mapping('ocf:heartbeat:LVM-activate', { VolumeGroup: p('vgname') }, { set: { vg_access_mode: 'system_id' } }),
  NFS: mapping('ocf:heartbeat:nfsserver', {}),
  Share: mapping('ocf:heartbeat:exportfs', { PathName: p('directory'), Options: p('options'), NFSRes: null }, {
    needs: 'exportfs needs clientspec (who may mount) and fsid, which VCS Share does not have: set them',
  }),
  Process: mapping('ocf:heartbeat:anything', {
    PathName: p('binfile'),
    Arguments: p('cmdline_options'),
    UserName: p('user'),
    PidFile: p('pidfile'),
  }),
  Application: mapping('systemd:{resource}', { StartProgram: null, StopProgram: null, User: null, PidFiles: null, MonitorProcesses: null }, {
    needs: 'runs as the systemd unit {resource}.service, which you create',
  }),
};

/** The agent string split: `ocf:heartbeat:IPaddr2` → class ocf, provider heartbeat, type IPaddr2. */
export function parseAgent(agent: string): { class: string; provider?: string; type: string } | undefined {
  const parts = agent.split(':');
  if (parts.length === 3 && parts[0] === 'ocf' && parts[1] && parts[2]) return { class: 'ocf', provider: parts[1], type: parts[2] };
  if (parts.length === 2 && parts[0] && parts[1] && parts[0] !== 'ocf') return { class: parts[0], type: parts[1] };
  return undefined;
}
