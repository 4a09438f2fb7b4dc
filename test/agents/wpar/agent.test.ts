/**
 * The WPAR agent as VCS runs it: bin/vcsagent WPAR EP RES ArgList... as a
 * process, the simulated AIX WPAR commands on PATH over a temporary
 * $AIXSIM_ROOT. Every lswpar state, online/offline/clean including a hung
 * stopwpar and a Broken WPAR, DROpts, resource controls, bad input.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { requireBuild, ROOT, STACK, type VcsTree, vcsagent, vcsTree } from '../../bin/helpers.js';

const BIN = join(ROOT, 'sim', 'aix', 'bin');
let tree: VcsTree;
let sim: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => requireBuild());
beforeEach(() => {
  tree = vcsTree({ sysname: 'sysA' });
  sim = mkdtempSync(join(tmpdir(), 'wpar-agent-'));
  env = { ...tree.env, PATH: `${BIN}:${process.env.PATH}`, AIXSIM_ROOT: sim };
  aix('mkwpar', ['-n', 'w1']);
  aix('wparsim', ['delay', 'w1', '50']);
});
afterEach(() => {
  tree.cleanup();
  rmSync(sim, { recursive: true, force: true });
});

function aix(cmd: string, args: string[]) {
  const r = spawnSync(join(BIN, cmd), args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const stateOf = (w = 'w1') => aix('lswpar', ['-cq', '-a', 'state', w]).trim();
const commands = () =>
  existsSync(join(sim, 'var/adm/wpar.log'))
    ? readFileSync(join(sim, 'var/adm/wpar.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l).argv as string[]).join(' ')).filter((c) => !/^(mkwpar|clogin) /.test(c))
    : [];

interface Attrs {
  grace?: number;
  rset?: string;
  workload?: Record<string, string>;
  dropts?: Record<string, string>;
  container?: Record<string, string> | null;
  aep?: number;
}
function argvOf(a: Attrs = {}): string[] {
  const assoc = (name: string, m: Record<string, string> = {}) => [name, String(Object.keys(m).length * 2), ...Object.entries(m).flat()];
  const out = ['ShutdownGracePeriod', '1', String(a.grace ?? 0), 'ResourceSet', a.rset ? '1' : '0', ...(a.rset ? [a.rset] : []), ...assoc('WorkLoad', a.workload), ...assoc('DROpts', a.dropts)];
  if (a.aep) out.push('AEPTimeout', '1', String(a.aep));
  if (a.container !== null) out.push(...assoc('ContainerInfo', a.container ?? { Name: 'w1', Type: 'WPAR', Enabled: '1' }));
  return out;
}
function ep(entryPoint: string, a: Attrs = {}, res = 'wpar_res', leading: string[] = []) {
  const r = vcsagent(['WPAR', entryPoint, res, ...leading, ...argvOf(a)], env, 120_000);
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).toBe('');
  return r.status;
}
const log = () => tree.logLines('WPAR').join('\n');

describe('monitor: lswpar states as VCS exit codes', () => {
  it.each([
    ['A', 110],
    ['D', 100],
    ['B', 100],
    ['F', 99],
    ['P', 99],
    ['T', 99],
    ['L', 99],
  ])('%s → %i', (letter, code) => {
    aix('wparsim', ['set', 'w1', letter]);
    expect(ep('monitor', { aep: 6 })).toBe(code);
  });

  it('a WPAR the host does not list is offline, with a warning', () => {
    expect(ep('monitor', { container: { Name: 'ghost', Type: 'WPAR', Enabled: '1' } })).toBe(100);
    expect(log()).toMatch(/WARNING .*WPAR:wpar_res:monitor:WPAR ghost is not defined on sysA/);
  });

  it('a transition that ends within a few seconds is reported as its end state', () => {
    aix('wparsim', ['set', 'w1', 'T']);
    const later = spawn('/bin/sh', ['-c', `sleep 1; "${join(BIN, 'wparsim')}" set w1 A`], { env, stdio: 'ignore' });
    expect(ep('monitor', { aep: 30 })).toBe(110);
    later.kill();
  });

  it('takes the WPAR name from ContainerInfo; without one for this system it refuses rather than guess from the resource name', () => {
    aix('mkwpar', ['-n', 'other']);
    aix('startwpar', ['other']);
    expect(ep('monitor', { container: { Name: 'other', Type: 'WPAR', Enabled: '1' } }, 'w1')).toBe(110);
    // Before: a group with ContainerInfo only @sysA made the agent on sysB manage the WPAR named like the resource.
    expect(ep('monitor', { container: null }, 'other')).toBe(99);
    expect(ep('online', { container: null }, 'w1')).toBe(0);
    expect(stateOf()).toBe('D');
    expect(commands()).toEqual(['startwpar other']);
    expect(log()).toMatch(/ERROR .*WPAR:other:monitor:WPAR \(resource other\): ContainerInfo does not name a WPAR for sysA: set ContainerInfo@sysA = \{ Name = <wpar>, Type = WPAR, Enabled = 1 \}/);
  });

  it('a WPAR name mkwpar accepts is used as is (the verifier accepts it too)', () => {
    aix('mkwpar', ['-n', 'w@1']);
    aix('startwpar', ['w@1']);
    expect(ep('monitor', { container: { Name: 'w@1', Type: 'WPAR', Enabled: '1' } })).toBe(110);
  });
});

describe('online, offline, clean', () => {
  it('online sets the resource controls, starts the WPAR, writes DROpts; offline stops it within ShutdownGracePeriod', () => {
    writeFileSync(join(sim, 'wpars/w1/etc/resolv.conf'), 'nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:2\n');
    const attrs: Attrs = {
      grace: 20,
      rset: 'sys/node.01',
      workload: { shares_CPU: '20', memory: '5%-50%,80%' },
      dropts: { DNSServers: '10.20.1.53 10.20.2.53', DNSSearchPath: 'site2.example.com,example.com', DNSDomain: 'site2.example.com' },
    };
    expect(ep('online', attrs)).toBe(0);
    expect(stateOf()).toBe('A');
    expect(readFileSync(join(sim, 'wpars/w1/etc/resolv.conf'), 'utf8')).toBe(
      'nameserver 10.20.1.53\nnameserver 10.20.2.53\noptions ndots:2\ndomain site2.example.com\nsearch site2.example.com example.com\n',
    );
    expect(readFileSync(join(sim, 'wpars/w1/etc/resolv.conf.previous'), 'utf8')).toBe('nameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:2\n');
    expect(aix('clogin', ['w1', 'cat', '/etc/resolv.conf'])).toContain('nameserver 10.20.1.53');
    expect(ep('monitor', attrs)).toBe(110);
    expect(ep('online', attrs)).toBe(0);
    expect(ep('offline', attrs)).toBe(0);
    expect(stateOf()).toBe('D');
    expect(ep('offline', attrs)).toBe(0);
    expect(commands()).toEqual(['chwpar -R rset=sys/node.01 shares_CPU=20 memory=5%-50%,80% w1', 'startwpar w1', 'stopwpar -t 20 w1']);
    expect(JSON.parse(aix('wparsim', ['dump'])).wpars.w1.resourceControls).toEqual({ rset: 'sys/node.01', shares_CPU: '20', memory: '5%-50%,80%' });
    expect(log()).toMatch(/INFO .*WPAR:wpar_res:online:DROpts written to .*resolv\.conf \(the old file kept as resolv\.conf\.previous\)/);
    expect(log()).toMatch(/WPAR:wpar_res:online:WPAR w1 is already Active/);
  });

  it('a stopwpar that hangs past ShutdownGracePeriod: the WPAR is stopped with -F', () => {
    aix('startwpar', ['w1']);
    aix('wparsim', ['fault', 'w1', 'stopHang', 'on']);
    expect(ep('offline', { grace: 1 })).toBe(0);
    expect(stateOf()).toBe('D');
    expect(commands().slice(-2)).toEqual(['stopwpar -t 1 w1', 'stopwpar -F w1']);
    expect(log()).toMatch(/WARNING .*offline:stopwpar -t 1 w1 exited 1: stopwpar: Timed out/);
    expect(log()).toMatch(/WARNING .*offline:WPAR w1 is Active \(A\) after a normal stop: stopping it with -F/);
  });

  it('ShutdownGracePeriod longer than OfflineTimeout allows is cut, leaving time for the forced stop', () => {
    aix('startwpar', ['w1']);
    aix('wparsim', ['fault', 'w1', 'stopHang', 'on']);
    expect(ep('offline', { grace: 600, aep: 12 })).toBe(0);
    expect(stateOf()).toBe('D');
    const stops = commands().filter((c) => c.startsWith('stopwpar'));
    expect(stops[0]).toMatch(/^stopwpar -t [1-8] w1$/);
    expect(stops[1]).toBe('stopwpar -F w1');
    expect(log()).toMatch(/ShutdownGracePeriod 600 s is more than OfflineTimeout leaves/);
  });

  it('a Broken WPAR: monitor offline, clean stops it with -F; online of a Broken WPAR stops it first', () => {
    aix('startwpar', ['w1']);
    aix('wparsim', ['crash', 'w1']);
    expect(ep('monitor')).toBe(100);
    expect(ep('clean', {}, 'wpar_res', ['4'])).toBe(0);
    expect(stateOf()).toBe('D');
    expect(log()).toMatch(/NOTICE .*clean:cleaning WPAR w1 \(unexpected-offline\), which is Broken \(B\): stopwpar -F/);
    aix('wparsim', ['set', 'w1', 'B']);
    expect(ep('online')).toBe(0);
    expect(stateOf()).toBe('A');
    expect(commands().slice(-2)).toEqual(['stopwpar -F w1', 'startwpar w1']);
  });

  it('clean fails (exit 1) when -F and -h leave the WPAR up; it succeeds on a WPAR already down', () => {
    aix('startwpar', ['w1']);
    aix('wparsim', ['fault', 'w1', 'unkillable', 'on']);
    expect(ep('clean', {}, 'wpar_res', ['0'])).toBe(1);
    expect(stateOf()).toBe('B');
    expect(commands().slice(-2)).toEqual(['stopwpar -F w1', 'stopwpar -h w1']);
    expect(log()).toMatch(/ERROR .*clean:WPAR w1 is still Broken \(B\) after stopwpar -F and -h/);
    aix('wparsim', ['fault', 'w1', 'unkillable', 'off']);
    expect(ep('clean', {}, 'wpar_res', ['0'])).toBe(0);
    expect(ep('clean', {}, 'wpar_res', ['0'])).toBe(0);
    expect(stateOf()).toBe('D');
  });

  it('a startwpar that hangs is killed at the online timeout; the monitor says unknown; clean brings it down', () => {
    aix('wparsim', ['fault', 'w1', 'startHang', 'on']);
    expect(ep('online', { aep: 6 })).toBe(0);
    expect(stateOf()).toBe('T');
    expect(log()).toMatch(/ERROR .*online:startwpar w1 exited .*killed at the online timeout/);
    expect(ep('monitor', { aep: 3 })).toBe(99);
    expect(ep('clean', {}, 'wpar_res', ['2'])).toBe(0);
    expect(stateOf()).toBe('D');
  });
});

describe('DROpts, resource controls and names are checked before anything runs', () => {
  it.each([
    [{ DNSServers: '999.1.1.1' }, /DROpts DNSServers: "999\.1\.1\.1" is not an IP address; nothing started or written/],
    [{ DNSSearchPath: 'ok.example bad..example' }, /DROpts DNSSearchPath: "bad\.\.example" is not a domain name/],
    [{ DNSDomain: '-bad.example' }, /DROpts DNSDomain "-bad\.example" is not a domain name/],
    [{ DNSDomain: 'a.example b.example' }, /is not one domain name/],
    [{ Gateway: '10.0.0.1' }, /DROpts Gateway is not a DROpts key of WPAR \(keys: DNSServers, DNSSearchPath, DNSDomain\)/],
    [{ DNSServers: '10.0.0.1;reboot' }, /"reboot" is not an IP address/],
  ])('DROpts %j refused', (dropts, message) => {
    expect(ep('online', { dropts })).toBe(0);
    expect(stateOf()).toBe('D');
    expect(commands()).toEqual([]);
    expect(log()).toMatch(new RegExp(`ERROR .*WPAR:wpar_res:online:.*${message.source}`));
    expect(existsSync(join(sim, 'wpars/w1/etc/resolv.conf'))).toBe(false);
  });

  it.each([
    [{ rset: 'noslash' }, /ResourceSet "noslash" is not an rset name/],
    [{ workload: { shares_CPU: '0' } }, /WorkLoad shares_CPU = "0": expected shares from 1 to 65535/],
    [{ workload: { shares_CPU: '70000' } }, /expected shares from 1 to 65535/],
    [{ workload: { CPU: '50' } }, /WorkLoad CPU = "50": expected min%-softmax%,hardmax%/],
    [{ workload: { 'rset=x': '1' } }, /WorkLoad key "rset=x" is not a chwpar -R resource control/],
    [{ workload: { rset: 'a/b' } }, /WorkLoad rset: the rset is the ResourceSet attribute/],
  ])('resource controls %j refused', (attrs, message) => {
    expect(ep('online', attrs)).toBe(0);
    expect(stateOf()).toBe('D');
    expect(commands()).toEqual([]);
    expect(log()).toMatch(message);
  });

  it('unsafe WPAR names and bad ArgLists: one log line, the failure code, no stack trace', () => {
    for (const name of ['w1;reboot', '-F', '$(id)', '../w1', 'a'.repeat(26)]) {
      expect(ep('monitor', { container: { Name: name, Type: 'WPAR', Enabled: '1' } })).toBe(99);
      expect(ep('online', { container: { Name: name, Type: 'WPAR', Enabled: '1' } })).toBe(0);
    }
    expect(log()).toMatch(/ERROR .*monitor:.*refusing unsafe WPAR name "w1;reboot"/);
    expect(ep('monitor', { container: { Name: 'w1', Type: 'Zone', Enabled: '1' } })).toBe(99);
    expect(log()).toMatch(/ContainerInfo on sysA: Type is Zone; on AIX the container type is WPAR/);
    const bad = vcsagent(['WPAR', 'monitor', 'wpar_res', 'ShutdownGracePeriod', '1', 'soon'], env);
    expect(bad.status).toBe(99);
    expect(bad.stderr).not.toMatch(STACK);
    expect(commands()).toEqual([]);
    for (const line of tree.logLines('WPAR')) expect(line).not.toMatch(/^\s+at /);
  });
});

describe('values the verifier accepts with a warning are accepted by the agent', () => {
  it('IPv6 and semicolon-separated name servers, more than the resolver reads, an empty DNSDomain: online writes them and says so', () => {
    writeFileSync(join(sim, 'wpars/w1/etc/resolv.conf'), 'domain old.example\n');
    const search = 'a.example b.example c.example d.example e.example f.example g.example';
    const dropts = { DNSServers: 'fd00::53;10.0.0.2;10.0.0.3;10.0.0.4', DNSSearchPath: search, DNSDomain: '' };
    // Before: the four servers and seven domains were refused here but passed vcscf verify; fd00::53 the reverse.
    expect(ep('online', { dropts })).toBe(0);
    expect(stateOf()).toBe('A');
    expect(readFileSync(join(sim, 'wpars/w1/etc/resolv.conf'), 'utf8')).toBe(
      `domain old.example\nsearch ${search}\nnameserver fd00::53\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nnameserver 10.0.0.4\n`,
    );
    expect(log()).toMatch(/WARNING .*online:WPAR w1: DROpts DNSServers has 4 name servers; the resolver uses the first 3/);
    expect(log()).toMatch(/WARNING .*online:WPAR w1: DROpts DNSSearchPath has 7 domains/);
    expect(log()).toMatch(/WARNING .*online:WPAR w1: DROpts DNSDomain is empty: it is not applied/);
  });
});

describe('Frozen and Paused WPARs are left to their administrator', () => {
  it.each(['F', 'P'])('%s: online refused, and monitor never reports ONLINE after it; offline and clean refuse too', (letter) => {
    aix('wparsim', ['set', 'w1', letter]);
    expect(ep('online')).toBe(0);
    // Before: 101 (online, confidence 10), so VCS took the refused online for a success.
    expect(ep('monitor')).toBe(99);
    expect(ep('offline')).toBe(0);
    expect(ep('clean', {}, 'wpar_res', ['2'])).toBe(1);
    expect(stateOf()).toBe(letter);
    expect(commands()).toEqual([]);
    expect(log()).toMatch(/ERROR .*online:WPAR w1: is (Frozen|Paused) \([FP]\): resume it/);
    expect(log()).toMatch(/WARNING .*monitor:WPAR w1 is (Frozen|Paused) \([FP]\): neither running nor stopped, reported unknown/);
    expect(log()).toMatch(/ERROR .*clean:WPAR w1 is (Frozen|Paused) \([FP]\): not cleaned/);
  });
});

const marker = () => join(tree.log, 'tmp', 'WPAR', 'wpar_res.online');

describe('ContainerInfo Enabled 2: the WPAR is ignored on this system', () => {
  const attrs: Attrs = { container: { Name: 'w1', Type: 'WPAR', Enabled: '2' } };

  it('online, monitor and offline work without any WPAR command', () => {
    expect(ep('monitor', attrs)).toBe(100);
    expect(ep('online', attrs)).toBe(0);
    expect(ep('monitor', attrs)).toBe(110);
    expect(ep('offline', attrs)).toBe(0);
    expect(ep('monitor', attrs)).toBe(100);
    expect(ep('online', attrs)).toBe(0);
    expect(ep('clean', attrs, 'wpar_res', ['4'])).toBe(0);
    expect(ep('monitor', attrs)).toBe(100);
    expect(commands()).toEqual([]);
    expect(stateOf()).toBe('D');
    expect(log()).toMatch(/WPAR w1 is not used on sysA \(ContainerInfo Enabled 2: the WPAR is ignored, the application runs on the system itself\): online in the global environment/);
  });

  it('the online record does not survive a reboot: monitor reports offline and removes it', () => {
    expect(ep('online', attrs)).toBe(0);
    const record = JSON.parse(readFileSync(marker(), 'utf8'));
    expect(record).toMatchObject({ system: 'sysA', wpar: 'w1', enabled: '2', agent: { pid: process.pid } });
    writeFileSync(marker(), JSON.stringify({ ...record, boot: 'boot_id:before-the-crash' }));
    // Before: the record was a bare file, and a rebooted node reported the group ONLINE at its first probe.
    expect(ep('monitor', attrs)).toBe(100);
    expect(existsSync(marker())).toBe(false);
    expect(log()).toMatch(/NOTICE .*monitor:WPAR resource wpar_res: the online record .* is void \(it was written before the system last booted\)/);
  });

  it('a shell between the agent and the entry point (sh -c without exec) is looked through: the record holds', () => {
    const viaShell = (ep: string) => spawnSync('/bin/sh', ['-c', '"$0" "$@"; exit $?', join(ROOT, 'bin', 'vcsagent'), 'WPAR', ep, 'wpar_res', ...argvOf(attrs)], { env, encoding: 'utf8' }).status;
    expect(viaShell('online')).toBe(0);
    expect(JSON.parse(readFileSync(marker(), 'utf8'))).toMatchObject({ agent: { pid: process.pid } });
    expect(viaShell('monitor')).toBe(110);
    expect(ep('monitor', attrs)).toBe(110);
  });

  it('nor a restart of the agent (another agent process, the one that wrote it gone), nor an old plain record', () => {
    // online run by an agent process that then exits (killed after it): the monitor comes from another one.
    const agent = "process.exit(require('node:child_process').spawnSync(process.argv[1], process.argv.slice(2), { stdio: 'inherit' }).status)";
    const r = spawnSync(process.execPath, ['-e', agent, join(ROOT, 'bin', 'vcsagent'), 'WPAR', 'online', 'wpar_res', ...argvOf(attrs)], { env, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(existsSync(marker())).toBe(true);
    expect(ep('monitor', attrs)).toBe(100);
    expect(log()).toMatch(/is void \(the agent process that wrote it \(PID \d+\) is gone: VCS or its agent restarted since\)/);
    writeFileSync(marker(), 'sysA\n');
    expect(ep('monitor', attrs)).toBe(100);
    expect(existsSync(marker())).toBe(false);
  });
});

describe('ContainerInfo Enabled 0: the container is disabled on this system', () => {
  const attrs: Attrs = { container: { Name: 'w1', Type: 'WPAR', Enabled: '0' } };

  it('like Enabled 2 the WPAR is not started, but online refuses while the WPAR runs there (the application would run twice)', () => {
    expect(ep('online', attrs)).toBe(0);
    expect(ep('monitor', attrs)).toBe(110);
    expect(ep('offline', attrs)).toBe(0);
    expect(commands()).toEqual([]);
    expect(log()).toMatch(/WPAR w1 is not used on sysA \(ContainerInfo Enabled 0: the container is disabled here\)/);
    aix('startwpar', ['w1']);
    expect(ep('online', attrs)).toBe(0);
    expect(ep('monitor', attrs)).toBe(100);
    expect(log()).toMatch(/ERROR .*online:WPAR w1: is Active \(A\) on sysA, where ContainerInfo Enabled = 0/);
    expect(commands()).toEqual(['startwpar w1']);
  });

  it('imf_register refuses both 0 and 2 (VCF704 asks for IMF Mode 0 there)', () => {
    for (const enabled of ['0', '2']) {
      const r = vcsagent(['WPAR', 'imf_register', 'wpar_res', 'start', 'online', ...argvOf({ container: { Name: 'w1', Type: 'WPAR', Enabled: enabled } })], env);
      expect(r.status).toBe(1);
    }
    expect(log()).toMatch(/imf_register:WPAR w1: not used on sysA \(ContainerInfo Enabled 0\): set IMF Mode 0 for this system/);
    expect(log()).toMatch(/imf_register:WPAR w1: not used on sysA \(ContainerInfo Enabled 2\)/);
  });
});
