/**
 * Generates a large, valid main.cf for benchmarks: a types section, a cluster,
 * systems with PhysicalServer, and `groups` service groups of
 * `resourcesPerGroup` resources each, with per-system values, resource
 * dependencies (a tree per group) and group dependencies. Deterministic, so
 * runs compare. Shared by the parse and verify benchmarks.
 */

export interface GenOptions {
  groups?: number;
  resourcesPerGroup?: number;
  systems?: number;
}

const GENERATED_TYPES = `type LPAR (
	static int OpenTimeout = 180
	static int IMF{} = { Mode = 0, MonitorFreq = 1, RegisterRetryLimit = 3 }
	static keylist SupportedActions = { "lpar.vfd", migrate }
	static str ArgList[] = { LPARName, MCUser, MCName, VIOSName, ProfileFile, RemoveProfileOnOffline, DROpts }
	str LPARName
	str MCUser[]
	str MCName[]
	str VIOSName[]
	str ProfileFile
	boolean RemoveProfileOnOffline = 0
	str DROpts{}
)

type Application (
	static str ArgList[] = { User, StartProgram, StopProgram, MonitorProcesses, PidFiles }
	static int IMF{} = { Mode = 3, MonitorFreq = 1, RegisterRetryLimit = 3 }
	str User = root
	str StartProgram
	str StopProgram
	str MonitorProcesses[]
	str PidFiles[]
)

type Mount (
	static str ArgList[] = { MountPoint, BlockDevice, FSType, MountOpt, FsckOpt }
	str MountPoint
	str BlockDevice
	str FSType
	str MountOpt
	str FsckOpt
)

type IP (
	static str ArgList[] = { Device, Address, NetMask, Options }
	str Device
	str Address
	str NetMask
	str Options
)

type NIC (
	static str ArgList[] = { Device, NetworkHosts }
	str Device
	str NetworkHosts[]
)
`;

/** The text of the configuration. About 190 bytes per resource. */
export function generateConfig(opts: GenOptions = {}): string {
  const groups = opts.groups ?? 200;
  const perGroup = opts.resourcesPerGroup ?? 50;
  const systems = opts.systems ?? 4;
  const sys = Array.from({ length: systems }, (_, i) => `aixmp${i + 1}`);
  const out: string[] = [GENERATED_TYPES, ''];
  out.push('cluster benchclus (', '\tUserNames = { admin = hOpOjOkOhOpOjOkO }', '\tAdministrators = { admin }', '\tClusterAddress = "10.0.0.10"', '\t)', '');
  for (let i = 0; i < systems; i++) out.push(`system ${sys[i]} (`, `\tPhysicalServer = "Server-9009-42A-SN${1000 + i}"`, '\t)', '');
  const kinds = ['LPAR', 'Application', 'Mount', 'IP', 'NIC'] as const;
  for (let g = 0; g < groups; g++) {
    const gname = `grp${g}`;
    out.push(`group ${gname} (`);
    out.push(`\tSystemList = { ${sys.map((s, i) => `${s} = ${i}`).join(', ')} }`);
    out.push(`\tAutoStartList = { ${sys[g % systems]} }`);
    out.push('\tSysDownPolicy = { AutoDisableNoOffline }');
    out.push(`\tOnlineRetryLimit = ${g % 3}`);
    out.push('\t)', '');
    const names: string[] = [];
    for (let r = 0; r < perGroup; r++) {
      const kind = kinds[r % kinds.length]!;
      const name = `${gname}_${kind.toLowerCase()}${r}`;
      names.push(name);
      out.push(`\t${kind} ${name} (`);
      switch (kind) {
        case 'LPAR':
          out.push(`\t\tLPARName = lpar${g}x${r}`, '\t\tMCUser = { hscroot, hscroot }', '\t\tMCName = { hmc1, hmc2 }');
          for (let s = 0; s < systems; s++) out.push(`\t\tVIOSName @${sys[s]} = { vios${s}a, vios${s}b }`);
          out.push('\t\tRestartLimit = 1');
          break;
        case 'Application':
          out.push(`\t\tStartProgram = "/opt/app${r}/bin/start"`, `\t\tStopProgram = "/opt/app${r}/bin/stop"`, `\t\tMonitorProcesses = { "/opt/app${r}/bin/appd -f" }`);
          break;
        case 'Mount':
          out.push(`\t\tMountPoint = "/data/${gname}/m${r}"`, `\t\tBlockDevice = "/dev/lv${g}_${r}"`, '\t\tFSType = jfs2', '\t\tFsckOpt = "-y"');
          break;
        case 'IP':
          for (let s = 0; s < systems; s++) out.push(`\t\tDevice @${sys[s]} = en${s}`);
          out.push(`\t\tAddress = "10.${g % 250}.${r}.1"`, '\t\tNetMask = "255.255.255.0"');
          break;
        case 'NIC':
          for (let s = 0; s < systems; s++) out.push(`\t\tDevice @${sys[s]} = en${s}`);
          out.push('\t\tNetworkHosts = { "10.0.0.1", "10.0.0.2" }');
          break;
      }
      out.push('\t\t)', '');
    }
    if (g > 0) out.push(`\trequires group grp${g - 1} online local firm`);
    // A tree: resource i requires resources 2i+1 and 2i+2.
    for (let r = 0; 2 * r + 1 < perGroup; r++) {
      out.push(`\t${names[r]} requires ${names[2 * r + 1]}`);
      if (2 * r + 2 < perGroup) out.push(`\t${names[r]} requires ${names[2 * r + 2]}`);
    }
    out.push('', '');
  }
  return out.join('\n') + '\n';
}
