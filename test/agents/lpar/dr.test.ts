/**
 * DR network reconfiguration end to end with real parts: `vcsagent` entry
 * points against hmcsim over SSH (VLAN 123 adapters by DLPAR), the detached
 * responder process they start and stop, and the simulated guest's
 * vcs-reconfig asking it over loopback TCP (the simulation's VLAN 123).
 * Each cluster node has its own $VCS_LOG, as on two management LPARs.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootGuest, guestRoot, installGuest } from '../../../sim/aix/guest.js';
import { Bench, NODE_A as A, NODE_B as B, SEED_LPAR as L, SEED_MAINCF } from './helpers/harness.js';
import { isProcessAlive as alive } from '../../../framework/process.js';

const PRIMARY = 'ConfigureNetwork = 1, Device = en0, IPAddress = "10.10.1.15", Netmask = "255.255.255.0", Gateway = "10.10.1.1", DNSServers = "10.10.1.53", DNSSearchPath = "prod.example.com", Domain = "prod.example.com", HostName = lpar2-prod';
const DR = 'ConfigureNetwork = 1, Device = en0, IPAddress = "10.20.1.15", Netmask = "255.255.255.0", Gateway = "10.20.1.1", DNSServers = "10.20.1.53 10.20.2.53", DNSSearchPath = "dr.example.com", Domain = "dr.example.com", HostName = lpar2-dr';

/** The seed's main.cf with DROpts per system (the two sites). */
const withDrOpts = (a: string, b: string) => SEED_MAINCF.replace('    RestartLimit = 1\n', `    DROpts @aixnode55mp1 = { ${a} }\n    DROpts @aixnode56mp1 = { ${b} }\n    RestartLimit = 1\n`);

let bench: Bench;
let vlanDir: string;
let guests: string;
const vcsLogOf = (node: string) => join(bench.dir, `vcslog-${node}`);
const env = (node: string) => ({ VCS_LOG: vcsLogOf(node), VCSPVM_DR_LISTEN: '127.0.0.1:0', VCSPVM_DR_VLAN_DIR: vlanDir });
const agent = (ep: string, node: string, config?: string) => bench.agent(ep, node, [], { env: env(node), ...(config ? { config } : {}) });
const logOf = (node: string) => {
  const f = join(vcsLogOf(node), 'log', 'LPAR_A.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};
const drDir = (node: string) => join(vcsLogOf(node), 'tmp', 'LPAR', 'dr');
const pidOf = (node: string) => JSON.parse(readFileSync(join(drDir(node), 'responder.pid'), 'utf8')).pid as number;

/** An administrator's command on the HMC, with OpenSSH. */
const adminSsh = (command: string) =>
  bench.run('ssh', ['-F', join(bench.home, '.ssh/config'), '-i', join(bench.home, '.ssh/id_ed25519'), '-o', `UserKnownHostsFile=${join(bench.home, '.ssh/known_hosts')}`, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', 'hmc6', command]);

/** VLAN 123 adapters of a managed system as lshwres shows them over SSH: "partition/slot". */
async function vlan123(sys: string): Promise<string[]> {
  const r = await adminSsh(`lshwres -r virtualio --rsubtype eth --level lpar -m ${sys} -F lpar_name,slot_num,port_vlan_id`);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => l.split(',')).filter((f) => f[2] === '123').map((f) => `${f[0]}/${f[1]}`).sort();
}

const stateOn = async (sys: string) => (await bench.states())[sys]![L];
const v = (dev: string, attr: string) => {
  const f = JSON.parse(readFileSync(join(guestRoot(guests, L), 'etc', 'objrepos', 'CuAt.json'), 'utf8'));
  return f[dev][attr];
};
const chdevCount = () => {
  const f = join(guestRoot(guests, L), 'var', 'adm', 'sim', 'chdev.log');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').length : 0;
};

beforeAll(async () => {
  bench = await new Bench({ mainCf: withDrOpts(PRIMARY, DR) }).start();
  vlanDir = join(bench.dir, 'vlan123');
  guests = join(bench.dir, 'guests');
  for (const n of [A, B]) mkdirSync(join(vcsLogOf(n), 'log'), { recursive: true });
  // The replicated rootvg carries the primary site's network.
  installGuest(guests, L, { ipAddress: '10.10.1.15', netmask: '255.255.255.0', gateway: '10.10.1.1', hostName: 'lpar2-prod', resolvConf: 'domain prod.example.com\nnameserver 10.10.1.53\n' });
  installGuest(guests, 'intruder', { ipAddress: '10.10.1.99', netmask: '255.255.255.0', hostName: 'intruder' });
});
afterAll(async () => {
  for (const n of [A, B]) {
    const f = join(drDir(n), 'responder.pid');
    if (existsSync(f)) {
      try {
        process.kill(JSON.parse(readFileSync(f, 'utf8')).pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
    }
  }
  await bench?.stop();
});

describe('LPAR DR network reconfiguration', () => {
  it('refuses a bad DROpts before starting anything: one clear log line, online exits 0 and the partition stays down', async () => {
    const bad = bench.file('bad/main.cf', withDrOpts('ConfigureNetwork = 1, IPAddress = "10.10.1.15", Netmask = "255.255.255.0", Gateway = "10.99.0.1", Hostname = x', DR));
    const r = await agent('online', A, bad);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    // Outside VCS (--config) the error is echoed once on stderr; never a stack trace.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/DROpts refused, not started/);
    expect(logOf(A)).toMatch(/VCS ERROR .*LPAR:aixnode5556mp2:online:LPAR aixnode5556mp2: DROpts refused, not started: Hostname is not a DROpts key of LPAR \(did you mean HostName\?\); Gateway 10\.99\.0\.1 is not in the subnet of 10\.10\.1\.15\/255\.255\.255\.0/);
    expect(logOf(A)).not.toMatch(/at .*\.js:\d+/);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(await vlan123('sys1')).toEqual([]);
    expect((await agent('monitor', A, bad)).code).toBe(100);
  });

  it('ConfigureNetwork = 0: online starts the partition and adds no VLAN, serves nothing; the guest changes nothing', async () => {
    const off = bench.file('off/main.cf', withDrOpts(PRIMARY.replace('ConfigureNetwork = 1', 'ConfigureNetwork = 0'), DR));
    expect((await agent('online', A, off)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    expect(await vlan123('sys1')).toEqual([]);
    expect(existsSync(join(drDir(A), 'responder.pid'))).toBe(false);
    const boot = await bootGuest(guests, L, { vlanDir, system: 'sys1' });
    expect(boot).toMatchObject({ code: 0, stdout: expect.stringMatching(/no management LPAR on VLAN 123; network settings unchanged/) });
    expect(chdevCount()).toBe(0);
    expect((await agent('offline', A, off)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
  });

  it('online with ConfigureNetwork = 1 adds the VLAN 123 adapters, starts a responder that outlives it, and the guest takes the site settings at boot', async () => {
    expect((await agent('online', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Running');
    expect(await vlan123('sys1')).toEqual([`${L}/5`, `${A}/3`]);
    const pid = pidOf(A);
    expect(alive(pid)).toBe(true);
    expect(logOf(A)).toMatch(/DR: serving the network settings of aixnode5556mp2 \(en0 10\.10\.1\.15\/255\.255\.255\.0, gateway 10\.10\.1\.1, host lpar2-prod\) over VLAN 123: added adapters aixnode55mp1 slot 3, aixnode5556mp2 slot 5; responder pid \d+ on 127\.0\.0\.1:\d+ \(started\)/);
    expect(existsSync(join(vlanDir, 'sys1', `${A}.json`))).toBe(true);

    // Boot on the primary site: the settings are the ones it has, except the resolver search list.
    const boot = await bootGuest(guests, L, { vlanDir, system: 'sys1' });
    expect(boot.code, boot.stderr).toBe(0);
    expect(boot.stdout).toMatch(/\/etc\/resolv.conf: domain prod.example.com; search prod.example.com; nameserver 10.10.1.53/);
    expect(chdevCount()).toBe(0);

    // Online again: the same responder, no new adapter.
    const before = (await bench.commandCounts()).commands.chhwres ?? 0;
    expect((await agent('online', A)).code).toBe(0);
    expect((await bench.commandCounts()).commands.chhwres ?? 0).toBe(before);
    expect(pidOf(A)).toBe(pid);
  });

  it('another partition asking on the VLAN gets nothing', async () => {
    const r = await bootGuest(guests, 'intruder', { vlanDir, system: 'sys1' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/intruder: no management LPAR serves this partition .*unknown-partition/);
    expect(readFileSync(join(guestRoot(guests, 'intruder'), 'etc', 'objrepos', 'CuAt.json'), 'utf8')).toContain('10.10.1.99');
    expect(existsSync(join(guestRoot(guests, 'intruder'), 'etc', 'resolv.conf'))).toBe(false);
    expect(readFileSync(join(drDir(A), 'responder.log'), 'utf8')).toMatch(/asked for intruder: not served here/);
  });

  it('offline stops the responder and removes the adapters it added', async () => {
    const pid = pidOf(A);
    expect((await agent('offline', A)).code).toBe(0);
    expect(await stateOn('sys1')).toBe('Not Activated');
    expect(alive(pid)).toBe(false);
    expect(existsSync(join(drDir(A), 'responder.pid'))).toBe(false);
    expect(existsSync(join(vlanDir, 'sys1', `${A}.json`))).toBe(false);
    expect(await vlan123('sys1')).toEqual([]);
    expect(logOf(A)).toMatch(/DR: the responder \(pid \d+\) stopped: no partition is served any more/);
  });

  it('failover to the DR site: its settings reach the guest, an adapter that was there is kept, a second boot changes nothing, clean undoes it', async () => {
    // The DR site's management LPAR already has a VLAN 123 adapter (set up by hand).
    const add = await adminSsh(`chhwres -r virtualio -m sys2 -o a -p ${B} --rsubtype eth -s 9 -a "ieee_virtual_eth=0,port_vlan_id=123"`);
    expect(add.code, add.stdout + add.stderr).toBe(0);
    expect((await agent('online', B)).code).toBe(0);
    expect(await stateOn('sys2')).toBe('Running');
    expect(await vlan123('sys2')).toEqual([`${L}/5`, `${B}/9`]);
    expect(logOf(B)).toMatch(/over VLAN 123: added adapters aixnode5556mp2 slot 5;/);

    const boot = await bootGuest(guests, L, { vlanDir, system: 'sys2' });
    expect(boot.code, boot.stderr).toBe(0);
    expect([v('en0', 'netaddr'), v('en0', 'netmask'), v('inet0', 'route'), v('inet0', 'hostname')]).toEqual(['10.20.1.15', '255.255.255.0', ['net,-hopcount,0,,0,10.20.1.1'], 'lpar2-dr']);
    expect(readFileSync(join(guestRoot(guests, L), 'etc', 'resolv.conf'), 'utf8')).toBe('domain dr.example.com\nsearch dr.example.com\nnameserver 10.20.1.53\nnameserver 10.20.2.53\n');
    const changes = chdevCount();
    expect(changes).toBe(4);
    const again = await bootGuest(guests, L, { vlanDir, system: 'sys2' });
    expect(again.stdout).toMatch(/already in place; nothing changed/);
    expect(chdevCount()).toBe(changes);

    const pid = pidOf(B);
    const r = await bench.agent('clean', B, ['4'], { env: env(B) });
    expect(r.code).toBe(0);
    expect(await stateOn('sys2')).toBe('Not Activated');
    expect(alive(pid)).toBe(false);
    expect(await vlan123('sys2')).toEqual([`${B}/9`]);
  });
});
