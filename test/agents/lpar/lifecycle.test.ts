/**
 * The LPAR agent's entry points through `vcsagent` processes against hmcsim
 * over SSH (redundant HMCs hmc6/hmc7 from ~/.ssh/config), the seed's sample
 * main.cf: the ordinary life of a resource, crashes and VIOS outages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowMs, recalibrate } from '../../support/timing.js';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L, SEED_MAINCF, seedArgList, VCSAGENT } from './helpers/harness.js';

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench().start();
});
afterAll(() => bench?.stop());

const stateOn = async (sys: string) => (await bench.states())[sys]![L];

describe('LPAR lifecycle', () => {
  it('open installs vcs_blockmigrate.sh with drmgr and learns the managed system', async () => {
    const r = await bench.agent('open', A);
    expect(r.code).toBe(0);
    const registry = JSON.parse(readFileSync(join(bench.aixRoot, 'usr/lib/dr/scripts/drmgr.json'), 'utf8'));
    expect(registry['vcs_blockmigrate.sh'].resources).toEqual(['pmig']);
    expect(bench.log()).toMatch(/LPAR:aixnode5556mp2:open:aixnode55mp1 manages LPAR aixnode5556mp2 on managed system sys1/);
    // A second open (another LPAR resource) replaces the script rather than failing.
    expect((await bench.agent('open', A)).code).toBe(0);
    const calls = readFileSync(join(bench.aixRoot, 'var/adm/drmgr.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).argv);
    expect(calls.every((a: string[]) => a[1] === '-i' && a[2]!.endsWith('agents/lpar/dlpar/vcs_blockmigrate.sh') && a[3] === '-f')).toBe(true);
  });

  it('monitor reports a Not Activated partition offline (100)', async () => {
    expect((await bench.agent('monitor', A)).code).toBe(100);
    expect((await bench.agent('monitor', B)).code).toBe(100);
  });

  it('online starts it with its profile and waits for Running; monitor then reports 110', async () => {
    const r = await bench.agent('online', A);
    expect(r.code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    expect(bench.log()).toMatch(/starting aixnode5556mp2 on sys1 with profile aixnode5556mp2 \(chsysstate -o on\)/);
    expect((await bench.agent('monitor', A)).code).toBe(110);
    expect((await bench.agent('monitor', B)).code).toBe(100);
  });

  it('online again is harmless', async () => {
    const before = await bench.commandCounts();
    expect((await bench.agent('online', A)).code).toBe(0);
    const after = await bench.commandCounts();
    expect(after.commands.chsysstate ?? 0).toBe(before.commands.chsysstate ?? 0);
    expect(bench.log()).toMatch(/aixnode5556mp2 is already Running on sys1/);
  });

  it('a partition Running on another managed system is not started twice', async () => {
    const r = await bench.agent('online', B);
    expect(r.code).toBe(0); // online's exit is a wait; the failure is in the log and in what happens
    expect(await stateOn('sys2')).toBe('Not Activated');
    expect(bench.log()).toMatch(/LPAR:aixnode5556mp2:online:.*it is Running on managed system sys1: not starting a second copy on sys2/);
  });

  it('one VIO server down: still online, no failover; all down: offline so VCS fails over', async () => {
    await bench.ctl('vios-down', 'sys1', 'aixnode55vio1');
    expect((await bench.agent('monitor', A)).code).toBe(110);
    expect(bench.log()).toMatch(/VIO server\(s\) of aixnode5556mp2 down, but aixnode55vio2 still serve: no failover/);
    await bench.ctl('vios-down', 'sys1', 'aixnode55vio2');
    expect((await bench.agent('monitor', A)).code).toBe(100);
    expect(bench.log()).toMatch(/all VIO servers of aixnode5556mp2 on sys1 are down \(aixnode55vio1 Not Activated, aixnode55vio2 Not Activated\): reporting offline/);
    // VCS then cleans here and brings it online on the other system.
    expect((await bench.agent('clean', A, ['4'])).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    // While they are down, online here refuses (VCS tries the next system).
    expect((await bench.agent('online', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(bench.log()).toMatch(/all its VIO servers on sys1 are down .*: not starting it here/);
    expect((await bench.agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Running');
    expect((await bench.agent('monitor', B)).code).toBe(110);
    expect((await bench.agent('offline', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Not Activated');
    await bench.ctl('vios-up', 'sys1', 'aixnode55vio1');
    await bench.ctl('vios-up', 'sys1', 'aixnode55vio2');
    await bench.waitFor(async () => (await bench.states()).sys1!.aixnode55vio2 === 'Running', 20_000, 'VIOS up');
  });

  it('offline shuts the OS down; offline again is harmless', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.waitFor(async () => (await bench.ctl('dump')).systems[0].partitions.find((p: any) => p.name === L).rmcState === 'active', 20_000, 'RMC active');
    expect((await bench.agent('offline', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(bench.log()).toMatch(/shutting down the operating system of aixnode5556mp2 on sys1 \(chsysstate -o osshutdown/);
    expect((await bench.agent('monitor', A)).code).toBe(100);
    expect((await bench.agent('offline', A)).code).toBe(0);
    expect((await bench.agent('clean', A, ['0'])).code).toBe(0);
  });

  it('a crash (Error) is reported offline; clean powers it off; it starts again', async () => {
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.ctl('lpar-crash', 'sys1', L, '--state', 'Error', '--refcode', 'B200A101');
    expect(await stateOn('sys1')).toBe('Error');
    expect((await bench.agent('monitor', A)).code).toBe(100);
    expect(bench.log()).toMatch(/aixnode5556mp2 is Error on sys1: crashed/);
    expect((await bench.agent('clean', A, ['4'])).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect((await bench.agent('online', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
  });

  it('online of a partition left in Error powers it off first', async () => {
    await bench.ctl('lpar-crash', 'sys1', L, '--state', 'Error');
    expect((await bench.agent('online', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    expect(bench.log()).toMatch(/aixnode5556mp2 is Error on sys1: powering it off before starting it/);
  });

  it('a hung OS: offline leaves the hard stop to clean (the default policy); VCSPVM_LPAR_OFFLINE_HARD=1 makes offline do it', async () => {
    // A hung OS makes offline wait out OfflineTimeout (the seed's 20 s): shorter ones of the test's
    // own, which leave the entry point its start, login and shutdown request (2 s on a quiet
    // machine, scaled) and, with the hard stop, that stop's 10 s reserve and the agent's margin.
    const withOfflineTimeout = (seconds: number) => bench.file(`offline-timeout-${seconds}.cf`, SEED_MAINCF.replace('OfflineTimeout = 20', `OfflineTimeout = ${seconds}`));
    recalibrate(); // the machine as the test finds it, not as the suite's start did
    const need = Math.ceil(allowMs(2_000) / 1000);
    await bench.ctl('lpar-hang', 'sys1', L);
    const r = await bench.agent('offline', A, [], { config: withOfflineTimeout(4 + need) });
    expect(r.code).toBe(0); // offline's exit is a wait: VCS monitors, finds it online, and cleans
    expect(await stateOn('sys1')).toBe('Running');
    expect(bench.log()).toMatch(/aixnode5556mp2: .*it is left as it is for clean to power off \(VCSPVM_LPAR_OFFLINE_HARD=1 makes offline do it\)/);
    expect(bench.log()).not.toMatch(/offline:powering aixnode5556mp2 off immediately/);
    expect((await bench.agent('clean', A, ['1'])).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(bench.log()).toMatch(/clean:powering aixnode5556mp2 off immediately on sys1/);

    // The other policy: offline powers it off itself when the OS does not finish in time.
    expect((await bench.agent('online', A)).code).toBe(0);
    await bench.ctl('lpar-hang', 'sys1', L);
    const hard = await bench.agent('offline', A, [], { config: withOfflineTimeout(12 + need), env: { VCSPVM_LPAR_OFFLINE_HARD: '1' } });
    expect(hard.code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(bench.log()).toMatch(/(did not shut down within the time before the hard shutdown: hard shutdown|refused the OS shutdown .*: hard shutdown)/);
    expect(bench.log()).toMatch(/offline:powering aixnode5556mp2 off immediately on sys1/);
  }, 90_000);

  it('vcsagent check LPAR passes the conformance run', async () => {
    const r = await bench.run(process.execPath, [VCSAGENT, 'check', 'LPAR', L, '--config', bench.mainCfPath, '--system', A]);
    expect(r.stdout + r.stderr).not.toMatch(/FAIL/);
    expect(r.stdout).toMatch(/PASS +online, then monitor reports online/);
    expect(r.stdout).toMatch(/PASSED: \d+ passed, 0 failed/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('shutdown removes vcs_blockmigrate.sh and what open cached', async () => {
    // Under VCS (no --config), open learns PhysicalServer with hasys and keeps it for the entry points.
    expect((await bench.vcs('open', A, [], seedArgList(['aixnode55vio1', 'aixnode55vio2']))).code).toBe(0);
    const cached = join(bench.vcsLog, 'tmp/LPAR/PhysicalServer.aixnode55mp1');
    expect(readFileSync(cached, 'utf8')).toBe('sys1\n');
    expect((await bench.vcs('monitor', A, [], seedArgList(['aixnode55vio1', 'aixnode55vio2']))).code).toBe(100);
    // VCS runs shutdown with no arguments; the system comes from $VCS_CONF/conf/sysname (here: --system).
    const r = await bench.run(process.execPath, [VCSAGENT, '--system', A, 'LPAR', 'shutdown']);
    expect(r.code).toBe(0);
    expect(existsSync(cached)).toBe(false);
    const registry = JSON.parse(readFileSync(join(bench.aixRoot, 'usr/lib/dr/scripts/drmgr.json'), 'utf8'));
    expect(registry['vcs_blockmigrate.sh']).toBeUndefined();
    expect(existsSync(join(bench.aixRoot, 'usr/lib/dr/scripts/all/vcs_blockmigrate.sh'))).toBe(false);
  });
});
