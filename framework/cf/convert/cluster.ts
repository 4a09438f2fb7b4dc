/**
 * The cluster-level parts of a conversion: systems as nodes, the cluster's
 * attributes (fencing, users, ...), the named blocks (remotecluster,
 * heartbeat, site), and the attribute helpers the group conversion shares.
 * docs/convert.md, "What the result looks like" and "Cluster-wide".
 */
import { builtinAttribute } from '../builtins.js';
import type { AttributeAssignment, Config, Value } from '../model.js';
import { assocOf, attributeValue, listOf, scalarOf } from '../values.js';
import type { Findings } from './findings.js';
import type { Node, NvPair } from './pacemaker.js';

/** Cluster and system attributes of VCS's own bookkeeping or runtime state: nothing to convert. */
const CLUSTER_BOOKKEEPING = new Set([
  'SourceFile', 'CID', 'ClusState', 'ClusterName', 'ClusterTime', 'ClusterUUID', 'ClusterLocation', 'ClusterOwner', 'ClusterRecipients',
  'ConnectorState', 'EngineVersion', 'GlobalCounter', 'CounterInterval', 'CounterMissAction', 'CounterMissTolerance', 'LogSize', 'PrintMsg',
  'ReadOnly', 'Statistics', 'TypeLimit', 'GroupLimit', 'ResourceLimit', 'DumpingMembership', 'VCSi3Info', 'EnableFFDC', 'LogClusterUUID',
  'HostMonLogLvl', 'DeleteOnlineResource', 'AutoAddSystemToCSG', 'AutoAddSystemtoCSG', 'BackupInterval',
]);
const SYSTEM_BOOKKEEPING = new Set([
  'SourceFile', 'SystemLocation', 'SystemOwner', 'SystemRecipients', 'UserInt', 'UserStr', 'AgentsStopped', 'AvailableCapacity', 'CPUUsage',
  'CPUUsageMonitoring', 'CurrentLimits', 'DiskHbStatus', 'DynamicLoad', 'EngineRestarted', 'EngineVersion', 'GUIIPAddr', 'HostAvailableForecast',
  'HostMonitor', 'HostUtilization', 'LicenseType', 'LinkHbStatus', 'LLTNodeId', 'LoadTimeCounter', 'NodeId', 'OnGrpCnt', 'SysInfo', 'SysName',
  'SysState', 'TFrozen', 'TRSE', 'UpDownState', 'VCSFeatures', 'VCSMode', 'CPUThresholdLevel', 'MemThresholdLevel', 'SwapThresholdLevel',
  'LoadTimeThreshold', 'LoadWarningLevel', 'ShutdownTimeout', 'NoAutoDisable', 'CPUBinding',
]);
/** VCS users and privileges (cluster and group attributes): Pacemaker ACLs are the nearest. */
export const ACCESS = new Set(['UserNames', 'Administrators', 'AdministratorGroups', 'Operators', 'OperatorGroups', 'Guests', 'GuestGroups']);

/** A scalar as a number, or `fallback`. */
export function num(v: Value | undefined, fallback: number): number {
  const s = scalarOf(v);
  const n = typeof s === 'number' ? s : Number(s);
  return s !== undefined && Number.isFinite(n) ? n : fallback;
}

/** True when an assignment sets something other than the engine's default. */
export function differsFromDefault(scope: 'cluster' | 'system' | 'group', a: AttributeAssignment): boolean {
  const d = builtinAttribute(scope, a.name)?.default;
  if (!d) return true;
  return JSON.stringify(normal(d)) !== JSON.stringify(normal(a.value));
}

function normal(v: Value): unknown {
  if (v.kind === 'scalar') return String(v.value);
  if (v.kind === 'association') return v.entries.map((e) => [e.key, String(e.value ?? '')]);
  return v.items.map(String);
}

/** Systems in declaration order, then systems only named in a SystemList or a site. */
export function convertNodes(config: Config, findings: Findings): Node[] {
  const order: string[] = [];
  const add = (s: string) => {
    if (!order.includes(s)) order.push(s);
  };
  for (const s of config.systems) add(s.name);
  for (const g of config.groups) for (const s of Object.keys(assocOf(attributeValue(g, 'SystemList')) ?? {})) add(s);
  const sites = new Map<string, string>();
  for (const b of config.blocks) {
    if (b.keyword !== 'site') continue;
    for (const s of listOf(attributeValue(b, 'SystemList')) ?? []) {
      sites.set(String(s), b.name);
      add(String(s));
    }
  }
  return order.map((name, i) => {
    const def = config.systems.find((s) => s.name === name);
    const attributes: NvPair[] = [];
    const physical = scalarOf(attributeValue(def ?? { attributes: [] }, 'PhysicalServer'));
    if (physical !== undefined) attributes.push({ name: 'PhysicalServer', value: String(physical) });
    const site = scalarOf(attributeValue(def ?? { attributes: [] }, 'Site')) ?? sites.get(name);
    if (site !== undefined) attributes.push({ name: 'Site', value: String(site) });
    if (def && num(attributeValue(def, 'Frozen'), 0) === 1) attributes.push({ name: 'standby', value: 'on' });
    for (const a of def?.attributes ?? []) {
      if (['PhysicalServer', 'Site', 'Frozen'].includes(a.name) || SYSTEM_BOOKKEEPING.has(a.name) || !differsFromDefault('system', a)) continue;
      const hint = a.name === 'Capacity' || a.name === 'Limits' || a.name === 'ReservedCapacity' ? ' (Pacemaker utilization attributes and placement-strategy are the nearest feature)' : '';
      findings.add('clusterAttribute', a.pos, `system ${name}: ${a.name} is not converted${hint}`);
    }
    return { id: String(i + 1), uname: name, attributes };
  });
}

/** Cluster attributes: the name, fencing, and what has no place in a CIB. */
export function convertCluster(config: Config, findings: Findings, properties: NvPair[]): string | undefined {
  const c = config.clusters[0];
  if (!c) {
    properties.push({ name: 'stonith-enabled', value: 'false' });
    return undefined;
  }
  const fence = String(scalarOf(attributeValue(c, 'UseFence')) ?? 'NONE').toUpperCase();
  if (fence === 'SCSI3') {
    const pos = c.attributes.find((a) => a.name === 'UseFence')?.pos ?? c.pos;
    findings.add(
      'fencing',
      pos,
      'UseFence = SCSI3: STONITH stays enabled and Pacemaker starts nothing until a fence device is configured (fence_scsi on the coordinator disks, or fence_lpar through the HMC); crm_verify reports the missing device',
    );
  } else {
    properties.push({ name: 'stonith-enabled', value: 'false' });
  }
  const gco = config.blocks.some((b) => b.keyword === 'remotecluster');
  for (const a of c.attributes) {
    if (a.name === 'UseFence' || CLUSTER_BOOKKEEPING.has(a.name) || !differsFromDefault('cluster', a)) continue;
    if (a.name === 'ClusterAddress') {
      if (gco) findings.add('globalCluster', a.pos, `cluster ${c.name}: ClusterAddress serves the global cluster (wac); booth's site address is the nearest Pacemaker setting`);
      continue;
    }
    if (ACCESS.has(a.name)) {
      findings.add('clusterAttribute', a.pos, `cluster ${c.name}: ${a.name}: VCS users and privileges do not convert; Pacemaker uses the haclient group and ACLs (pcs acl)`);
      continue;
    }
    findings.add('clusterAttribute', a.pos, `cluster ${c.name}: ${a.name} is not converted (no CIB equivalent)`);
  }
  for (const extra of config.clusters.slice(1)) findings.add('clusterAttribute', extra.pos, `cluster ${extra.name}: a second cluster definition is ignored`);
  return c.name;
}

export function convertBlocks(config: Config, findings: Findings): void {
  for (const b of config.blocks) {
    if (b.keyword === 'remotecluster') {
      findings.add('globalCluster', b.pos, `remotecluster ${b.name}: global clusters do not convert; Pacemaker multi-site clusters use booth and tickets (rsc_ticket)`);
    } else if (b.keyword === 'heartbeat') {
      findings.add('heartbeat', b.pos, `heartbeat ${b.name}: wide-area heartbeats do not convert; booth's arbitrator and ticket renewal play that part`);
    } else if (b.keyword !== 'site') {
      findings.add('clusterAttribute', b.pos, `${b.keyword} ${b.name} is not converted`);
    }
  }
}
