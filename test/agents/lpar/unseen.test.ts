/**
 * Issue 20, defects 2 and 7, and the safety table's rows that need the
 * cluster (docs/lpar.md, "Safety table"): a managed system the HMCs cannot
 * see is not taken for one where the partition is down, unless its cluster
 * node left the cluster (the whole server went down) or an administrator
 * confirms it; an HMC that cannot see, or refuses, is not the last word
 * while the other HMC can see.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench().start();
});
afterAll(() => bench?.stop());

const stateOn = async (sys: string) => (await bench.states())[sys]![L];
/** The cluster as hasys reports it (the simulated one, from the state file). */
const membership = (sysState: Record<string, string>) => {
  mkdirSync(join(bench.aixRoot, 'var/VRTSvcs'), { recursive: true });
  writeFileSync(join(bench.aixRoot, 'var/VRTSvcs/state.json'), JSON.stringify({ systems: Object.fromEntries(Object.entries(sysState).map(([s, v]) => [s, { SysState: v }])) }));
};

/** Back to both servers Operating, both HMCs seeing both, the partition down everywhere. */
async function reset(): Promise<void> {
  rmSync(join(bench.aixRoot, 'var/VRTSvcs/state.json'), { force: true });
  for (const sys of ['sys1', 'sys2']) {
    await bench.ctl('system-reconnect', sys);
    for (const h of ['hmc6', 'hmc7']) await bench.ctl('hmc-regain-system', h, sys);
    const world = await bench.ctl('dump');
    const s = world.systems.find((x: any) => x.name === sys);
    if (s.state !== 'Operating') {
      await bench.ctl('system-power-on', sys);
      await bench.waitFor(async () => (await bench.ctl('dump')).systems.find((x: any) => x.name === sys).state === 'Operating', 20_000, `${sys} Operating`);
      await bench.waitFor(async () => (await bench.states())[sys]![sys === 'sys1' ? 'aixnode55vio2' : 'aixnode56vio2'] === 'Running', 20_000, 'VIOS up');
    }
  }
  for (const [node, sys] of [[A, 'sys1'], [B, 'sys2']] as const) {
    if ((await stateOn(sys)) !== 'Not Activated') expect((await bench.agent('clean', node, ['0'])).code).toBe(0);
  }
}

describe('a managed system the HMCs cannot see', () => {
  beforeEach(reset);

  it('defect 2: its service processor link lost (No Connection), its cluster node still a member: online elsewhere refuses, and says how to go on', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    await bench.ctl('system-disconnect', 'sys1'); // the partition runs on, unseen
    expect((await bench.agent('online', B)).code).toBe(0); // online's exit is a wait; what matters is what it did
    expect(await stateOn('sys2')).toBe('Not Activated');
    expect(await stateOn('sys1')).toBe('Running');
    expect(bench.log()).toMatch(
      /ERROR .*LPAR:aixnode5556mp2:online:LPAR aixnode5556mp2: not started on sys2: the HMCs cannot see sys1 \(No Connection\) \(hmc6: No Connection; hmc7: No Connection\), its cluster node aixnode55mp1 \(RUNNING\) still a member: the server is probably up, so aixnode5556mp2 may run there \[S6\]; if it is down there, confirm it and online again: hares -action aixnode5556mp2 confirm-down -actionargs sys1 -sys aixnode56mp1$/m,
    );
    expect(bench.log()).not.toMatch(/starting it here as VCS asked/);
    // Monitor: offline on B (it is not there); unknown on A (the HMCs cannot see it), never offline.
    expect((await bench.agent('monitor', B)).code).toBe(100);
    expect((await bench.agent('monitor', A)).code).toBe(99);
  });

  it('S5: a whole server that lost power shows No Connection too; its cluster node FAULTED → the server is down, online elsewhere starts it', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.ctl('system-power-off', 'sys1', '--state', 'No Connection');
    membership({ [A]: 'FAULTED', [B]: 'RUNNING' });
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Running');
  });

  it('S6 then S9: the same with the node still a member is refused, until an administrator confirms it down (once)', async () => {
    await bench.ctl('system-power-off', 'sys1', '--state', 'No Connection');
    membership({ [A]: 'RUNNING', [B]: 'RUNNING' });
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Not Activated');
    const confirm = await bench.agent('action/confirm-down', B, [], { actionArgs: ['sys1'] });
    expect(confirm.code).toBe(0);
    expect(confirm.stdout).toMatch(/^recorded: aixnode5556mp2 is down on sys1 \(the HMCs cannot see sys1 .*\); the next online on aixnode56mp1 within 30 minutes may start it$/m);
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Running');
    expect(bench.log()).toMatch(/starting it on the administrator's confirmation \(confirm-down sys1\) \[S9\]/);
    // Used once: the next online (after an offline) asks again.
    expect((await bench.agent('offline', B)).code).toBe(0);
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Not Activated');
  });

  it('confirm-down never overrides what an HMC sees, nor takes this system', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    const r = await bench.agent('action/confirm-down', B, [], { actionArgs: ['sys1'] });
    expect(r.stdout).toMatch(/it is Running on managed system sys1: not recorded \(power it off there first\)/);
    expect((await bench.agent('action/confirm-down', B, [], { actionArgs: ['sys2'] })).stdout).toMatch(/sys2 is this system's own managed system/);
    expect((await bench.agent('action/confirm-down', B, [], { actionArgs: [] })).stdout).toMatch(/confirm-down needs the managed system/);
  });
});

describe('defect 7: redundant HMCs are two views', () => {
  beforeEach(reset);

  it('the first HMC lost the managed system: monitor asks the second and reports what it sees; clean powers off through it', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.ctl('hmc-lose-system', 'hmc6', 'sys1');
    expect((await bench.agent('monitor', A)).code).toBe(110);
    expect(bench.log()).toMatch(/HMC hmc6 cannot see it for lssyscfg -r lpar -m sys1 .*; asking HMC hmc7/);
    // Online elsewhere sees it running, through hmc7.
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Not Activated');
    expect(bench.log()).toMatch(/it is Running on managed system sys1: not starting a second copy on sys2/);
    // A change hmc6 refuses because it cannot see sys1 is made through hmc7.
    expect((await bench.agent('clean', A, ['4'])).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(bench.log()).toMatch(/HMC hmc6 cannot see managed system sys1 and refused chsysstate .*; HMC hmc7 sees it: asking it/);
  });

  it('the first HMC answers a query with an HMC error: the second is asked before anything is concluded', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.ctl('hmc-lose-system', 'hmc6', 'sys1'); // hmc6 now refuses lsrefcode on sys1 (HSCL0237)
    await bench.ctl('lpar-crash', 'sys1', L, '--state', 'Not Activated');
    await bench.ctl('boot-hang', 'sys1', L);
    // Activation through hmc7 (hmc6 refuses it), then the boot followed through hmc7's lsrefcode.
    expect((await bench.agent('online', A, [], { env: { VCSPVM_LPAR_BOOT_STALL: '3' } })).code).toBe(0);
    expect(bench.log()).toMatch(/HMC hmc6 answered "HSCL0237 .*" for lsrefcode -r lpar -m sys1 .*; asking HMC hmc7/);
    expect(bench.log()).toMatch(/its boot on sys1 is hung: reference code CA000040 \(partition firmware progress code\) unchanged for \d+ s/);
  });
});
