/**
 * The sysoffline trigger and the seed's failure table rows it covers:
 * "Physical server is down" (the LPAR group is brought online elsewhere, with
 * the HMC's word that the server is off) and "Management LPAR is down but
 * physical server is up" (nothing; the group stays autodisabled). Installed
 * with `vcsagent install` and run as VCS runs it; hagrp is the recording
 * simulated one.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L, VCSAGENT } from './helpers/harness.js';

const G = 'LPAR_aixnode5556mp2';

let bench: Bench;
let trigger: string;

beforeEach(async () => {
  bench = await new Bench().start();
  // This node is the survivor; the faulted one had the group online (AutoDisableNoOffline keeps it so).
  writeFileSync(join(bench.vcsConf, 'conf', 'sysname'), `${B}\n`);
  mkdirSync(join(bench.aixRoot, 'var/VRTSvcs'), { recursive: true });
  writeFileSync(
    join(bench.aixRoot, 'var/VRTSvcs/state.json'),
    JSON.stringify({ systems: { [A]: { SysState: 'FAULTED' } }, groups: { [G]: { State: { [A]: 'ONLINE' }, AutoDisabled: { [A]: 1 } } } }),
  );
  const vcsHome = join(bench.dir, 'vcshome');
  const inst = await bench.run(process.execPath, [VCSAGENT, 'install', '--vcs-home', vcsHome, 'LPAR']);
  expect(inst.code).toBe(0);
  trigger = join(vcsHome, 'bin', 'triggers', 'sysoffline');
  expect(inst.stdout).toContain(`LPAR: trigger ${trigger}`);
  expect((await bench.agent('online', A)).code).toBe(0);
});
afterEach(() => bench?.stop());

const hagrpCalls = () => {
  const f = join(bench.aixRoot, 'var/VRTSvcs/hagrp.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l).argv.slice(1).join(' ')) : [];
};
const groupState = () => JSON.parse(readFileSync(join(bench.aixRoot, 'var/VRTSvcs/state.json'), 'utf8')).groups[G].State;

describe('sysoffline trigger', () => {
  it('is installed as an executable VCS runs ($VCS_HOME/bin/triggers/sysoffline)', () => {
    expect(statSync(trigger).mode & 0o111).not.toBe(0);
    expect(readFileSync(trigger, 'utf8')).toMatch(/dist\/agents\/lpar\/triggers\/sysoffline\.js' "\$@"/);
  });

  it('physical server down: the HMC confirms it is off, the group comes online on another system', async () => {
    await bench.ctl('system-power-off', 'sys1');
    const r = await bench.run(trigger, [A, 'FAULTED']);
    expect(r.code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`, `-autoenable ${G} -sys ${A}`, `-online ${G} -any`]);
    expect(groupState()[B]).toBe('ONLINE');
    expect(bench.log()).toMatch(/LPAR:aixnode55mp1:sysoffline:group LPAR_aixnode5556mp2: physical server sys1 is down \(Power Off, or unreachable with its cluster node gone\) and its managed LPARs are not running; bringing it online on another system/);
    // VCS then runs online on the system it chose: the partition starts there, once.
    expect((await bench.agent('online', B)).code).toBe(0);
    expect((await bench.states()).sys2![L]).toBe('Running');
    expect((await bench.agent('monitor', B)).code).toBe(110);
  });

  it('management LPAR down, physical server up: nothing is done, and the log says why', async () => {
    await bench.ctl('lpar-crash', 'sys1', A);
    const r = await bench.run(trigger, [A, 'FAULTED']);
    expect(r.code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`]);
    expect(groupState()[B]).toBeUndefined();
    expect(bench.log()).toMatch(
      /WARNING .*sysoffline:group LPAR_aixnode5556mp2 stays autodisabled \(SysDownPolicy AutoDisableNoOffline\): physical server sys1 is Operating: only the management LPAR is down and aixnode5556mp2 may still run there \(it is Running on managed system sys1\) \[S2\]\. After making sure its LPARs are down on sys1: hagrp -autoenable/,
    );
    expect((await bench.states()).sys1![L]).toBe('Running');
  });

  it('no HMC reachable: nothing is done', async () => {
    await bench.ctl('system-power-off', 'sys1');
    await bench.ctl('hmc-down', 'hmc6');
    await bench.ctl('hmc-down', 'hmc7');
    const r = await bench.run(trigger, [A, 'FAULTED']);
    expect(r.code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`]);
    expect(bench.log()).toMatch(/stays autodisabled .*: no HMC could tell the state of sys1 \(no endpoint reachable/);
  });

  it('a whole server that lost power shows No Connection: its node gone from the cluster, the group fails over by itself (row S5)', async () => {
    await bench.ctl('system-power-off', 'sys1', '--state', 'No Connection');
    expect((await bench.run(trigger, [A, 'FAULTED'])).code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`, `-autoenable ${G} -sys ${A}`, `-online ${G} -any`]);
    // VCS then runs online on the survivor, which applies the same table: No Connection, node FAULTED → the server is down.
    expect((await bench.agent('online', B)).code).toBe(0);
    expect((await bench.states()).sys2![L]).toBe('Running');
  });

  it('No Connection while the cluster cannot be asked (membership unknown): nothing is done', async () => {
    await bench.ctl('system-power-off', 'sys1', '--state', 'No Connection');
    expect((await bench.run(trigger, [A, 'FAULTED'], { VCSPVM_MEMBERSHIP: 'none' })).code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`]);
    expect(bench.log()).toMatch(/cannot tell whether aixnode5556mp2 runs: the HMCs cannot see sys1 \(No Connection\).*, the cluster cannot tell whether its node aixnode55mp1 \(not in the cluster membership\) is up, so aixnode5556mp2 may run there \[S6\]/);
  });

  it('a system that left on purpose (EXITED), or a group that was not online there, is left alone', async () => {
    await bench.ctl('system-power-off', 'sys1');
    expect((await bench.run(trigger, [A, 'EXITED'])).code).toBe(0);
    expect(hagrpCalls()).toEqual([]);
    writeFileSync(join(bench.aixRoot, 'var/VRTSvcs/state.json'), JSON.stringify({ systems: { [A]: { SysState: 'FAULTED' } }, groups: { [G]: { State: { [A]: 'OFFLINE' } } } }));
    expect((await bench.run(trigger, [A, 'FAULTED'])).code).toBe(0);
    expect(hagrpCalls()).toEqual([`-state ${G} -sys ${A}`]);
    expect(bench.log()).toMatch(/group LPAR_aixnode5556mp2 was not online on aixnode55mp1 \(OFFLINE\): nothing to fail over/);
  });

  it('an existing sysoffline trigger that is not ours is left in place', async () => {
    writeFileSync(trigger, '#!/bin/sh\n# site trigger\nexit 0\n');
    const r = await bench.run(process.execPath, [VCSAGENT, 'install', '--vcs-home', join(bench.dir, 'vcshome'), 'LPAR']);
    expect(r.code).toBe(0);
    expect(readFileSync(trigger, 'utf8')).toContain('# site trigger');
    expect(r.stdout).toMatch(/left the existing trigger .*sysoffline as it was; call ours from it: .*sysoffline\.js' "\$@"/);
  });
});
