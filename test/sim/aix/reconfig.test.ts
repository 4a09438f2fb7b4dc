/**
 * The guest side of DR network reconfiguration, real processes only: the
 * simulated AIX network commands, and vcs-reconfig asking a real responder
 * process (the LPAR agent's) over loopback TCP, the simulation's VLAN 123.
 * Needs dist/ (npm test builds first).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bootGuest, guestRoot, installGuest } from '../../../sim/aix/guest.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const BIN = join(ROOT, 'sim', 'aix', 'bin');
const RESPONDER = join(ROOT, 'dist', 'agents', 'lpar', 'dr', 'responder-main.js');

let dir: string;
let responder: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'reconfig-'));
});
afterEach(async () => {
  if (responder && responder.exitCode === null) {
    const gone = new Promise((r) => responder!.once('exit', r));
    responder.kill('SIGTERM');
    await gone;
  }
  responder = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function aix(root: string, cmd: string, args: string[]) {
  const r = spawnSync(join(BIN, cmd), args, { encoding: 'utf8', env: { ...process.env, AIXSIM_ROOT: root } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DR = { Device: 'en0', IPAddress: '10.20.1.15', Netmask: '255.255.255.0', Gateway: '10.20.1.1', DNSServers: '10.20.1.53 10.20.2.53', DNSSearchPath: 'dr.example.com example.com', Domain: 'dr.example.com', HostName: 'lpar2-dr' };

/** A responder process serving `served` (partition → settings) on the VLAN 123 of sys2, as online leaves it. */
async function startResponder(served: Record<string, Record<string, string>>): Promise<string> {
  const state = join(dir, 'mgmt', 'dr');
  mkdirSync(join(state, 'served'), { recursive: true });
  for (const [partition, settings] of Object.entries(served)) {
    writeFileSync(join(state, 'served', `${partition}.json`), JSON.stringify({ v: 1, partition, resource: partition, system: 'sys2', settings, guestSlot: null }));
  }
  const publish = join(dir, 'vlan', 'sys2', 'mgmt2.json');
  mkdirSync(join(dir, 'vlan', 'sys2'), { recursive: true });
  responder = spawn(process.execPath, [RESPONDER, '--dir', state, '--listen', '127.0.0.1:0', '--publish', publish], { stdio: 'ignore' });
  const end = Date.now() + 5_000;
  while (!existsSync(publish)) {
    if (Date.now() > end) throw new Error('the responder did not publish its address');
    await new Promise((r) => setTimeout(r, 50));
  }
  return join(state, 'responder.log');
}

describe('simulated AIX network commands', () => {
  it('chdev sets interface and inet0 attributes, lsattr reads them back, bad values and devices are refused', () => {
    const root = installGuest(dir, 'lp1', { ipAddress: '192.168.5.10', netmask: '255.255.255.0', gateway: '192.168.5.1', hostName: 'lp1' });
    expect(aix(root, 'lsattr', ['-El', 'en0', '-a', 'netaddr'])).toMatchObject({ code: 0, stdout: 'netaddr 192.168.5.10 Internet Address True\n' });
    expect(aix(root, 'chdev', ['-l', 'en0', '-a', 'netaddr=10.0.0.5', '-a', 'netmask=255.255.0.0'])).toMatchObject({ code: 0, stdout: 'en0 changed\n' });
    expect(aix(root, 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-a', 'netmask', '-F', 'value']).stdout).toBe('10.0.0.5\n255.255.0.0\n');
    expect(aix(root, 'chdev', ['-l', 'inet0', '-a', 'route=net,-hopcount,0,,0,10.0.0.1']).code).toBe(0);
    expect(aix(root, 'lsattr', ['-E', '-l', 'inet0', '-a', 'route', '-F', 'value']).stdout).toBe('net,-hopcount,0,,0,192.168.5.1\nnet,-hopcount,0,,0,10.0.0.1\n');
    expect(aix(root, 'chdev', ['-l', 'inet0', '-a', 'route=net,-hopcount,0,,0,10.0.0.1'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/File exists/) });
    expect(aix(root, 'chdev', ['-l', 'inet0', '-a', 'delroute=net,-hopcount,0,,0,192.168.5.1']).code).toBe(0);
    expect(aix(root, 'chdev', ['-l', 'en0', '-a', 'netaddr=10.0.0.300'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0514-018/) });
    expect(aix(root, 'chdev', ['-l', 'en7', '-a', 'netaddr=10.0.0.3'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0514-519/) });
    expect(aix(root, 'chdev', ['-l', 'en0'])).toMatchObject({ code: 2 });
    expect(aix(root, 'lparstat', ['-i']).stdout).toMatch(/^Partition Name\s+: lp1$/m);
    expect(aix(join(dir, 'nobody'), 'lparstat', ['-i']).code).toBe(1);
  });
});

describe('vcs-reconfig', () => {
  it('applies the DR site settings it is sent at boot, and a second boot changes nothing', async () => {
    installGuest(dir, 'lpar2', { ipAddress: '10.10.1.15', netmask: '255.255.255.0', gateway: '10.10.1.1', hostName: 'lpar2', resolvConf: 'domain prod.example.com\nnameserver 10.10.1.53\noptions timeout:2\n' });
    const responderLog = await startResponder({ lpar2: DR });
    const first = await bootGuest(dir, 'lpar2', { vlanDir: join(dir, 'vlan'), system: 'sys2' });
    expect(first.code, first.stderr).toBe(0);
    const root = guestRoot(dir, 'lpar2');
    const v = (dev: string, a: string) => aix(root, 'lsattr', ['-E', '-l', dev, '-a', a, '-F', 'value']).stdout.trim();
    expect([v('en0', 'netaddr'), v('en0', 'netmask'), v('en0', 'state'), v('inet0', 'route'), v('inet0', 'hostname')]).toEqual(['10.20.1.15', '255.255.255.0', 'up', 'net,-hopcount,0,,0,10.20.1.1', 'lpar2-dr']);
    expect(readFileSync(join(root, 'etc', 'resolv.conf'), 'utf8')).toBe('domain dr.example.com\nsearch dr.example.com example.com\nnameserver 10.20.1.53\nnameserver 10.20.2.53\noptions timeout:2\n');
    // The old resolver configuration is kept, as every file we replace.
    expect(readFileSync(join(root, 'etc', 'resolv.conf.previous'), 'utf8')).toContain('prod.example.com');
    expect(first.stdout).toMatch(/en0: address 10\.10\.1\.15\/255\.255\.255\.0 -> 10\.20\.1\.15\/255\.255\.255\.0/);
    expect(first.stdout).toMatch(/default route via 10\.10\.1\.1 removed/);
    expect(first.stdout).toMatch(/host name lpar2 -> lpar2-dr/);
    const chdevs = () => readFileSync(join(root, 'var', 'adm', 'sim', 'chdev.log'), 'utf8').trim().split('\n').length;
    expect(chdevs()).toBe(4); // interface, delroute, route, hostname

    const second = await bootGuest(dir, 'lpar2', { vlanDir: join(dir, 'vlan'), system: 'sys2' });
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already in place; nothing changed/);
    expect(chdevs()).toBe(4);
    expect(readFileSync(join(root, 'var', 'adm', 'ras', 'vcs-reconfig.log'), 'utf8').trim().split('\n')).toHaveLength(6);
    expect(readFileSync(responderLog, 'utf8')).toMatch(/sent the DR network settings of lpar2/);
  });

  it('changes nothing when the responder does not serve this partition, or when no responder is there', async () => {
    installGuest(dir, 'other', { ipAddress: '10.10.1.99', netmask: '255.255.255.0', hostName: 'other' });
    const responderLog = await startResponder({ lpar2: DR });
    const asked = await bootGuest(dir, 'other', { vlanDir: join(dir, 'vlan'), system: 'sys2' });
    expect(asked.code).toBe(0);
    expect(asked.stdout).toMatch(/no management LPAR serves this partition \(127\.0\.0\.1:\d+: unknown-partition\); network settings unchanged/);
    expect(readFileSync(responderLog, 'utf8')).toMatch(/asked for other: not served here/);
    const root = guestRoot(dir, 'other');
    expect(existsSync(join(root, 'var', 'adm', 'sim', 'chdev.log'))).toBe(false);

    const alone = await bootGuest(dir, 'other', { vlanDir: join(dir, 'vlan'), system: 'sys1' });
    expect(alone).toMatchObject({ code: 0, stdout: expect.stringMatching(/no management LPAR on VLAN 123; network settings unchanged/) });
    expect(aix(root, 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-F', 'value']).stdout).toBe('10.10.1.99\n');
  });

  it('refuses settings that do not pass the DROpts checks, and bad usage, in one line each', async () => {
    installGuest(dir, 'lpar2', { ipAddress: '10.10.1.15', netmask: '255.255.255.0' });
    await startResponder({ lpar2: { ...DR, Gateway: '10.99.0.1' } });
    const r = await bootGuest(dir, 'lpar2', { vlanDir: join(dir, 'vlan'), system: 'sys2' });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vcs-reconfig: 127\.0\.0\.1:\d+ sent settings that are refused: Gateway 10\.99\.0\.1 is not in the subnet/);
    expect(aix(guestRoot(dir, 'lpar2'), 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-F', 'value']).stdout).toBe('10.10.1.15\n');
    const bad = spawnSync(join(BIN, 'vcs-reconfig'), ['stop'], { encoding: 'utf8', env: { ...process.env, AIXSIM_ROOT: guestRoot(dir, 'lpar2') } });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vcs-reconfig: unknown command stop\nusage: vcs-reconfig start/);
  });
});
