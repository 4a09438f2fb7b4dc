import { describe, expect, it } from 'vitest';
import {
  builtinAttribute,
  CLUSTER_ATTRIBUTES,
  GROUP_ATTRIBUTES,
  HEARTBEAT_ATTRIBUTES,
  REMOTECLUSTER_ATTRIBUTES,
  RESOURCE_ATTRIBUTES,
  SITE_ATTRIBUTES,
  SYSTEM_ATTRIBUTES,
  TYPE_STATIC_ATTRIBUTES,
} from '../../../framework/cf/builtins.js';
import type { TypeAttributeDef } from '../../../framework/cf/model.js';

const kind = (a: TypeAttributeDef | undefined) => a && `${a.base} ${a.dimension}`;
const dflt = (a: TypeAttributeDef | undefined) => {
  const v = a?.default;
  if (!v) return undefined;
  if (v.kind === 'scalar') return v.value;
  if (v.kind === 'association') return Object.fromEntries(v.entries.map((e) => [e.key, e.value]));
  return v.kind === 'list' || v.kind === 'vector' || v.kind === 'keylist' ? v.items : undefined;
};

describe('builtins', () => {
  it('has no duplicate names in a scope', () => {
    for (const list of [CLUSTER_ATTRIBUTES, SYSTEM_ATTRIBUTES, GROUP_ATTRIBUTES, RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES, REMOTECLUSTER_ATTRIBUTES, HEARTBEAT_ATTRIBUTES, SITE_ATTRIBUTES]) {
      const names = list.map((a) => a.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });

  it('gives group attributes their kinds and defaults', () => {
    expect(kind(builtinAttribute('group', 'SystemList'))).toBe('int association');
    expect(kind(builtinAttribute('group', 'AutoStartList'))).toBe('str keylist');
    expect(kind(builtinAttribute('group', 'SysDownPolicy'))).toBe('str keylist');
    expect(kind(builtinAttribute('group', 'ContainerInfo'))).toBe('str association');
    expect(kind(builtinAttribute('group', 'ClusterList'))).toBe('int association');
    expect(dflt(builtinAttribute('group', 'AutoStart'))).toBe(1);
    expect(dflt(builtinAttribute('group', 'FailOverPolicy'))).toBe('Priority');
    expect(dflt(builtinAttribute('group', 'ManageFaults'))).toBe('ALL');
    expect(dflt(builtinAttribute('group', 'OnlineRetryLimit'))).toBe(0);
    for (const n of ['Parallel', 'AutoFailOver', 'Authority', 'OnlineRetryInterval', 'Priority', 'Frozen', 'TFrozen', 'Enabled', 'UserStrGlobal', 'Administrators', 'Operators']) {
      expect(builtinAttribute('group', n), n).toBeDefined();
    }
  });

  it('gives system and cluster attributes their kinds', () => {
    expect(kind(builtinAttribute('system', 'PhysicalServer'))).toBe('str scalar');
    expect(kind(builtinAttribute('system', 'UserInt'))).toBe('int scalar');
    for (const n of ['Capacity', 'SystemLocation', 'Limits', 'Frozen']) expect(builtinAttribute('system', n), n).toBeDefined();
    expect(kind(builtinAttribute('cluster', 'UserNames'))).toBe('str association');
    expect(kind(builtinAttribute('cluster', 'Administrators'))).toBe('str keylist');
    expect(dflt(builtinAttribute('cluster', 'UseFence'))).toBe('NONE');
    for (const n of ['ClusterAddress', 'SecureClus']) expect(builtinAttribute('cluster', n), n).toBeDefined();
  });

  it('gives every type the documented static attributes and engine defaults', () => {
    const expected: Record<string, unknown> = {
      MonitorInterval: 60,
      OfflineMonitorInterval: 300,
      MonitorTimeout: 60,
      OnlineTimeout: 300,
      OfflineTimeout: 300,
      CleanTimeout: 60,
      OpenTimeout: 60,
      CloseTimeout: 60,
      ActionTimeout: 30,
      InfoTimeout: 30,
      AttrChangedTimeout: 60,
      MigrateTimeout: 600,
      RestartLimit: 0,
      OnlineRetryLimit: 0,
      OnlineWaitLimit: 2,
      OfflineWaitLimit: 0,
      ToleranceLimit: 0,
      ConfInterval: 600,
      FaultOnMonitorTimeouts: 4,
      IntentionalOffline: 0,
      AEPTimeout: 0,
      NumThreads: 10,
      MigrateWaitLimit: 2,
      IMF: { Mode: 0, MonitorFreq: 1, RegisterRetryLimit: 3 },
    };
    for (const [n, v] of Object.entries(expected)) expect(dflt(builtinAttribute('static', n)), n).toEqual(v);
    for (const a of TYPE_STATIC_ATTRIBUTES) expect(a.static, a.name).toBe(true);
    expect(kind(builtinAttribute('static', 'ArgList'))).toBe('str vector');
    expect(kind(builtinAttribute('static', 'SupportedActions'))).toBe('str keylist');
    expect(kind(builtinAttribute('static', 'ContainerOpts'))).toBe('int association');
    for (const n of ['IMFRegList', 'RegList', 'LogDbg', 'LevelTwoMonitorFreq']) expect(builtinAttribute('static', n), n).toBeDefined();
  });

  it('gives every resource Critical and Enabled', () => {
    expect(dflt(builtinAttribute('resource', 'Critical'))).toBe(1);
    expect(kind(builtinAttribute('resource', 'Enabled'))).toBe('boolean scalar');
  });
});
