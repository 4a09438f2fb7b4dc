/**
 * The guest side of DR network reconfiguration and the simulated AIX it
 * runs on, real processes only: the simulated network and device commands,
 * the boot (inittab) that runs the installed vcs-reconfig service, and
 * vcs-reconfig asking a real responder process (the LPAR agent's) over the
 * simulated VLAN 123 of one managed system. The hypervisor's view
 * (platform.json) is written here as hmcsim writes it. Needs dist/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseRequest, signReply } from '../../../agents/reconfig/protocol.js';
import { aixEnv, aixRun, bootOs, installGuest, installService } from '../../../sim/aix/guest.js';
import { writePlatform, type Platform } from '../../../sim/aix/platform.js';
import { allowMs } from '../../support/timing.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const RESPONDER = join(ROOT, 'dist', 'agents', 'lpar', 'dr', 'responder-main.js');

let dir: string;
let responder: ChildProcess | undefined;
let rogue: Server | undefined;
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
  await new Promise((r) => (rogue ? rogue.close(r) : r(undefined)));
  rogue = undefined;
  rmSync(dir, { recursive: true, force: true });
});

const DR = { Device: 'en0', IPAddress: '10.20.1.15', Netmask: '255.255.255.0', Gateway: '10.20.1.1', DNSServers: '10.20.1.53 10.20.2.53', DNSSearchPath: 'dr.example.com example.com', Domain: 'dr.example.com', HostName: 'lpar2-dr' };

/** What hmcsim shows a partition of sys2: its ID and adapters (slot → VLAN). */
function hypervisor(root: string, lparName: string, lparId: number, eth: Record<number, number>, system = 'sys2'): void {
  const p: Platform = {
    system,
    typeModel: '8286-42A',
    serial: system === 'sys2' ? '21A1B2C' : '21F0F0F',
    lparId,
    lparName,
    eth: Object.entries(eth).map(([slot, vlan]) => ({ slot: Number(slot), vlan, vswitch: 'ETHERNET0', mac: `C6000000${String(lparId).padStart(2, '0')}${String(slot).padStart(2, '0')}`, trunk: false })),
    network: join(dir, 'vswitch'),
  };
  writePlatform(root, p);
}

/** A key (vcs-reconfig keygen) at `file`. */
function keygen(file: string): string {
  const r = aixRun(join(dir, 'any'), 'vcs-reconfig', ['keygen', file]);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

/** The guest lpar2 (ID 4 on sys2, VLAN 123 adapter in slot 5), its service installed with `key`. */
function guest(key: string, net = { ipAddress: '10.10.1.15', netmask: '255.255.255.0', gateway: '10.10.1.1', hostName: 'lpar2', resolvConf: 'domain prod.example.com\nnameserver 10.10.1.53\noptions timeout:2\n' }): string {
  const root = installGuest(join(dir, 'roots'), 'lpar2', net);
  hypervisor(root, 'lpar2', 4, { 2: 1, 5: 123 });
  expect(installService(root, key).code).toBe(0);
  return root;
}

/** The management LPAR mgmt2 on sys2: VLAN 123 adapter configured with the well-known address, a responder serving `served`. */
async function management(key: string, served: Record<string, { id: number; settings: Record<string, string> }>, system = 'sys2'): Promise<{ log: string }> {
  const root = join(dir, 'roots', 'mgmt2');
  mkdirSync(root, { recursive: true });
  hypervisor(root, 'mgmt2', 2, { 3: 123 }, system);
  expect(aixRun(root, 'cfgmgr', []).code).toBe(0);
  expect(aixRun(root, 'chdev', ['-l', 'en2', '-a', 'netaddr=169.254.123.1', '-a', 'netmask=255.255.0.0', '-a', 'state=up']).code).toBe(0);
  const state = join(dir, 'mgmt-dr');
  mkdirSync(join(state, 'served'), { recursive: true });
  const keys = join(dir, 'keys');
  mkdirSync(keys, { recursive: true, mode: 0o700 });
  for (const [partition, s] of Object.entries(served)) {
    writeFileSync(join(state, 'served', `${partition}.json`), JSON.stringify({ v: 2, partition, resource: partition, system: 'sys2', lparId: s.id, profile: partition, settings: s.settings, guestSlot: null }));
    writeFileSync(join(keys, `${partition}.key`), readFileSync(key), { mode: 0o600 });
  }
  responder = spawn(process.execPath, [RESPONDER, '--dir', state, '--keys', keys, '--management', 'mgmt2'], { stdio: 'ignore', env: aixEnv(root) });
  const end = Date.now() + allowMs(5_000);
  while (!existsSync(join(state, 'responder.pid'))) {
    if (Date.now() > end) throw new Error('the responder did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { log: join(state, 'responder.log') };
}

const reconfigLog = (root: string) => readFileSync(join(root, 'var', 'adm', 'ras', 'vcs-reconfig.log'), 'utf8');
const lastLine = (root: string) => reconfigLog(root).trim().split('\n').pop() ?? '';

describe('simulated AIX network and device commands', () => {
  it('chdev sets interface and inet0 attributes, lsattr reads them back, bad values and devices are refused', () => {
    const root = installGuest(dir, 'lp1', { ipAddress: '192.168.5.10', netmask: '255.255.255.0', gateway: '192.168.5.1', hostName: 'lp1' });
    expect(aixRun(root, 'lsattr', ['-El', 'en0', '-a', 'netaddr'])).toMatchObject({ code: 0, stdout: 'netaddr 192.168.5.10 Internet Address True\n' });
    expect(aixRun(root, 'chdev', ['-l', 'en0', '-a', 'netaddr=10.0.0.5', '-a', 'netmask=255.255.0.0'])).toMatchObject({ code: 0, stdout: 'en0 changed\n' });
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-a', 'netmask', '-F', 'value']).stdout).toBe('10.0.0.5\n255.255.0.0\n');
    expect(aixRun(root, 'chdev', ['-l', 'inet0', '-a', 'route=net,-hopcount,0,,0,10.0.0.1']).code).toBe(0);
    expect(aixRun(root, 'chdev', ['-l', 'inet0', '-a', 'route=net,-hopcount,0,,0,10.0.0.1'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/File exists/) });
    expect(aixRun(root, 'chdev', ['-l', 'en0', '-a', 'netaddr=10.0.0.300'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0514-018/) });
    expect(aixRun(root, 'chdev', ['-l', 'en7', '-a', 'netaddr=10.0.0.3'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0514-519/) });
    expect(aixRun(root, 'chdev', ['-l', 'en0'])).toMatchObject({ code: 2 });
    expect(aixRun(root, 'lparstat', ['-i']).stdout).toMatch(/^Partition Name\s+: lp1$/m);
    expect(aixRun(join(dir, 'nobody'), 'lparstat', ['-i']).code).toBe(1);
  });

  it('cfgmgr configures the adapters the hypervisor shows, entstat tells their VLAN, ifconfig changes only what runs, rmdev refuses a busy adapter', () => {
    const root = installGuest(dir, 'lp1', { ipAddress: '10.0.0.5', netmask: '255.255.255.0' });
    hypervisor(root, 'lp1', 7, { 5: 123 });
    expect(aixRun(root, 'lparstat', ['-i']).stdout).toMatch(/^Partition Number\s+: 7$/m);
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'sys0', '-a', 'systemid', '-F', 'value']).stdout).toBe('IBM,0221A1B2C\n');
    expect(aixRun(root, 'cfgmgr', []).code).toBe(0);
    expect(aixRun(root, 'lsdev', ['-C', '-c', 'adapter', '-F', 'name status physloc']).stdout).toBe('ent0 Available \nent2 Available U8286.42A.21A1B2C-V7-C5-T1\n');
    expect(aixRun(root, 'entstat', ['-d', 'ent2']).stdout).toMatch(/Port VLAN ID:\s+123\n/);
    expect(aixRun(root, 'entstat', ['-d', 'ent0'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0909-003/) });

    expect(aixRun(root, 'ifconfig', ['en2', 'inet', '169.254.1.7', 'netmask', '255.255.0.0', 'up']).code).toBe(0);
    expect(aixRun(root, 'ifconfig', ['en2']).stdout).toMatch(/UP.*\n\tinet 169\.254\.1\.7 netmask 0xffff0000/);
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'en2', '-a', 'netaddr', '-F', 'value']).stdout).toBe('\n');
    expect(aixRun(root, 'rmdev', ['-d', '-l', 'ent2'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/0514-062/) });
    expect(aixRun(root, 'ifconfig', ['en2', 'inet', '169.254.1.7', 'delete']).code).toBe(0);
    expect(aixRun(root, 'ifconfig', ['en2', 'inet', '169.254.1.7', 'delete'])).toMatchObject({ code: 1 });
    expect(aixRun(root, 'rmdev', ['-R', '-d', '-l', 'ent2'])).toMatchObject({ code: 0, stdout: 'en2 deleted\nent2 deleted\n' });
    // The slot is still there: the next cfgmgr finds it again.
    expect(aixRun(root, 'cfgmgr', []).code).toBe(0);
    expect(aixRun(root, 'lsdev', ['-C', '-l', 'ent2']).stdout).toMatch(/^ent2\s+Available/);
  });

  it('mkitab adds after a record, refuses a duplicate; lsitab and rmitab; vcs-reconfig install, status and uninstall', () => {
    const key = keygen(join(dir, 'k'));
    expect(aixRun(join(dir, 'any'), 'vcs-reconfig', ['keygen', key])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    const root = installGuest(dir, 'lp1');
    hypervisor(root, 'lp1', 4, { 5: 123 });
    expect(aixRun(root, 'vcs-reconfig', ['status'])).toMatchObject({ code: 1, stdout: expect.stringMatching(/service: not installed/) });
    const inst = installService(root, key);
    expect(inst.code, inst.stderr).toBe(0);
    expect(inst.stdout).toMatch(/added to \/etc\/inittab: vcsreconfig:2:wait:\/etc\/rc.d\/init.d\/vcs-reconfig start >\/dev\/console 2>&1/);
    const tab = readFileSync(join(root, 'etc', 'inittab'), 'utf8').split('\n').map((l) => l.split(':')[0]);
    expect(tab.indexOf('vcsreconfig')).toBe(tab.indexOf('rc') + 1);
    expect(tab.indexOf('vcsreconfig')).toBeLessThan(tab.indexOf('ctrmc'));
    expect(installService(root, undefined).stdout).toMatch(/already has vcsreconfig/);
    expect(aixRun(root, 'mkitab', ['vcsreconfig:2:once:/bin/true'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) });
    expect(aixRun(root, 'lsitab', ['vcsreconfig']).stdout).toMatch(/^vcsreconfig:2:wait:/);
    aixRun(root, 'cfgmgr', []);
    const st = aixRun(root, 'vcs-reconfig', ['status']);
    expect(st.code, st.stdout).toBe(0);
    expect(st.stdout).toMatch(/service: installed .*\nkey: \/etc\/vcs-reconfig\/key \(mode 0600\)\nVLAN 123 adapter: ent2\nlast run: never/);
    chmodSync(join(root, 'etc', 'vcs-reconfig', 'key'), 0o644);
    expect(aixRun(root, 'vcs-reconfig', ['status'])).toMatchObject({ code: 1, stdout: expect.stringMatching(/key: DR key .*mode 0644 lets others read it: chmod 600/) });
    expect(aixRun(root, 'vcs-reconfig', ['uninstall']).stdout).toMatch(/removed vcsreconfig from \/etc\/inittab\nremoved \/etc\/rc.d\/init.d\/vcs-reconfig/);
    expect(aixRun(root, 'lsitab', ['vcsreconfig']).code).toBe(1);
    expect(aixRun(root, 'vcs-reconfig', ['stop'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^vcs-reconfig: unknown command stop\nusage: vcs-reconfig start/) });
  });
});

describe('vcs-reconfig at boot', () => {
  it('the boot runs the installed service, which applies the settings of its own site, removes its VLAN address, and changes nothing the second time', async () => {
    const key = keygen(join(dir, 'k'));
    const root = guest(key);
    const { log } = await management(key, { lpar2: { id: 4, settings: DR } });
    expect((await bootOs(root)).code).toBe(0);
    const v = (dev: string, a: string) => aixRun(root, 'lsattr', ['-E', '-l', dev, '-a', a, '-F', 'value']).stdout.trim();
    expect([v('en0', 'netaddr'), v('en0', 'netmask'), v('en0', 'state'), v('inet0', 'route'), v('inet0', 'hostname')]).toEqual(['10.20.1.15', '255.255.255.0', 'up', 'net,-hopcount,0,,0,10.20.1.1', 'lpar2-dr']);
    expect(readFileSync(join(root, 'etc', 'resolv.conf'), 'utf8')).toBe('domain dr.example.com\nsearch dr.example.com example.com\nnameserver 10.20.1.53\nnameserver 10.20.2.53\noptions timeout:2\n');
    expect(readFileSync(join(root, 'etc', 'resolv.conf.previous'), 'utf8')).toContain('prod.example.com');
    expect(reconfigLog(root)).toMatch(/lpar2: en0: address 10\.10\.1\.15\/255\.255\.255\.0 -> 10\.20\.1\.15\/255\.255\.255\.0 \(from mgmt2 at 169\.254\.123\.1:14123\)/);
    expect(readFileSync(join(root, 'dev', 'console'), 'utf8')).toMatch(/vcs-reconfig: lpar2: host name lpar2 -> lpar2-dr/);
    // The VLAN address was there for the request only (ifconfig: running, never the ODM).
    const ifc = readFileSync(join(root, 'var', 'adm', 'sim', 'ifconfig.log'), 'utf8');
    expect(ifc).toMatch(/"ifconfig","en3","inet","169\.254\.1\.4","netmask","255\.255\.0\.0","up"/);
    expect(ifc).toMatch(/"ifconfig","en3","inet","169\.254\.1\.4","delete"/);
    expect(aixRun(root, 'ifconfig', ['-a']).stdout).not.toMatch(/169\.254/);
    expect(readFileSync(log, 'utf8')).toMatch(/sent the DR network settings of lpar2 \(ID 4, resource lpar2\)/);

    const chdevs = () => readFileSync(join(root, 'var', 'adm', 'sim', 'chdev.log'), 'utf8').trim().split('\n').length;
    const n = chdevs();
    expect((await bootOs(root)).code).toBe(0);
    expect(lastLine(root)).toMatch(/already in place; nothing changed/);
    expect(chdevs()).toBe(n);
  });

  it('a reply for another partition, or that does not verify, changes nothing', async () => {
    const key = keygen(join(dir, 'k'));
    const root = guest(key);
    // A rogue answerer on sys2's VLAN 123 that knows the key but answers for someone else.
    const rogueKey = Buffer.from(readFileSync(key, 'utf8').trim(), 'hex');
    let asWho = 'someoneelse';
    rogue = createServer((s) =>
      s.once('data', (d) => {
        const req = parseRequest(d.toString().trim());
        if (typeof req === 'string') return s.end();
        const reply = signReply(rogueKey, { partition: asWho, id: req.id, systemid: req.systemid, management: 'rogue', nonce: req.nonce, time: req.time, settings: { Device: 'en0', HostName: asWho } });
        s.end(`${JSON.stringify(reply)}\n`);
      }),
    );
    await new Promise<void>((r) => rogue!.listen(0, '127.0.0.1', () => r()));
    const seg = join(dir, 'vswitch', 'sys2', 'ETHERNET0', 'vlan123');
    mkdirSync(seg, { recursive: true });
    writeFileSync(join(seg, '169.254.123.1_14123.json'), JSON.stringify({ port: (rogue.address() as { port: number }).port, pid: process.pid }));
    await bootOs(root);
    expect(lastLine(root)).toMatch(/lpar2: the reply from 169\.254\.123\.1:14123 is refused: it is for partition someoneelse, not lpar2; nothing applied/);
    asWho = 'lpar2';
    writeFileSync(join(root, 'etc', 'vcs-reconfig', 'key'), `${'cd'.repeat(32)}\n`, { mode: 0o600 });
    await bootOs(root);
    expect(lastLine(root)).toMatch(/the reply from 169\.254\.123\.1:14123 does not verify with .*key \(HMAC-SHA256\)/);
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'inet0', '-a', 'hostname', '-F', 'value']).stdout).toBe('lpar2\n');
  });

  it('no responder, no VLAN 123 adapter, another site\'s VLAN: nothing changes, and the log says why', async () => {
    const key = keygen(join(dir, 'k'));
    const root = guest(key);
    expect((await bootOs(root)).code).toBe(0);
    expect(lastLine(root)).toMatch(/lpar2: no answer from the management LPAR at 169\.254\.123\.1:14123 on VLAN 123 \(en3 169\.254\.1\.4\): ECONNREFUSED; network settings unchanged/);
    // A responder on sys1's VLAN 123 only: the guest on sys2 cannot reach it.
    await management(key, { lpar2: { id: 4, settings: DR } }, 'sys1');
    expect((await bootOs(root)).code).toBe(0);
    expect(lastLine(root)).toMatch(/lpar2: no answer from the management LPAR .*: ECONNREFUSED; network settings unchanged/);
    // The partition started without its VLAN 123 adapter.
    hypervisor(root, 'lpar2', 4, { 2: 1 });
    expect((await bootOs(root)).code).toBe(0);
    expect(lastLine(root)).toMatch(/lpar2: no adapter on VLAN 123 \(entstat -d\): no management LPAR serves this boot; network settings unchanged/);
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-F', 'value']).stdout).toBe('10.10.1.15\n');
  });

  it('refuses settings that do not pass the DROpts checks, in one line, and applies nothing', async () => {
    const key = keygen(join(dir, 'k'));
    const root = guest(key);
    await management(key, { lpar2: { id: 4, settings: { ...DR, Gateway: '10.99.0.1' } } });
    aixRun(root, 'cfgmgr', []);
    const r = aixRun(root, 'vcs-reconfig', ['start']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^vcs-reconfig: 169\.254\.123\.1:14123 sent settings that are refused: Gateway 10\.99\.0\.1 is not in the subnet/);
    expect(aixRun(root, 'lsattr', ['-E', '-l', 'en0', '-a', 'netaddr', '-F', 'value']).stdout).toBe('10.10.1.15\n');
  });
});
