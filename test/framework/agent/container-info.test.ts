/**
 * ContainerInfo as VCS passes it: appended after the ArgList when the
 * type's ContainerOpts has PassCInfo = 1 and the group sets ContainerInfo,
 * its per-system value chosen — in the runner's ArgList and in `vcsagent
 * --config` — and decoded into ctx.containerInfo.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { passedContainerInfo } from '../../../framework/agent/arglist.js';
import { loadConfig } from '../../../framework/cf/load.js';
import { buildPlan } from '../../../framework/runner/plan.js';

/** The directories this test made (a test may load several configurations). */
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function plan(text: string, system: string) {
  const dir = mkdtempSync(join(tmpdir(), 'cinfo-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'main.cf'), text);
  const { config, errors } = loadConfig(join(dir, 'main.cf'));
  expect(errors.map((e) => e.message)).toEqual([]);
  return buildPlan(config, system);
}

const CF = `
type Box (
    static int ContainerOpts{} = { RunInContainer = 0, PassCInfo = 1 }
    static str ArgList[] = { Size }
    int Size
)
type Plain (
    static str ArgList[] = { Size }
    int Size
)
cluster c (
)
system sysA (
)
system sysB (
)
group G (
    SystemList = { sysA = 0, sysB = 1 }
    ContainerInfo @sysA = { Name = W1, Type = WPAR, Enabled = 2 }
    ContainerInfo @sysB = { Name = W1, Type = WPAR, Enabled = 1 }
)
Box b (
    Size = 3
)
Plain p (
    Size = 4
)
Box over (
    ContainerOpts = { RunInContainer = 0, PassCInfo = 0 }
    Size = 5
)
`;

describe('ContainerInfo in the ArgList', () => {
  it('is appended for a PassCInfo type, with the value for the system; not for other types or a PassCInfo 0 override', () => {
    const on = (sys: string, res: string) => plan(CF, sys).groups[0]!.resources.find((r) => r.name === res)!.argList({});
    expect(on('sysA', 'b')).toEqual(['Size', '1', '3', 'ContainerInfo', '6', 'Name', 'W1', 'Type', 'WPAR', 'Enabled', '2']);
    expect(on('sysB', 'b')).toEqual(['Size', '1', '3', 'ContainerInfo', '6', 'Name', 'W1', 'Type', 'WPAR', 'Enabled', '1']);
    expect(on('sysB', 'p')).toEqual(['Size', '1', '4']);
    expect(on('sysB', 'over')).toEqual(['Size', '1', '5']);
  });

  it('comes after AEPTimeout; nothing when the group sets no ContainerInfo', () => {
    const noInfo = CF.replace(/ {4}ContainerInfo.*\n/g, '');
    expect(plan(noInfo, 'sysA').groups[0]!.resources[0]!.argList({ aepTimeout: 30 })).toEqual(['Size', '1', '3', 'AEPTimeout', '1', '30']);
    expect(plan(CF, 'sysA').groups[0]!.resources[0]!.argList({ aepTimeout: 30 }).slice(3, 7)).toEqual(['AEPTimeout', '1', '30', 'ContainerInfo']);
  });

  it('passedContainerInfo reads PassCInfo and the association', () => {
    const assoc = (o: Record<string, string | number>) => ({ kind: 'association' as const, entries: Object.entries(o).map(([key, value]) => ({ key, value })) });
    expect(passedContainerInfo(assoc({ PassCInfo: 1 }), assoc({ Name: 'w', Enabled: 1 }))).toEqual({ Name: 'w', Enabled: '1' });
    expect(passedContainerInfo(assoc({ PassCInfo: 0 }), assoc({ Name: 'w' }))).toBeUndefined();
    expect(passedContainerInfo(undefined, assoc({ Name: 'w' }))).toBeUndefined();
    expect(passedContainerInfo(assoc({ PassCInfo: 1 }), undefined)).toBeUndefined();
  });
});
