/**
 * The attributes VCS itself defines: for the cluster, systems, service groups,
 * every resource, and the static (type-level) attributes every resource type
 * has. They type values that no types.cf defines (`SystemList` is an integer
 * association, `AutoStartList` a keylist, ...) and give the engine defaults
 * that `effectiveStatic` falls back to.
 *
 * Names, kinds and defaults follow the VCS Administrator's and Agent
 * Developer's Guides (attribute appendices); see
 * /work/shared/research/vcs-facts.md §2.1 for the static ones and their
 * sources. Read-only runtime attributes that hacf never writes are included
 * when a configuration may still mention them (a dump of `haconf -dump`).
 */
import type { BaseKind, Dimension, Scalar, TypeAttributeDef, Value } from './model.js';

type Default = Scalar | Scalar[] | Record<string, Scalar> | undefined;

function def(name: string, base: BaseKind, dimension: Dimension, dflt?: Default, isStatic = false): TypeAttributeDef {
  const a: TypeAttributeDef = { name, base, dimension, static: isStatic, temp: false };
  const v = toValue(dimension, dflt);
  if (v) a.default = v;
  return a;
}

function toValue(dimension: Dimension, d: Default): Value | undefined {
  if (d === undefined) return undefined;
  if (dimension === 'scalar') return { kind: 'scalar', value: d as Scalar };
  if (dimension === 'vector') return { kind: 'vector', items: [...(d as Scalar[])] };
  if (dimension === 'keylist') return { kind: 'keylist', items: (d as Scalar[]).map(String) };
  return { kind: 'association', entries: Object.entries(d as Record<string, Scalar>).map(([key, value]) => ({ key, value })) };
}

const str = (n: string, d?: string) => def(n, 'str', 'scalar', d);
const int = (n: string, d?: number) => def(n, 'int', 'scalar', d);
const bool = (n: string, d?: 0 | 1) => def(n, 'boolean', 'scalar', d);
const keylist = (n: string, d?: string[]) => def(n, 'str', 'keylist', d);
const strVec = (n: string, d?: string[]) => def(n, 'str', 'vector', d);
const strAssoc = (n: string, d?: Record<string, string>) => def(n, 'str', 'association', d);
const intAssoc = (n: string, d?: Record<string, number>) => def(n, 'int', 'association', d);
const floatAssoc = (n: string) => def(n, 'float', 'association');

/** Cluster attributes (`cluster NAME ( ... )`). */
export const CLUSTER_ATTRIBUTES: readonly TypeAttributeDef[] = [
  keylist('AdministratorGroups'),
  keylist('Administrators'),
  bool('AllowNativeCliUsers', 0),
  bool('AutoAddSystemToCSG', 1),
  int('AutoStartTimeout', 150),
  int('BackupInterval', 0),
  str('CID'),
  str('ClusState'),
  str('ClusterAddress'),
  str('ClusterLocation'),
  str('ClusterName'),
  str('ClusterOwner'),
  strAssoc('ClusterRecipients'),
  bool('AutoAddSystemtoCSG', 1),
  bool('PanicOnNoArbitrator', 0),
  str('ClusterTime'),
  str('ClusterUUID'),
  int('CompareRSM', 0),
  str('ConnectorState'),
  int('CounterInterval', 5),
  str('CounterMissAction', 'NotifyOnly'),
  int('CounterMissTolerance', 20),
  int('CredRenewFrequency', 0),
  bool('DefaultGuestAccess', 0),
  int('DeleteOnlineResource', 1),
  bool('EnableFFDC', 1),
  bool('EnableVMAutoDiscovery', 0),
  str('EngineClass', 'RT'),
  str('EnginePriority', ''),
  str('EngineShutdown', 'Enable'),
  int('EngineVersion'),
  int('FipsMode', 0),
  int('GlobalCounter'),
  int('GroupLimit', 200),
  keylist('GuestGroups'),
  keylist('Guests'),
  str('HacliUserLevel', 'NONE'),
  str('HostMonLogLvl', 'ALL'),
  str('LockMemory', 'ALL'),
  bool('LogClusterUUID', 0),
  int('LogSize', 33554432),
  strAssoc('Notifier'),
  keylist('OperatorGroups'),
  keylist('Operators'),
  bool('PanicOnNoMem', 0),
  str('PreferredFencingPolicy', 'Disabled'),
  bool('PrintMsg', 0),
  str('ProcessClass', 'TS'),
  str('ProcessPriority', ''),
  int('ReadOnly', 1),
  int('ResourceLimit', 5000),
  str('SecInfo'),
  str('SecInfoLevel'),
  bool('SecureClus', 0),
  bool('SiteAware', 0),
  str('SourceFile', './main.cf'),
  str('Statistics', 'Enabled'),
  keylist('Stewards'),
  str('SystemRebootAction', ''),
  int('TypeLimit', 100),
  str('UseFence', 'NONE'),
  strAssoc('UserNames'),
  str('VCSFeatures'),
  str('VCSMode'),
  int('WACPort', 14155),
  /** The meters (CPU, Mem, Swap) the cluster measures for BiggestAvailable failover (VCS 7.0+). */
  keylist('HostMeters', ['CPU', 'Mem', 'Swap']),
  intAssoc('MeterControl', { MeterInterval: 120, ForecastCycle: 3 }),
  intAssoc('MeterWeight'),
  int('ProtocolNumber'),
  bool('EnablePBF', 0),
  str('DumpingMembership'),
];

/** System attributes (`system NAME ( ... )`). */
export const SYSTEM_ATTRIBUTES: readonly TypeAttributeDef[] = [
  int('AgentsStopped'),
  /** VCS 7.0+: meters to capacity (`{ CPU = 4, Mem = 8192 }`); an int before (releases.ts). */
  floatAssoc('AvailableCapacity'),
  floatAssoc('Capacity'),
  floatAssoc('HostAvailableMeters'),
  strAssoc('MeterRecord'),
  intAssoc('CPUThresholdLevel', { Critical: 90, Warning: 80, Note: 70 }),
  int('CPUUsage'),
  strAssoc('CPUUsageMonitoring'),
  intAssoc('CurrentLimits'),
  strAssoc('DiskHbStatus'),
  int('DynamicLoad'),
  bool('EngineRestarted'),
  int('EngineVersion'),
  int('FencingWeight', 0),
  bool('Frozen', 0),
  str('GUIIPAddr'),
  floatAssoc('HostAvailableForecast'),
  keylist('HostMonitor'),
  intAssoc('HostUtilization'),
  int('LicenseType'),
  intAssoc('Limits'),
  strAssoc('LinkHbStatus'),
  int('LLTNodeId'),
  int('LoadTimeCounter'),
  int('LoadTimeThreshold', 600),
  int('LoadWarningLevel', 80),
  intAssoc('MemThresholdLevel', { Critical: 90, Warning: 80, Note: 70 }),
  bool('NoAutoDisable', 0),
  int('NodeId'),
  int('OnGrpCnt'),
  /** The managed system (physical server) this node runs on; the LPAR agent needs it. */
  str('PhysicalServer'),
  floatAssoc('ReservedCapacity'),
  int('ShutdownTimeout', 600),
  str('Site'),
  str('SourceFile', './main.cf'),
  intAssoc('SwapThresholdLevel', { Critical: 90, Warning: 80, Note: 70 }),
  str('SysInfo'),
  str('SysName'),
  str('SysState'),
  str('SystemLocation'),
  str('SystemOwner'),
  strAssoc('SystemRecipients'),
  bool('TFrozen', 0),
  int('TRSE'),
  str('UpDownState'),
  int('UserInt', 0),
  strAssoc('CPUBinding'),
  str('UserStr'),
  int('VCSFeatures'),
  str('VCSMode'),
];

/** Service group attributes (`group NAME ( ... )`). */
export const GROUP_ATTRIBUTES: readonly TypeAttributeDef[] = [
  int('ActiveCount'),
  keylist('AdministratorGroups'),
  keylist('Administrators'),
  int('Authority', 0),
  bool('AutoDisabled'),
  int('AutoFailOver', 1),
  int('AutoRestart', 1),
  bool('AutoStart', 1),
  bool('AutoStartIfPartial', 1),
  keylist('AutoStartList'),
  str('AutoStartPolicy', 'Order'),
  str('ClusterFailOverPolicy', 'Manual'),
  /** Global groups: cluster name = priority, numbered like SystemList. */
  intAssoc('ClusterList'),
  /** WPAR and other containers: { Name = W1, Type = WPAR, Enabled = 1 }. */
  strAssoc('ContainerInfo'),
  int('CurrentCount'),
  bool('DeferAutoStart'),
  bool('Enabled', 1),
  bool('Evacuate', 1),
  str('Evacuating'),
  str('ExtMonApp'),
  str('ExtMonArgs'),
  str('FailOverPolicy', 'Priority'),
  bool('FaultPropagation', 1),
  bool('Frozen', 0),
  str('GroupOwner'),
  strAssoc('GroupRecipients'),
  keylist('GuestGroups'),
  keylist('Guests'),
  int('IntentOnline'),
  str('LastSuccess'),
  /** VCS 7.0+: meters to load (`{ CPU = 1, Mem = 512 }`); an int before (releases.ts). */
  floatAssoc('Load'),
  intAssoc('MeterWeight'),
  str('ManageFaults', 'ALL'),
  bool('ManualOps', 1),
  int('MemberWeight', 1),
  int('NumRetries'),
  bool('OnlineClearParent', 0),
  int('OnlineRetryInterval', 0),
  int('OnlineRetryLimit', 0),
  keylist('OperatorGroups'),
  keylist('Operators'),
  int('Parallel', 0),
  int('PathCount'),
  bool('PCVAllowOnline'),
  bool('PreOffline', 0),
  bool('PreOnline', 0),
  int('PreOnlineTimeout', 300),
  intAssoc('Prerequisites'),
  bool('PreSwitch', 0),
  int('PreSwitchTimeout', 300),
  int('Priority', 0),
  bool('PrintTree', 1),
  bool('ProPCV', 0),
  str('SourceFile', './main.cf'),
  /** e.g. { AutoDisableNoOffline }, which the seed requires for LPAR groups. */
  keylist('SysDownPolicy'),
  intAssoc('SystemList'),
  intAssoc('SystemZones'),
  bool('TFrozen', 0),
  bool('TriggerEvent', 0),
  str('TriggerPath'),
  bool('TriggerResFault', 1),
  bool('TriggerResRestart', 0),
  bool('TriggerResStateChange', 0),
  keylist('TriggersEnabled'),
  keylist('TypeDependencies'),
  int('UserIntGlobal', 0),
  int('UserIntLocal', 0),
  str('UserStrGlobal'),
  strAssoc('UserAssoc'),
  int('PreOnlining', 0),
  strAssoc('VCSi3Info'),
  int('AutoClearLimit', 0),
  int('AutoClearInterval', 0),
  bool('DisableFaultMessages', 0),
  str('UserStrLocal'),
];

/** Attributes every resource has, whatever its type. */
export const RESOURCE_ATTRIBUTES: readonly TypeAttributeDef[] = [
  strVec('ArgListValues'),
  bool('AutoStart', 1),
  bool('ComputeStats', 0),
  int('ConfidenceLevel'),
  str('ConfidenceMsg'),
  bool('Critical', 1),
  /** Resources defined in main.cf are enabled; `hares -add` ones start disabled. */
  bool('Enabled', 1),
  int('Flags'),
  str('Group'),
  str('IState'),
  str('LastOnline'),
  str('MonitorMethod', 'Traditional'),
  bool('MonitorOnly', 0),
  strAssoc('MonitorTimeStats'),
  str('Name'),
  bool('Path'),
  bool('Probed'),
  strAssoc('ResContainerInfo'),
  strAssoc('ResourceInfo'),
  str('ResourceOwner'),
  strAssoc('ResourceRecipients'),
  int('Signaled'),
  int('Start'),
  str('State'),
  str('TriggerPath'),
  bool('TriggerResRestart', 0),
  bool('TriggerResStateChange', 0),
  keylist('TriggersEnabled'),
  str('Type'),
];

const st = (a: TypeAttributeDef): TypeAttributeDef => ({ ...a, static: true });

/** Static attributes every resource type has, with the engine defaults (vcs-facts.md §2.1). */
export const TYPE_STATIC_ATTRIBUTES: readonly TypeAttributeDef[] = [
  int('ActionTimeout', 30),
  bool('AEPTimeout', 0),
  str('AgentClass', 'TS'),
  str('AgentDirectory'),
  keylist('AgentFailedOn'),
  str('AgentFile'),
  str('AgentPriority', ''),
  int('AgentReplyTimeout', 130),
  int('AgentStartTimeout', 60),
  int('AlertOnMonitorTimeouts', 0),
  strVec('ArgList'),
  int('AttrChangedTimeout', 60),
  int('CleanRetryLimit', 0),
  int('CleanTimeout', 60),
  int('CloseTimeout', 60),
  int('ConfInterval', 600),
  intAssoc('ContainerOpts', { RunInContainer: 0, PassCInfo: 0 }),
  str('EPClass', ''),
  str('EPPriority', ''),
  keylist('ExternalStateChange'),
  int('FaultOnMonitorTimeouts', 4),
  bool('FaultPropagation', 1),
  bool('FireDrill', 0),
  intAssoc('IMF', { Mode: 0, MonitorFreq: 1, RegisterRetryLimit: 3 }),
  strVec('IMFRegList'),
  int('InfoInterval', 0),
  int('InfoTimeout', 30),
  int('IntentionalOffline', 0),
  int('LevelTwoMonitorFreq', 0),
  keylist('LogDbg'),
  keylist('AdvDbg'),
  int('LogViaHalog', 0),
  int('LogFileSize', 33554432),
  int('MigrateTimeout', 600),
  int('MigrateWaitLimit', 2),
  int('MonitorInterval', 60),
  intAssoc('MonitorStatsParam', { Frequency: 0, ExpectedValue: 100, ValueThreshold: 0, AvgThreshold: 40 }),
  int('MonitorTimeout', 60),
  int('NumThreads', 10),
  int('OfflineMonitorInterval', 300),
  int('OfflineTimeout', 300),
  int('OfflineWaitLimit', 0),
  str('OnlineClass', 'RT'),
  str('OnlinePriority', ''),
  int('OnlineRetryLimit', 0),
  int('OnlineTimeout', 300),
  int('OnlineWaitLimit', 2),
  int('OpenTimeout', 60),
  str('Operations', 'OnOff'),
  keylist('RegList'),
  int('RestartLimit', 0),
  str('ScriptClass', 'TS'),
  str('ScriptPriority', '0'),
  str('SourceFile', './types.cf'),
  keylist('SupportedActions'),
  keylist('SupportedOperations'),
  int('ToleranceLimit', 0),
  str('TypeOwner'),
  strAssoc('TypeRecipients'),
  /** VCS 7.0+ metering (Agent Developer's Guide 7.3, "Meters", "AvailableMeters"). */
  keylist('Meters'),
  keylist('AvailableMeters'),
].map(st);

/** `remotecluster NAME ( ... )` in a global cluster configuration. */
export const REMOTECLUSTER_ATTRIBUTES: readonly TypeAttributeDef[] = [
  str('ClusState'),
  str('ClusterAddress'),
  str('ClusterName'),
  str('ClusterUUID'),
  int('ConnectTimeout', 300),
  str('DeclaredState'),
  int('EngineVersion'),
  keylist('Guests'),
  int('SocketTimeout', 180),
  str('SourceFile', './main.cf'),
];

/** `heartbeat Icmp ( ... )`: wide-area heartbeats; `@` values are keyed by cluster. */
export const HEARTBEAT_ATTRIBUTES: readonly TypeAttributeDef[] = [
  strAssoc('AgentState'),
  strVec('Arguments'),
  int('AYAInterval', 60),
  int('AYARetryLimit', 3),
  int('AYATimeout', 30),
  int('CleanTimeOut', 300),
  keylist('ClusterList'),
  int('InitTimeout', 300),
  keylist('LogDbg'),
  strAssoc('State'),
  int('StartTimeout', 300),
  int('StopTimeout', 300),
];

/** `site NAME ( ... )` in a stretch (site-aware) cluster. */
export const SITE_ATTRIBUTES: readonly TypeAttributeDef[] = [int('Preference', 3), str('State'), keylist('SystemList')];

/**
 * Association attributes whose keys may be written without a number: each
 * gets the previous number plus one, the first 0 (`{ A, B = 2, C }` is
 * A = 0, B = 2, C = 3). Group scope.
 */
export const PRIORITY_ASSOCIATIONS: ReadonlySet<string> = new Set(['SystemList', 'ClusterList']);

export type BuiltinScope = 'cluster' | 'system' | 'group' | 'resource' | 'static' | 'remotecluster' | 'heartbeat' | 'site';

const SCOPES: Record<BuiltinScope, readonly TypeAttributeDef[]> = {
  cluster: CLUSTER_ATTRIBUTES,
  system: SYSTEM_ATTRIBUTES,
  group: GROUP_ATTRIBUTES,
  resource: RESOURCE_ATTRIBUTES,
  static: TYPE_STATIC_ATTRIBUTES,
  remotecluster: REMOTECLUSTER_ATTRIBUTES,
  heartbeat: HEARTBEAT_ATTRIBUTES,
  site: SITE_ATTRIBUTES,
};

const INDEX = new Map<BuiltinScope, ReadonlyMap<string, TypeAttributeDef>>();

/** The attributes of one scope by name. */
export function builtinIndex(scope: BuiltinScope): ReadonlyMap<string, TypeAttributeDef> {
  let m = INDEX.get(scope);
  if (!m) {
    m = new Map(SCOPES[scope].map((a) => [a.name, a]));
    INDEX.set(scope, m);
  }
  return m;
}

/** The definition VCS gives `name` in `scope`, if any. */
export function builtinAttribute(scope: BuiltinScope, name: string): TypeAttributeDef | undefined {
  return builtinIndex(scope).get(name);
}
