/**
 * What `vcscf convert` reports about the constructs it could not convert, or
 * converted only in part: one code per kind of construct, each documented in
 * docs/convert.md (a test keeps the two in step). Printed as the verifier
 * prints its findings: `FILE:LINE:COL: warning|error CODE message`.
 *
 * error: something was left out of the Pacemaker configuration, or the
 * result would not run as the VCS configuration did without more work.
 * warning: converted to the nearest Pacemaker feature, with a difference the
 * administrator should know, or a VCS feature with no place in a CIB.
 */
import type { SourcePos } from '../model.js';
import type { Finding, Severity } from '../verify/finding.js';

export interface ConvertCode {
  readonly code: string;
  readonly name: string;
  readonly severity: Severity;
  readonly description: string;
}

function c(code: string, name: string, severity: Severity, description: string): ConvertCode {
  return { code, name, severity, description };
}

export const CONVERT_CODES = {
  noMapping: c('CVT101', 'no-type-mapping', 'error', 'a resource type has no Pacemaker agent (give one with --map); its resources are left out'),
  needsSetup: c('CVT102', 'agent-needs-setup', 'warning', 'the Pacemaker agent needs something main.cf does not say (a systemd unit, an export client list)'),
  inContainer: c('CVT103', 'runs-in-container', 'warning', 'the resource runs inside a WPAR under VCS (RunInContainer); Pacemaker runs agents on the node'),
  duplicate: c('CVT104', 'duplicate-name', 'error', 'a group or resource name is defined twice (hacf rejects this); the second definition is left out'),
  attributeDropped: c('CVT201', 'attribute-not-converted', 'warning', 'a resource attribute set in main.cf has no parameter in the Pacemaker agent'),
  attributeValue: c('CVT202', 'attribute-value', 'warning', 'a value could not be converted to the form the Pacemaker agent wants'),
  faultHandling: c('CVT203', 'fault-handling', 'warning', 'a fault-handling attribute (ToleranceLimit, per-system limits, AutoFailOver = 0) has only a partial equivalent'),
  groupAttribute: c('CVT301', 'group-attribute-not-converted', 'warning', 'a service group attribute has no Pacemaker equivalent (SysDownPolicy, Load, PreOnline, ...)'),
  emptyGroup: c('CVT302', 'empty-group', 'error', 'a service group has no resource that converts; it is left out with the dependencies on it'),
  resourceDependency: c('CVT303', 'resource-dependency', 'warning', 'a resource dependency could not be kept (a cycle, or a resource of another group)'),
  groupDependency: c('CVT401', 'group-dependency', 'warning', 'a service group dependency has no exact Pacemaker equivalent; the nearest constraints are used'),
  groupDependencyDropped: c('CVT402', 'group-dependency-dropped', 'error', 'a service group dependency names a group that is not in the Pacemaker configuration'),
  globalCluster: c('CVT501', 'global-cluster', 'warning', 'global cluster option (ClusterList, remotecluster, Authority): Pacemaker uses booth tickets for sites'),
  heartbeat: c('CVT502', 'heartbeat', 'warning', 'wide-area heartbeats between clusters: booth arbitrators and tickets in Pacemaker, outside the CIB'),
  trigger: c('CVT503', 'trigger', 'warning', 'VCS triggers (event scripts): Pacemaker alerts run an agent on cluster events'),
  fencing: c('CVT504', 'fencing', 'error', 'VCS I/O fencing (UseFence = SCSI3): the CIB keeps STONITH on and needs a fence device before it starts anything'),
  clusterAttribute: c('CVT505', 'cluster-attribute-not-converted', 'warning', 'a cluster or system attribute has no place in the CIB (users, security, load)'),
} as const satisfies Record<string, ConvertCode>;

export type ConvertCodeKey = keyof typeof CONVERT_CODES;

/** Collects findings; reports without a position point at the root file's start. */
export class Findings {
  readonly list: Finding[] = [];

  constructor(private readonly rootFile: string) {}

  add(key: ConvertCodeKey, pos: SourcePos | undefined, message: string): void {
    const meta = CONVERT_CODES[key];
    const p = pos ?? { file: this.rootFile, line: 1, column: 1 };
    this.list.push({ file: p.file, line: p.line, column: p.column, severity: meta.severity, code: meta.code, name: meta.name, message });
  }
}
