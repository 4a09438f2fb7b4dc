/**
 * The safety table (agents/lpar/safety.ts), row by row, as docs/lpar.md
 * documents it; the rule racing onlines follow (activation.ts); cluster
 * membership as VCS reports it; the boot stall bound.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { raceMove } from '../../../agents/lpar/activation.js';
import { bootStallMs, DEFAULT_BOOT_STALL_S, observeBoot } from '../../../agents/lpar/boot.js';
import { parseHasysState, vcsNodeState } from '../../../agents/lpar/membership.js';
import { judge, SAFETY_TABLE, type OtherSystem } from '../../../agents/lpar/safety.js';
import type { BaseContext } from '../../../framework/agent/define.js';
import { ROOT } from './helpers/harness.js';

const other = (o: Partial<OtherSystem>): OtherSystem => ({ system: 'sys1', state: 'Operating', seen: [], lpar: 'absent', nodes: [], clusterServer: true, confirmedDown: false, ...o });
const row = (o: Partial<OtherSystem>) => {
  const v = judge(other(o), 'lpar05');
  return `${v.row} ${v.kind}`;
};

describe('safety table: may online start the partition here, given another managed system', () => {
  const listing = ['Operating', 'Standby', 'Initializing', 'Power Off In Progress'];

  it('S1: a system that lists its partitions, the partition absent or not powered there → start', () => {
    for (const state of listing) {
      for (const lpar of ['absent', 'Not Activated', 'Hardware Discovery', 'Migrating - Not Activated']) expect(row({ state, lpar })).toBe('S1 clear');
    }
  });

  it('S2: powered on there (running, booting, stopping, crashed, in firmware, migrating, suspended) → refuse', () => {
    for (const state of listing) {
      for (const lpar of ['Running', 'Starting', 'Shutting Down', 'Open Firmware', 'Error', 'Migrating - Running', 'Suspended', 'Suspending', 'Resuming']) expect(row({ state, lpar })).toBe('S2 powered');
    }
    expect(judge(other({ lpar: 'Running' }), 'lpar05').why).toBe('it is Running on managed system sys1');
  });

  it('S3: Not Available, an undocumented state, or no HMC could list it → refuse', () => {
    expect(row({ lpar: 'Not Available' })).toBe('S3 cannot-tell');
    expect(row({ lpar: 'Frobnicating' })).toBe('S3 cannot-tell');
    expect(row({ lpar: undefined })).toBe('S3 cannot-tell');
  });

  it('S4: the server is powered off → start, whatever the partition was', () => {
    expect(row({ state: 'Power Off', lpar: undefined })).toBe('S4 clear');
  });

  it('S5: No Connection or Error, and every cluster node on that server FAULTED → the server is down: start', () => {
    for (const state of ['No Connection', 'Error', 'Error - Terminated', 'Error - Dump In Progress']) {
      expect(row({ state, lpar: undefined, nodes: [{ node: 'n1', state: 'down', detail: 'FAULTED' }] })).toBe('S5 clear');
    }
    const v = judge(other({ state: 'No Connection', lpar: undefined, nodes: [{ node: 'n1', state: 'down', detail: 'FAULTED' }] }), 'lpar05');
    expect(v.why).toMatch(/sys1 is No Connection and its cluster node n1 \(FAULTED\) left the cluster: the server is down, lpar05 with it/);
  });

  it('S6: No Connection or Error with a node still a member, membership unknown, or no node there → refuse', () => {
    for (const state of ['No Connection', 'Error']) {
      expect(row({ state, lpar: undefined, nodes: [{ node: 'n1', state: 'up', detail: 'RUNNING' }] })).toBe('S6 cannot-tell');
      expect(row({ state, lpar: undefined, nodes: [{ node: 'n1', state: 'unknown', detail: '' }] })).toBe('S6 cannot-tell');
      expect(row({ state, lpar: undefined, nodes: [] })).toBe('S6 cannot-tell');
      // One of two nodes there still up: not down.
      expect(row({ state, lpar: undefined, nodes: [{ node: 'n1', state: 'down', detail: 'FAULTED' }, { node: 'n2', state: 'up', detail: 'RUNNING' }] })).toBe('S6 cannot-tell');
    }
    expect(judge(other({ state: 'No Connection', lpar: undefined, nodes: [{ node: 'n1', state: 'up', detail: 'RUNNING' }] }), 'lpar05').why).toMatch(/still a member: the server is probably up, so lpar05 may run there/);
  });

  it('S7: states in which the HMC cannot vouch for the partitions, membership or not → refuse', () => {
    for (const state of ['Incomplete', 'Recovery', 'Pending Authentication - Password Updates Required', 'Failed Authentication', 'Version Mismatch', 'Service Processor Failover', 'Something New']) {
      expect(row({ state, lpar: undefined, nodes: [{ node: 'n1', state: 'down', detail: 'FAULTED' }] })).toBe('S7 cannot-tell');
    }
  });

  it('S8: a cluster server no HMC lists → refuse', () => {
    expect(row({ state: undefined, lpar: undefined })).toBe('S8 cannot-tell');
  });

  it("S9: the administrator's confirmation settles a case the HMCs cannot, never one they can", () => {
    for (const o of [{ lpar: undefined }, { state: 'No Connection', lpar: undefined }, { state: 'Incomplete', lpar: undefined }, { state: undefined, lpar: undefined }]) {
      expect(row({ ...o, confirmedDown: true })).toBe('S9 clear');
    }
    expect(row({ lpar: 'Running', confirmedDown: true })).toBe('S2 powered');
  });

  it('S10: a managed system that is no cluster server and cannot be seen → start, with a warning', () => {
    const v = judge(other({ state: 'No Connection', lpar: undefined, clusterServer: false }), 'lpar05');
    expect(`${v.row} ${v.kind}`).toBe('S10 clear');
    expect(v.warning).toMatch(/sys1 is not a server of this cluster/);
    expect(row({ lpar: 'Running', clusterServer: false })).toBe('S2 powered');
  });

  it('docs/lpar.md has the table, row by row, and the README links it', () => {
    const doc = readFileSync(join(ROOT, 'docs/lpar.md'), 'utf8');
    for (const r of SAFETY_TABLE) {
      const line = doc.split('\n').find((l) => l.startsWith(`| ${r.row} |`));
      expect(line, `row ${r.row}`).toBeDefined();
      expect(line).toContain(r.online);
    }
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toMatch(/docs\/lpar\.md#safety-table/);
  });
});

describe('racing onlines: who backs off (activation.ts)', () => {
  it('another partition Running (or any powered state but Starting and Shutting Down): I back off, whatever mine is', () => {
    for (const mine of ['Starting', 'Running']) {
      for (const theirs of ['Running', 'Open Firmware', 'Error', 'Migrating - Running']) expect(raceMove(mine, 'sys1', theirs, 'sys2')).toBe('back-off');
    }
  });

  it('both Starting: the managed system that sorts later backs off, the same answer on both sides', () => {
    expect(raceMove('Starting', 'sys1', 'Starting', 'sys2')).toBe('keep');
    expect(raceMove('Starting', 'sys2', 'Starting', 'sys1')).toBe('back-off');
  });

  it('mine Running, theirs Starting or Shutting Down: I wait for theirs to go', () => {
    expect(raceMove('Running', 'sys2', 'Starting', 'sys1')).toBe('wait');
    expect(raceMove('Starting', 'sys1', 'Shutting Down', 'sys2')).toBe('wait');
  });
});

describe('cluster membership as VCS reports it', () => {
  it('reads hasys -state and takes only FAULTED for gone', () => {
    const m = parseHasysState('#System    Attribute          Value\nn1  SysState  RUNNING\nn2  SysState  FAULTED\nn3  SysState  EXITED\n');
    expect([...m]).toEqual([['n1', 'RUNNING'], ['n2', 'FAULTED'], ['n3', 'EXITED']]);
    expect(vcsNodeState('RUNNING')).toBe('up');
    expect(vcsNodeState('FAULTED')).toBe('down');
    // hastop -local -force leaves its resources running: EXITED is no proof the server is down.
    expect(vcsNodeState('EXITED')).toBe('up');
    expect(vcsNodeState('UNKNOWN')).toBe('unknown');
  });
});

describe('hung boots: the stall bound', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lpar-boot-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const ctx = { vcs: { home: dir, conf: dir, log: dir }, system: 'n1', log: { debug: () => undefined } } as unknown as BaseContext;

  it('is VCSPVM_LPAR_BOOT_STALL seconds, default 600', () => {
    expect(bootStallMs({})).toBe(DEFAULT_BOOT_STALL_S * 1000);
    expect(bootStallMs({ VCSPVM_LPAR_BOOT_STALL: '45' })).toBe(45_000);
    expect(bootStallMs({ VCSPVM_LPAR_BOOT_STALL: 'soon' })).toBe(600_000);
  });

  it('a code that changes is progress, however long the boot; the same code past the bound is a hung boot', () => {
    const t0 = 1_000_000;
    expect(observeBoot(ctx, 'r', 'sys1', 'CA000000', 10_000, t0).hung).toBe(false);
    expect(observeBoot(ctx, 'r', 'sys1', 'CA000040', 10_000, t0 + 9_000).hung).toBe(false);
    expect(observeBoot(ctx, 'r', 'sys1', 'CA000060', 10_000, t0 + 18_000).hung).toBe(false);
    expect(observeBoot(ctx, 'r', 'sys1', 'CA000060', 10_000, t0 + 27_000)).toEqual({ code: 'CA000060', stalledMs: 9_000, hung: false });
    expect(observeBoot(ctx, 'r', 'sys1', 'CA000060', 10_000, t0 + 29_000)).toEqual({ code: 'CA000060', stalledMs: 11_000, hung: true });
    // Another managed system is another boot.
    expect(observeBoot(ctx, 'r', 'sys2', 'CA000060', 10_000, t0 + 30_000).hung).toBe(false);
  });
});
