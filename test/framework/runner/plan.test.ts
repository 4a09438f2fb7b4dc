/**
 * From main.cf to the runner's plan: which groups run on a system, the
 * static attributes in force (resource override over type default over
 * engine default, per-system values), the flattened ArgList, hares -modify.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../framework/cf/load.js';
import { buildPlan, systemListOf } from '../../../framework/runner/plan.js';
import { settingsFrom } from '../../../framework/runner/settings.js';

/** The directories this test made (a test may load several configurations). */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function configOf(text: string) {
  const dir = mkdtempSync(join(tmpdir(), 'plan-'));
  dirs.push(dir);
  const path = join(dir, 'main.cf');
  writeFileSync(path, text);
  const r = loadConfig(path);
  expect(r.errors.map((e) => e.message)).toEqual([]);
  return r.config;
}

const TYPES = `
type Disk (
    static int MonitorInterval = 30
    static int OnlineWaitLimit = 5
    static int IMF{} = { Mode = 3, MonitorFreq = 5, RegisterRetryLimit = 3 }
    static str IMFRegList[] = { Device }
    static str ArgList[] = { Device, Opts, Map }
    str Device
    str Opts[]
    int Map{}
)
`;

const CF = `${TYPES}
cluster c (
)

system a (
)

system b (
)

group G (
    SystemList = { b = 1, a = 0 }
    AutoStartList = { a }
)

Disk d1 (
    Device = "/dev/one"
    Device@b = "/dev/bee"
    Opts = { x, "y z" }
    Map = { k1 = 1, k2 = 2 }
    RestartLimit = 2
    MonitorInterval@b = 7
)

Disk d2 (
    Device = "/dev/two"
    Critical = 0
)

d1 requires d2

group H (
    SystemList = { b = 0 }
    ManageFaults = NONE
)

Disk h1 (
    Device = "/dev/h"
)
`;

describe('buildPlan', () => {
  it('takes the groups whose SystemList holds the system, in priority order', () => {
    const config = configOf(CF);
    expect(systemListOf(config.groups[0]!)).toEqual(['a', 'b']);
    expect(buildPlan(config, 'a').groups.map((g) => g.name)).toEqual(['G']);
    expect(buildPlan(config, 'b').groups.map((g) => g.name)).toEqual(['G', 'H']);
  });

  it('auto-starts a group only on the systems of its AutoStartList', () => {
    const config = configOf(CF);
    expect(buildPlan(config, 'a').groups[0]!.autoStart).toBe(true);
    expect(buildPlan(config, 'b').groups.map((g) => g.autoStart)).toEqual([false, false]);
  });

  it('static attributes: resource override, then type default, then engine default; per-system values', () => {
    const config = configOf(CF);
    const onA = buildPlan(config, 'a').groups[0]!.resources;
    const d1 = onA.find((r) => r.name === 'd1')!;
    expect(d1.settings.RestartLimit).toBe(2);
    expect(d1.settings.MonitorInterval).toBe(30);
    expect(d1.settings.OnlineWaitLimit).toBe(5);
    expect(d1.settings.ToleranceLimit).toBe(0);
    expect(d1.settings.OfflineMonitorInterval).toBe(300);
    expect(d1.settings.IMF).toEqual({ Mode: 3, MonitorFreq: 5, RegisterRetryLimit: 3 });
    expect(d1.settings.IMFRegList).toEqual(['Device']);
    const onB = buildPlan(config, 'b').groups[0]!.resources.find((r) => r.name === 'd1')!;
    expect(onB.settings.MonitorInterval).toBe(7);
  });

  it('Critical, ManageFaults and dependencies come through', () => {
    const config = configOf(CF);
    const [g, h] = buildPlan(config, 'b').groups;
    expect(g!.resources.map((r) => [r.name, r.critical])).toEqual([
      ['d1', true],
      ['d2', false],
    ]);
    expect(g!.dependencies).toEqual([{ parent: 'd1', child: 'd2' }]);
    expect(g!.manageFaults).toBe('ALL');
    expect(h!.manageFaults).toBe('NONE');
  });

  it('flattens the ArgList as VCS passes it, with the per-system value for the system', () => {
    const config = configOf(CF);
    const a = buildPlan(config, 'a').groups[0]!.resources.find((r) => r.name === 'd1')!;
    expect(a.argList({})).toEqual(['Device', '1', '/dev/one', 'Opts', '2', 'x', 'y z', 'Map', '4', 'k1', '1', 'k2', '2']);
    const b = buildPlan(config, 'b').groups[0]!.resources.find((r) => r.name === 'd1')!;
    expect(b.argList({ aepTimeout: 60 }).slice(0, 3)).toEqual(['Device', '1', '/dev/bee']);
    expect(b.argList({ aepTimeout: 60 }).slice(-3)).toEqual(['AEPTimeout', '1', '60']);
    const d2 = buildPlan(config, 'a').groups[0]!.resources.find((r) => r.name === 'd2')!;
    expect(d2.argList({})).toEqual(['Device', '1', '/dev/two', 'Opts', '0', 'Map', '0']);
  });

  it('hares -modify: the next ArgList has the new value; IMFRegList decides what unregisters', () => {
    const config = configOf(CF);
    const d1 = buildPlan(config, 'a').groups[0]!.resources.find((r) => r.name === 'd1')!;
    expect(d1.modify!('Device', ['/dev/new'])).toMatchObject({ imfRelevant: true });
    expect(d1.argList({}).slice(0, 3)).toEqual(['Device', '1', '/dev/new']);
    expect(d1.modify!('Opts', ['q'])).toMatchObject({ imfRelevant: false });
    const out = d1.modify!('MonitorInterval', ['11']);
    expect(out.settings.MonitorInterval).toBe(11);
    expect(() => d1.modify!('Map', ['odd'])).toThrow(/key\/value pairs/);
    expect(() => d1.modify!('Nope', ['x'])).toThrow(/no attribute Nope/);
  });

  it('without IMFRegList, an ArgList attribute unregisters', () => {
    const config = configOf(CF.replace('    static str IMFRegList[] = { Device }\n', ''));
    const d1 = buildPlan(config, 'a').groups[0]!.resources.find((r) => r.name === 'd1')!;
    expect(d1.modify!('Opts', ['q']).imfRelevant).toBe(true);
    expect(d1.modify!('RestartLimit', ['1']).imfRelevant).toBe(false);
  });

  it('names what cannot run: an unknown system, a group not on the system, an undefined type', () => {
    const config = configOf(CF);
    expect(() => buildPlan(config, 'zz')).toThrow(/no system zz/);
    expect(() => buildPlan(config, 'a', { group: 'H' })).toThrow(/not configured for a/);
    expect(() => buildPlan(config, 'a', { group: 'Nope' })).toThrow(/no group Nope/);
    const bad = configOf(CF.replace('Disk h1', 'Tape h1'));
    expect(() => buildPlan(bad, 'b')).toThrow(/type Tape is not defined/);
  });
});

describe('settingsFrom', () => {
  it('fills what is not given with the engine defaults', () => {
    const s = settingsFrom({ MonitorInterval: 5 });
    expect(s).toMatchObject({ MonitorInterval: 5, OfflineMonitorInterval: 300, OnlineWaitLimit: 2, FaultOnMonitorTimeouts: 4, NumThreads: 10, IMFRegList: [], RegList: [] });
    expect(s.IMF).toEqual({ Mode: 0, MonitorFreq: 1, RegisterRetryLimit: 3 });
    for (const [k, v] of Object.entries(s)) if (typeof v === 'number') expect(Number.isInteger(v) && v >= 0, k).toBe(true);
  });
});
