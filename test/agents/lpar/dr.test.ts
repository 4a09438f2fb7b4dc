/**
 * DR network reconfiguration end to end, real parts only: `vcsagent` entry
 * points against hmcsim over SSH, hmcsim booting the partitions' simulated
 * AIX (`--aix`: the guest's own boot runs its vcs-reconfig service from
 * /etc/inittab before RMC comes up, as AIX would — the test never runs it),
 * the detached responder process, and the simulated VLAN 123 of each
 * managed system between them. Each cluster node has its own $VCS_LOG and
 * AIX root, as two management LPARs on two managed systems.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive as alive } from '../../../framework/process.js';
import { aixRun, guestRoot, installGuest, installService } from '../../../sim/aix/guest.js';
import { allowMs } from '../../support/timing.js';
import { Bench, VCSAGENT, NODE_A as A, NODE_B as B, SEED_LPAR as L, SEED_MAINCF } from './helpers/harness.js';

const PRIMARY = 'ConfigureNetwork = 1, Device = en0, IPAddress = "10.10.1.15", Netmask = "255.255.255.0", Gateway = "10.10.1.1", DNSServers = "10.10.1.53", DNSSearchPath = "prod.example.com", Domain = "prod.example.com", HostName = lpar2-prod';
const DR = 'ConfigureNetwork = 1, Device = en0, IPAddress = "10.20.1.15", Netmask = "255.255.255.0", Gateway = "10.20.1.1", DNSServers = "10.20.1.53 10.20.2.53", DNSSearchPath = "dr.example.com", Domain = "dr.example.com", HostName = lpar2-dr';

/** The seed's main.cf with DROpts per system (the two sites). */
const withDrOpts = (a: string, b: string) => SEED_MAINCF.replace('    RestartLimit = 1\n', `    DROpts @aixnode55mp1 = { ${a} }\n    DROpts @aixnode56mp1 = { ${b} }\n    RestartLimit = 1\n`);

let bench: Bench;
let guest: string;
const SYS = { [A]: 'sys1', [B]: 'sys2' } as const;
const vcsLogOf = (node: string) => join(bench.dir, `vcslog-${node}`);
const env = (node: string) => ({ VCS_LOG: vcsLogOf(node), AIXSIM_ROOT: join(bench.aixRoots, node) });
const agent = (ep: string, node: string, o: { config?: string; leading?: string[]; target?: string } = {}) =>
  bench.agent(ep, node, o.leading ?? [], { env: env(node), ...(o.config ? { config: o.config } : {}), ...(o.target ? { target: o.target } : {}) });
const logOf = (node: string) => {
  const f = join(vcsLogOf(node), 'log', 'LPAR_A.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};
const drDir = (node: string) => join(vcsLogOf(node), 'tmp', 'LPAR', 'dr');
const responderPid = (node: string) => {
  const f = join(drDir(node), 'responder.pid');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')).pid as number) : undefined;
};
const responderLog = (node: string) => readFileSync(join(drDir(node), 'responder.log'), 'utf8');
const reconfigLog = () => {
  const f = join(guest, 'var', 'adm', 'ras', 'vcs-reconfig.log');
  return existsSync(f) ? readFileSync(f, 'utf8') : '';
};
const odm = (dev: string, attr: string) => aixRun(guest, 'lsattr', ['-E', '-l', dev, '-a', attr, '-F', 'value']).stdout.trim();
const state = async (sys: string) => (await bench.states())[sys]![L];

/** VLAN 123 adapters of a managed system as lshwres shows them over SSH: "partition/slot". */
async function vlan123(sys: string): Promise<string[]> {
  const r = await bench.adminSsh(`lshwres -r virtualio --rsubtype eth --level lpar -m ${sys} -F lpar_name,slot_num,port_vlan_id`);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => l.split(',')).filter((f) => f[2] === '123').map((f) => `${f[0]}/${f[1]}`).sort();
}

/** The guest's profile's virtual Ethernet adapters on the HMC. */
async function profileEth(sys: string): Promise<string> {
  const r = await bench.adminSsh(`lssyscfg -r prof -m ${sys} --filter lpar_names=${L} -F virtual_eth_adapters`);
  return r.stdout.trim();
}

/** Each run of vcs-reconfig start that ended: a summary line, or the last change it made. */
const starts = () => readFileSync(join(guest, 'var', 'adm', 'sim', 'boot.log'), 'utf8').split('\n').filter((l) => /vcsreconfig: exit/.test(l)).length;

async function waitStarts(n: number): Promise<void> {
  await bench.waitFor(async () => existsSync(join(guest, 'var', 'adm', 'sim', 'boot.log')) && starts() >= n, allowMs(30_000), `${n} run(s) of the guest's vcs-reconfig at boot`);
}

/** The guest reboots (an administrator's shutdown -r): its boot runs again on the managed system where it is. */
async function reboot(sys: string): Promise<void> {
  const r = await bench.adminSsh(`chsysstate -m ${sys} -r lpar -o shutdown --immed --restart -n ${L}`);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

function keygen(file: string): void {
  const k = aixRun(guest, 'vcs-reconfig', ['keygen', file]);
  expect(k.code, k.stderr).toBe(0);
}

beforeAll(async () => {
  bench = new Bench({ mainCf: withDrOpts(PRIMARY, DR), aix: true });
  for (const n of [A, B]) {
    mkdirSync(join(vcsLogOf(n), 'log'), { recursive: true });
    mkdirSync(join(bench.aixRoots, n), { recursive: true });
  }
  // The replicated rootvg carries the primary site's network, and the vcs-reconfig service with its key.
  guest = installGuest(bench.aixRoots, L, { ipAddress: '10.10.1.15', netmask: '255.255.255.0', gateway: '10.10.1.1', hostName: 'lpar2-prod', resolvConf: 'domain prod.example.com\nnameserver 10.10.1.53\n' });
  const key = join(bench.dir, 'lpar2.key');
  keygen(key);
  expect(installService(guest, key).code).toBe(0);
  await bench.start();
});
afterAll(async () => {
  for (const n of [A, B]) {
    const pid = responderPid(n);
    if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  }
  await bench?.stop();
});

/** The management LPARs' copies of the guest's key (VCS_CONF is the same directory for both nodes here). */
function provisionKey(): void {
  const dir = join(bench.vcsConf, 'conf', 'vcs-reconfig');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  copyFileSync(join(guest, 'etc', 'vcs-reconfig', 'key'), join(dir, `${L}.key`));
}

describe('LPAR DR network reconfiguration', () => {
  it('refuses a bad DROpts, or a missing key, before starting anything: one clear log line, the partition stays down', async () => {
    const bad = bench.file('bad/main.cf', withDrOpts('ConfigureNetwork = 1, IPAddress = "10.10.1.15", Netmask = "255.255.255.0", Gateway = "10.99.0.1", Hostname = x', DR));
    const r = await agent('online', A, { config: bad });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/DROpts refused, not started/);
    expect(logOf(A)).toMatch(/VCS ERROR .*LPAR:aixnode5556mp2:online:LPAR aixnode5556mp2: DROpts refused, not started: Hostname is not a DROpts key of LPAR \(did you mean HostName\?\); Gateway 10\.99\.0\.1 is not in the subnet/);

    const nokey = await agent('online', A);
    expect(nokey.code).toBe(0);
    expect(logOf(A)).toMatch(/VCS ERROR .*DR key .*conf\/vcs-reconfig\/aixnode5556mp2\.key: missing: make one with "vcs-reconfig keygen/);
    expect(logOf(A)).not.toMatch(/at .*\.js:\d+/);
    expect(await state('sys1')).toBe('Not Activated');
    expect(await vlan123('sys1')).toEqual([]);
    expect(await profileEth('sys1')).not.toMatch(/\/123\//);
  });

  it('cold boot at the primary site: the adapters are in place before the boot, the guest service asks by itself and takes the site settings', async () => {
    provisionKey();
    const r = await agent('online', A);
    expect(r.code, r.stderr).toBe(0);
    expect(await state('sys1')).toBe('Running');
    // The guest's adapter is in its profile, the management LPAR's added by DLPAR.
    expect(await profileEth('sys1')).toMatch(/(^|,|")\d+\/0\/123\/\/0\/0/);
    const vlan = await vlan123('sys1');
    expect(vlan).toHaveLength(2);
    expect(vlan.some((a) => a.startsWith(`${A}/`)) && vlan.some((a) => a.startsWith(`${L}/`))).toBe(true);
    // Logged before the activation: the order online did it in.
    const log = logOf(A);
    expect(log.indexOf('DR: serving the network settings of aixnode5556mp2')).toBeGreaterThan(-1);
    expect(log.indexOf('DR: serving the network settings')).toBeLessThan(log.indexOf('starting aixnode5556mp2 on sys1'));
    // The management LPAR's interface has the well-known address, set with chdev.
    const mgmt = join(bench.aixRoots, A);
    const en = aixRun(mgmt, 'ifconfig', ['-a']).stdout;
    expect(en).toMatch(/inet 169\.254\.123\.1 netmask 0xffff0000/);
    // The responder listens on that address of sys1's VLAN 123 only.
    expect(readdirSync(join(bench.aixRoots, '.vswitch', 'sys1', 'ETHERNET0', 'vlan123'))).toEqual(['169.254.123.1_14123.json']);

    await waitStarts(1);
    const text = reconfigLog();
    expect(text).toMatch(/aixnode5556mp2: \/etc\/resolv.conf: domain prod.example.com; search prod.example.com; nameserver 10.10.1.53 \(from aixnode55mp1 at 169\.254\.123\.1:14123\)/);
    expect(responderLog(A)).toMatch(/sent the DR network settings of aixnode5556mp2 \(ID \d+, resource aixnode5556mp2\)/);
    // The temporary VLAN address is gone again; the guest's console shows what ran.
    expect(aixRun(guest, 'ifconfig', ['-a']).stdout).not.toMatch(/169\.254\./);
    expect(readFileSync(join(guest, 'dev', 'console'), 'utf8')).toMatch(/vcs-reconfig: aixnode5556mp2: \/etc\/resolv.conf/);
    // RMC came up only once the boot services were through.
    const rmc = await bench.adminSsh(`lssyscfg -r lpar -m sys1 --filter lpar_names=${L} -F rmc_state`);
    expect(rmc.stdout.trim()).toBe('active');
  });

  it('a wrong key on the guest changes nothing and says why, at both ends', async () => {
    const keyFile = join(guest, 'etc', 'vcs-reconfig', 'key');
    const good = readFileSync(keyFile, 'utf8');
    writeFileSync(keyFile, `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    const before = starts();
    await reboot('sys1');
    await waitStarts(before + 1);
    expect(reconfigLog().trim().split('\n').pop()).toMatch(/aixnode5556mp2: the management LPAR at 169\.254\.123\.1:14123 answered denied: the request does not verify \(HMAC-SHA256\).*network settings unchanged/);
    expect(responderLog(A)).toMatch(/aixnode5556mp2: the request's HMAC does not verify with its key \(a wrong key on the guest\?\)/);
    expect(odm('inet0', 'hostname')).toBe('lpar2-prod');
    writeFileSync(keyFile, good, { mode: 0o600 });
  });

  it('a dead responder is restarted by monitor (logged)', async () => {
    const pid = responderPid(A)!;
    process.kill(pid, 'SIGKILL');
    await bench.waitFor(async () => !alive(pid), allowMs(5_000), 'the responder to die');
    const m = await agent('monitor', A);
    expect(m.code).toBe(110);
    expect(logOf(A)).toMatch(new RegExp(`DR: the responder \\(pid ${pid}\\) was not running: started again \\(pid \\d+\\)`));
    const again = responderPid(A)!;
    expect(again).not.toBe(pid);
    expect(alive(again)).toBe(true);
  });

  it('attr_changed on DROpts re-publishes the settings: the next boot takes them', async () => {
    const changed = PRIMARY.replace('lpar2-prod', 'lpar2-prod2').split(', ').flatMap((kv) => kv.split(' = ').map((x) => x.replace(/^"|"$/g, '')));
    // As VCS calls it: RESOURCE CHANGED_RESOURCE ATTRIBUTE VALUES..., no ArgList.
    const r = await bench.run(process.execPath, [VCSAGENT, '--system', A, 'LPAR', 'attr_changed', L, L, 'DROpts', ...changed], env(A));
    expect(r.code, r.stderr).toBe(0);
    expect(logOf(A)).toMatch(/DR: DROpts of aixnode5556mp2 changed: now serving en0 10\.10\.1\.15\/255\.255\.255\.0, gateway 10\.10\.1\.1, host lpar2-prod2 to aixnode5556mp2/);
    const before = starts();
    await reboot('sys1');
    await waitStarts(before + 1);
    expect(odm('inet0', 'hostname')).toBe('lpar2-prod2');
    // monitor sees the configuration's DROpts (lpar2-prod) again and serves that: the configuration wins.
    expect((await agent('monitor', A)).code).toBe(110);
    expect(logOf(A)).toMatch(/DR: DROpts of aixnode5556mp2 changed: now serving .*host lpar2-prod \(the guest applies them at its next boot\)/);
  });

  it('live migration: the source stops serving, the target serves from its monitor, a reboot on the target gets the target settings; offline there cleans its side', async () => {
    const r = await agent('migrate', A, { target: B });
    expect(r.code, r.stderr).toBe(0);
    expect(await state('sys2')).toBe('Running');
    // Source: nothing served, responder stopped, its adapter and interface gone.
    expect(logOf(A)).toMatch(/DR: aixnode5556mp2 runs on aixnode56mp1 now: no longer served from aixnode55mp1/);
    expect(responderPid(A)).toBeUndefined();
    expect((await vlan123('sys1')).filter((a) => a.startsWith(`${A}/`))).toEqual([]);
    expect(aixRun(join(bench.aixRoots, A), 'ifconfig', ['-a']).stdout).not.toMatch(/169\.254\.123\.1/);
    // Target: its monitor (VCS probes it after the migration) takes over.
    expect((await agent('monitor', B)).code).toBe(110);
    expect(logOf(B)).toMatch(/DR: aixnode5556mp2 runs here and was not served from here \(migrated here\?\): serving the network settings of aixnode5556mp2 \(ID \d+: en0 10\.20\.1\.15/);
    expect(alive(responderPid(B)!)).toBe(true);
    const before = starts();
    await reboot('sys2');
    await waitStarts(before + 1);
    expect([odm('en0', 'netaddr'), odm('inet0', 'route'), odm('inet0', 'hostname')]).toEqual(['10.20.1.15', 'net,-hopcount,0,,0,10.20.1.1', 'lpar2-dr']);
    expect(reconfigLog()).toMatch(/\(from aixnode56mp1 at 169\.254\.123\.1:14123\)/);

    const off = await agent('offline', B);
    expect(off.code, off.stderr).toBe(0);
    expect(await state('sys2')).toBe('Not Activated');
    expect(responderPid(B)).toBeUndefined();
    expect((await vlan123('sys2')).filter((a) => a.startsWith(`${B}/`))).toEqual([]);
    expect(logOf(B)).toMatch(/DR: the responder \(pid \d+\) stopped: no partition is served any more/);
  });

  it('cold boot at the DR site gets the DR settings by itself; a second boot changes nothing; clean undoes it', async () => {
    // Back to the primary's network first, as the replicated rootvg would bring it.
    aixRun(guest, 'chdev', ['-l', 'en0', '-a', 'netaddr=10.10.1.15', '-a', 'netmask=255.255.255.0']);
    aixRun(guest, 'chdev', ['-l', 'inet0', '-a', 'hostname=lpar2-prod']);
    const before = starts();
    expect((await agent('online', B)).code).toBe(0);
    await waitStarts(before + 1);
    expect([odm('en0', 'netaddr'), odm('inet0', 'hostname')]).toEqual(['10.20.1.15', 'lpar2-dr']);
    await reboot('sys2');
    await waitStarts(before + 2);
    expect(reconfigLog().trim().split('\n').pop()).toMatch(/already in place; nothing changed/);

    const pid = responderPid(B)!;
    const c = await agent('clean', B, { leading: ['4'] });
    expect(c.code).toBe(0);
    expect(await state('sys2')).toBe('Not Activated');
    expect(alive(pid)).toBe(false);
    expect((await vlan123('sys2')).filter((a) => a.startsWith(`${B}/`))).toEqual([]);
  });
});
