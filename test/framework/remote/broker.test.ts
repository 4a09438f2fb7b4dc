/**
 * The connection broker, all real: the loopback ssh2 test server in this
 * process, brokers as detached processes (dist/framework/remote/broker-main.js)
 * on real Unix sockets, and clients as processes of their own
 * (fixtures/broker-client.mjs), as VCS runs entry points. Needs dist/.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerChannel } from 'ssh2';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { brokerPing, brokerProfile, brokerFiles, brokerName, profileText, retireBroker, serveRemote, type BrokerFiles } from '../../../framework/remote/index.js';
import { buildStamp } from '../../../framework/remote/broker-paths.js';
import { allowMs } from '../../support/timing.js';
import { fixture, sleep, type Fixture } from './helpers/fixture.js';
import { BROKER_MAIN, brokerPids, requireDist, runClient, startBrokerProcess, stopBrokers, waitFor, type ClientSpec } from './helpers/brokers.js';
import { bashHandler, parsePrintargs, type TestSshServer } from './helpers/ssh-server.js';

let f: Fixture;
let dir: string;
let scratch: string;

beforeAll(() => requireDist());
beforeEach(() => {
  f = fixture();
  scratch = mkdtempSync(join(tmpdir(), 'vcspvm-brk-'));
  dir = join(scratch, 'remote');
});
afterEach(async () => {
  await stopBrokers(dir);
  expect(brokerPids(dir)).toEqual([]);
  await f.dispose();
  rmSync(scratch, { recursive: true, force: true });
});

/** The broker files a client with these settings uses (the same computation as the client's). */
function filesFor(extra: { strict?: string } = {}): BrokerFiles {
  const profile = profileText(
    brokerProfile({ endpoints: [], sshConfigPath: 'none', ...(extra.strict ? { strictHostKeyChecking: extra.strict as 'no' } : {}) }, { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }),
  );
  return brokerFiles(dir, brokerName(profile));
}

function spec(s: TestSshServer, commands: ClientSpec['commands'], extra: Partial<ClientSpec> = {}): ClientSpec {
  return { endpoints: [{ host: s.host, port: s.port, user: 'hscroot' }], dir, commands, ...extra };
}

const client = (sp: ClientSpec, env: Record<string, string> = {}) => runClient(f.home.home, sp, env);

/** Runs one client so that a broker starts, and waits until it serves (connected ahead of the next command). */
async function warmBroker(s: TestSshServer): Promise<number> {
  const first = await client(spec(s, [{ argv: ['echo', 'warm'] }]));
  expect(first.results[0]).toMatchObject({ ok: true });
  const files = filesFor();
  let pid = 0;
  await waitFor(async () => {
    pid = (await brokerPing(files))?.pid ?? 0;
    return pid > 0;
  }, 10_000, 'the broker to serve');
  await waitFor(() => readLog(files).includes('connected ahead of the first command'), 10_000, 'the broker to connect');
  return pid;
}

function readLog(files: BrokerFiles): string {
  try {
    return readFileSync(files.log, 'utf8');
  } catch {
    return '';
  }
}

describe('sharing one login', () => {
  it('serves N client processes over one SSH login, and they load no ssh2', async () => {
    const s = await f.server({ onCommand: (c) => ({ stdout: `${c}\n` }) });
    const pid = await warmBroker(s);
    const logins = s.logins;
    const connections = s.connections;
    const outs = await Promise.all(Array.from({ length: 6 }, (_, i) => client(spec(s, [{ argv: ['lssyscfg', '-r', 'lpar', '-F', `n${i}`] }]))));
    for (const [i, o] of outs.entries()) {
      expect(o.results[0]).toMatchObject({ ok: true, code: 0, stdout: `lssyscfg -r lpar -F n${i}\n`, endpoint: { port: s.port, index: 0 } });
      expect(o.ssh2Loaded).toBe(false);
    }
    expect(s.logins).toBe(logins);
    expect(s.connections).toBe(connections);
    expect((await brokerPing(filesFor()))?.pid).toBe(pid);
    expect(brokerPids(dir)).toEqual([pid]);
  });

  it('the first process runs directly (and loads ssh2) while it starts the broker; owner-only files', async () => {
    const s = await f.server();
    const first = await client(spec(s, [{ argv: ['echo', 'one'] }]));
    expect(first.results[0]).toMatchObject({ ok: true });
    expect(first.ssh2Loaded).toBe(true);
    expect(first.logs.some((l) => l.message === 'ssh: started a connection broker')).toBe(true);
    const files = filesFor();
    await waitFor(async () => (await brokerPing(files)) !== undefined, 10_000, 'the broker');
    const mode = (p: string) => spawnSync('stat', ['-c', '%a', p], { encoding: 'utf8' }).stdout.trim();
    expect(mode(dir)).toBe('700');
    expect(mode(files.socket)).toBe('600');
    expect(mode(files.token)).toBe('600');
  });

  it('returns stdout, stderr and a non-zero exit apart, as a direct run does', async () => {
    const s = await f.server({ onCommand: () => ({ stdout: 'out\n', stderr: 'HSCL1234 no such thing\n', code: 1 }) });
    await warmBroker(s);
    const o = await client(spec(s, [{ argv: ['lssyscfg'] }]));
    expect(o.results[0]).toMatchObject({ ok: true, stdout: 'out\n', stderr: 'HSCL1234 no such thing\n', code: 1 });
    expect(o.ssh2Loaded).toBe(false);
  });

  it('keeps clients with other security settings apart (another broker, another socket)', async () => {
    const s = await f.server();
    await warmBroker(s);
    const strictFiles = filesFor();
    const laxFiles = filesFor({ strict: 'no' });
    expect(laxFiles.socket).not.toBe(strictFiles.socket);
    const o = await client(spec(s, [{ argv: ['echo'] }], { strict: 'no' }));
    expect(o.results[0]).toMatchObject({ ok: true });
    // It did not go through the strict broker: it ran directly and started its own.
    expect(o.ssh2Loaded).toBe(true);
    await waitFor(async () => (await brokerPing(laxFiles)) !== undefined, 10_000, 'the second broker');
    expect(brokerPids(dir)).toHaveLength(2);
  });
});

describe('security', () => {
  it('refuses a host key that is not in known_hosts through the broker, as a direct connection does', async () => {
    const good = await f.server();
    await warmBroker(good);
    const unknown = await f.server({ known: false });
    const o = await client(spec(unknown, [{ argv: ['lssyscfg'], idempotent: true }]));
    expect(o.ssh2Loaded).toBe(false);
    expect(o.results[0]!.ok).toBe(false);
    expect(o.results[0]!.error).toMatchObject({ code: 'VCSPVM_SSH_NO_ENDPOINT', name: 'NoEndpointError', failures: ['VCSPVM_SSH_HOSTKEY_UNKNOWN'] });
    expect(unknown.logins).toBe(0);
    // The broker's own log line about it reaches the client's log.
    expect(o.logs.some((l) => l.level === 'error' && /unknown host key; refusing/.test(l.message))).toBe(true);
  });

  it('refuses a changed host key through the broker', async () => {
    const s = await f.server();
    await warmBroker(s);
    const other = await f.server({ known: false });
    // known_hosts says other's port has the first server's key: the key presented differs.
    f.home.write('.ssh/known_hosts', `${readFileSync(f.home.path('.ssh/known_hosts'), 'utf8')}${other.knownHostsLine(other.knownHostsName, s.hostKey)}\n`);
    const o = await client(spec(other, [{ argv: ['x'] }]));
    expect(o.ssh2Loaded).toBe(false);
    expect(o.results[0]!.error).toMatchObject({ code: 'VCSPVM_SSH_NO_ENDPOINT', failures: ['VCSPVM_SSH_HOSTKEY_CHANGED'] });
    expect(other.logins).toBe(0);
  });

  it('a request cannot weaken host-key checking: security fields are refused, nothing connects', async () => {
    const s = await f.server();
    await warmBroker(s);
    const unknown = await f.server({ known: false });
    const files = filesFor();
    const token = readFileSync(files.token, 'utf8').trim();
    const profile = profileText(brokerProfile({ endpoints: [], sshConfigPath: 'none' }, { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }));
    const stamp = buildStamp(BROKER_MAIN)!;
    const send = (req: object) => rawExchange(files.socket, [{ op: 'hello', protocol: 1, stamp, profile, token }, req]);
    const base = { op: 'run', endpoints: [{ host: unknown.host, port: unknown.port, user: 'hscroot' }], connection: {}, argv: ['id'] };
    for (const req of [
      { ...base, strictHostKeyChecking: 'no' },
      { ...base, knownHostsPath: '/dev/null' },
      { ...base, connection: { strictHostKeyChecking: 'no' } },
      { ...base, endpoints: [{ host: unknown.host, port: unknown.port, user: 'hscroot', knownHosts: 'x' }] },
      { ...base, password: 'secret' },
    ]) {
      const lines = await send(req);
      expect(JSON.parse(lines[0]!)).toMatchObject({ op: 'hello', ok: true });
      expect(JSON.parse(lines[1]!)).toMatchObject({ op: 'error', error: { code: 'VCSPVM_SSH_BROKER_PROTOCOL' } });
    }
    expect(unknown.connections).toBe(0);
  });

  it('refuses a client that cannot read the token, and one with other settings', async () => {
    const s = await f.server();
    await warmBroker(s);
    const files = filesFor();
    const token = readFileSync(files.token, 'utf8').trim();
    const stamp = buildStamp(BROKER_MAIN)!;
    const run = { op: 'run', endpoints: [{ host: s.host, port: s.port }], connection: {}, argv: ['id'] };
    const profile = profileText(brokerProfile({ endpoints: [], sshConfigPath: 'none' }, { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }));
    const bad = await rawExchange(files.socket, [{ op: 'hello', protocol: 1, stamp, profile, token: 'f'.repeat(64) }, run]);
    expect(JSON.parse(bad[0]!)).toMatchObject({ ok: false, reason: 'token' });
    const other = await rawExchange(files.socket, [{ op: 'hello', protocol: 1, stamp, profile: profile.replace('"tester"', '"mallory"'), token }, run]);
    expect(JSON.parse(other[0]!)).toMatchObject({ ok: false, reason: 'profile' });
    expect(bad).toHaveLength(1);
    expect(other).toHaveLength(1);
  });

  it('refuses a socket directory that is open to others: no broker, commands run directly', async () => {
    const s = await f.server();
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const o = await client(spec(s, [{ argv: ['echo', 'x'] }, { argv: ['echo', 'y'] }]));
    expect(o.results.map((r) => r.ok)).toEqual([true, true]);
    const warns = o.logs.filter((l) => l.level === 'warn' && /connection broker not used|cannot start a connection broker/.test(l.message));
    expect(warns.length).toBeGreaterThan(0);
    expect(JSON.stringify(warns)).toMatch(/mode 0755/);
    await sleep(300);
    expect(brokerPids(dir)).toEqual([]);
    expect(existsSync(filesFor().socket)).toBe(false);
    // The broker itself refuses it too.
    await expect(serveRemote({ socket: filesFor().socket, profile: brokerProfile({ endpoints: [] }, {}), stamp: 1, idleTimeoutMs: 1000 })).rejects.toMatchObject({ code: 'VCSPVM_SSH_BROKER_UNSAFE' });
  });

  it('refuses a socket directory that is a symbolic link', async () => {
    const real = join(scratch, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, dir);
    await expect(serveRemote({ socket: filesFor().socket, profile: brokerProfile({ endpoints: [] }, {}), stamp: 1, idleTimeoutMs: 1000 })).rejects.toMatchObject({
      code: 'VCSPVM_SSH_BROKER_UNSAFE',
      message: expect.stringMatching(/symbolic link/),
    });
  });

  it('passes hostile arguments through literally', async () => {
    const s = await f.server({ onCommand: bashHandler });
    await warmBroker(s);
    const hostile = ['a b', '; rm -rf /', '$(id)', '`id`', "it's", '"q"', 'new\nline', 'tab\there', '\\', '*', '$HOME', '-n', '', 'é€😀', '|&><', '#x'];
    const o = await client(spec(s, [{ argv: ['printargs', ...hostile] }]));
    expect(o.ssh2Loaded).toBe(false);
    expect(o.results[0]).toMatchObject({ ok: true, code: 0 });
    expect(parsePrintargs(o.results[0]!.stdout!)).toEqual(hostile);
  });
});

describe('lifecycle', () => {
  it('exits by itself after the idle time, removing its socket and token', async () => {
    const s = await f.server();
    // Long enough for the second client to start (a process) and reach it: 1.5 s on a quiet machine.
    const idleMs = allowMs(1500);
    const o = await client(spec(s, [{ argv: ['echo'] }], { idleMs }));
    expect(o.results[0]!.ok).toBe(true);
    const files = filesFor();
    await waitFor(async () => (await brokerPing(files)) !== undefined, 10_000, 'the broker');
    const served = await client(spec(s, [{ argv: ['echo'] }], { idleMs }));
    expect(served.ssh2Loaded).toBe(false);
    await waitFor(() => brokerPids(dir).length === 0, idleMs + allowMs(6500), 'the idle exit');
    expect(existsSync(files.socket)).toBe(false);
    expect(existsSync(files.token)).toBe(false);
    expect(readLog(files)).toMatch(/broker: idle; exiting/);
  });

  it('replaces a stale socket left by a broker that died', async () => {
    const s = await f.server();
    const pid = await warmBroker(s);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => brokerPids(dir).length === 0, 5000, 'the broker to die');
    const files = filesFor();
    expect(existsSync(files.socket)).toBe(true); // left behind
    const o = await client(spec(s, [{ argv: ['echo', 'after'] }]));
    expect(o.results[0]).toMatchObject({ ok: true, stdout: '' });
    expect(o.logs.some((l) => /no connection broker/.test(l.message) && /stale socket/.test(String(l.fields.reason)))).toBe(true);
    await waitFor(async () => ((await brokerPing(files))?.pid ?? pid) !== pid, 10_000, 'a new broker');
    expect(readLog(files)).toMatch(/removing a stale socket/);
    const again = await client(spec(s, [{ argv: ['echo'] }]));
    expect(again.ssh2Loaded).toBe(false);
  });

  it('when several start at once, exactly one serves', async () => {
    const s = await f.server();
    const files = filesFor();
    const profile = profileText(brokerProfile({ endpoints: [], sshConfigPath: 'none' }, { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }));
    const stamp = String(buildStamp(BROKER_MAIN));
    const children = Array.from({ length: 6 }, () =>
      startBrokerProcess(['--socket', files.socket, '--profile', profile, '--stamp', stamp, '--idle', '60'], { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }),
    );
    // One keeps serving; the others see it (or its lock) and exit 0.
    await waitFor(() => children.filter((c) => c.exitCode !== null).length === 5, 15_000, 'five brokers to give way');
    expect(children.filter((c) => c.exitCode !== null).map((c) => c.exitCode)).toEqual([0, 0, 0, 0, 0]);
    const serving = children.find((c) => c.exitCode === null)!;
    expect(brokerPids(dir)).toEqual([serving.pid]);
    expect((await brokerPing(files))?.pid).toBe(serving.pid);
    // And clients racing with no broker: all served, one broker afterwards.
    await stopBrokers(dir);
    const outs = await Promise.all(Array.from({ length: 6 }, () => client(spec(s, [{ argv: ['echo', 'race'] }]))));
    for (const o of outs) expect(o.results[0]).toMatchObject({ ok: true });
    await waitFor(async () => (await brokerPing(files)) !== undefined, 10_000, 'a broker');
    await sleep(500);
    expect(brokerPids(dir)).toHaveLength(1);
  });

  it('a broker of an older build retires when a newer client comes; the client starts one of its own build', async () => {
    const s = await f.server();
    const files = filesFor();
    const profile = profileText(brokerProfile({ endpoints: [], sshConfigPath: 'none' }, { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' }));
    const old = startBrokerProcess(['--socket', files.socket, '--profile', profile, '--stamp', '1', '--idle', '60'], { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' });
    await waitFor(async () => (await brokerPing(files))?.pid === old.pid, 10_000, 'the old broker');
    const exited = new Promise<number | null>((r) => old.on('exit', (c) => r(c)));
    const o = await client(spec(s, [{ argv: ['echo', 'new'] }]));
    expect(o.results[0]).toMatchObject({ ok: true });
    expect(o.logs.some((l) => /older build retires/.test(l.message))).toBe(true);
    expect(await exited).toBe(0);
    await waitFor(async () => {
      const p = await brokerPing(files);
      return p !== undefined && p.pid !== old.pid;
    }, 10_000, 'the new broker');
    expect((await brokerPing(files))!.stamp).toBe(buildStamp(BROKER_MAIN));
    // A client of an older build than the broker is served (same protocol).
  });

  it('retireBroker (ssh -O exit): the broker of those settings exits; others stay', async () => {
    const s = await f.server();
    const pid = await warmBroker(s);
    await client(spec(s, [{ argv: ['echo'] }], { strict: 'no' }));
    await waitFor(() => brokerPids(dir).length === 2, 10_000, 'the second broker');
    const env = { HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, USER: 'tester', SSH_AUTH_SOCK: '' };
    expect(await retireBroker({ sshConfigPath: 'none', persist: { dir }, env })).toBe(pid);
    await waitFor(() => !brokerPids(dir).includes(pid), 5000, 'the broker to exit');
    expect(brokerPids(dir)).toHaveLength(1);
    expect(await retireBroker({ sshConfigPath: 'none', persist: { dir }, env })).toBeUndefined();
  });

  it('exits when its socket is removed (nobody could reach it any more)', async () => {
    const files = filesFor();
    const server = await serveRemote({ socket: files.socket, profile: brokerProfile({ endpoints: [] }, {}), stamp: 1, idleTimeoutMs: 60_000, watchIntervalMs: 50 });
    rmSync(files.socket);
    expect(await server.stopped).toBe('socket-gone');
  });

  it('a second broker on a live socket is refused (BUSY), not swapped in', async () => {
    const files = filesFor();
    const first = await serveRemote({ socket: files.socket, profile: brokerProfile({ endpoints: [] }, {}), stamp: 1, idleTimeoutMs: 60_000 });
    await expect(serveRemote({ socket: files.socket, profile: brokerProfile({ endpoints: [] }, {}), stamp: 1, idleTimeoutMs: 60_000 })).rejects.toMatchObject({ code: 'VCSPVM_SSH_BROKER_BUSY' });
    expect((await brokerPing(files))?.pid).toBe(process.pid);
    await first.close();
    expect(existsSync(files.socket)).toBe(false);
  });
});

describe('the start lock', () => {
  const profile = () => brokerProfile({ endpoints: [] }, {});

  it('a lock its taker has created but not yet written is live: the other starter gives way (it once broke it, and two bound the socket)', async () => {
    const files = filesFor();
    mkdirSync(files.dir, { recursive: true, mode: 0o700 });
    writeFileSync(files.lock, '', { mode: 0o600 });
    await expect(serveRemote({ socket: files.socket, profile: profile(), stamp: 1, idleTimeoutMs: 60_000 })).rejects.toMatchObject({ code: 'VCSPVM_SSH_BROKER_BUSY' });
    expect(existsSync(files.lock)).toBe(true);
    expect(existsSync(files.socket)).toBe(false);
  });

  it("a dead taker's lock is broken, and the broker serves", async () => {
    const files = filesFor();
    mkdirSync(files.dir, { recursive: true, mode: 0o700 });
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    writeFileSync(files.lock, `${gone.stdout}\n`, { mode: 0o600 });
    const server = await serveRemote({ socket: files.socket, profile: profile(), stamp: 1, idleTimeoutMs: 60_000 });
    expect((await brokerPing(files))?.pid).toBe(process.pid);
    expect(existsSync(files.lock)).toBe(false);
    await server.close();
  });
});

describe('a broker that dies mid-command', () => {
  /** A server whose `slow` command answers after `ms`, calling `onStart` when it begins. */
  async function slowServer(onStart: () => void, ms = 400): Promise<TestSshServer> {
    return f.server({
      onCommand: async (c) => {
        if (c !== 'slow') return { stdout: 'quick\n' };
        onStart();
        await sleep(ms);
        return { stdout: 'slow done\n' };
      },
    });
  }

  it('an idempotent command falls back to a direct run', async () => {
    let pid = 0;
    const s = await slowServer(() => {
      if (pid) {
        process.kill(pid, 'SIGKILL');
        pid = 0;
      }
    });
    pid = await warmBroker(s);
    const o = await client(spec(s, [{ command: 'slow', idempotent: true }]));
    expect(o.results[0]).toMatchObject({ ok: true, stdout: 'slow done\n' });
    expect(o.logs.some((l) => l.level === 'warn' && /went away during the command; running it directly/.test(l.message))).toBe(true);
    expect(s.commands.filter((c) => c === 'slow')).toHaveLength(2);
  });

  it('a command that is not idempotent is not sent again: VCSPVM_SSH_BROKER_LOST', async () => {
    let pid = 0;
    const s = await slowServer(() => {
      if (pid) {
        process.kill(pid, 'SIGKILL');
        pid = 0;
      }
    });
    pid = await warmBroker(s);
    const o = await client(spec(s, [{ command: 'slow' }]));
    expect(o.results[0]).toMatchObject({ ok: false, error: { code: 'VCSPVM_SSH_BROKER_LOST' } });
    expect(s.commands.filter((c) => c === 'slow')).toHaveLength(1);
  });
});

describe('timeouts and cancellation', () => {
  /** A server whose `hang` command never answers; counts its open sessions. */
  async function hangServer(): Promise<TestSshServer> {
    return f.server({
      onCommand: (c, ch: ServerChannel) => {
        if (c !== 'hang') return { stdout: 'ok\n' };
        ch.on('error', () => undefined);
        return undefined;
      },
    });
  }

  it("the command's timeout applies in the broker, which closes the channel", async () => {
    const s = await hangServer();
    await warmBroker(s);
    const o = await client(spec(s, [{ command: 'hang', timeoutMs: 400 }]));
    expect(o.results[0]).toMatchObject({ ok: false, error: { code: 'VCSPVM_SSH_TIMEOUT' } });
    expect(o.ssh2Loaded).toBe(false);
    await waitFor(() => s.openSessions === 0, 5000, 'the channel to close');
  });

  it("a client's abort cancels the command in the broker too", async () => {
    const s = await hangServer();
    await warmBroker(s);
    const o = await client(spec(s, [{ command: 'hang', abortMs: 300, timeoutMs: 20_000 }]));
    expect(o.results[0]).toMatchObject({ ok: false, error: { code: 'VCSPVM_SSH_ABORTED' } });
    // Without the cancellation the channel would stay open for 20 s.
    await waitFor(() => s.openSessions === 0, 5000, 'the channel to close');
    // And the broker still serves.
    const again = await client(spec(s, [{ command: 'x' }]));
    expect(again.results[0]).toMatchObject({ ok: true, stdout: 'ok\n' });
    expect(again.ssh2Loaded).toBe(false);
  });
});

describe('turning it off', () => {
  it('VCS_REMOTE_PERSIST=no: no broker is used or started', async () => {
    const s = await f.server();
    const o = await client(spec(s, [{ argv: ['echo'] }]), { VCS_REMOTE_PERSIST: 'no' });
    expect(o.results[0]).toMatchObject({ ok: true });
    await sleep(300);
    expect(existsSync(dir)).toBe(false);
    expect(brokerPids(dir)).toEqual([]);
  });

  it('VCS_REMOTE_PERSIST=N sets the idle time in seconds', async () => {
    const s = await f.server();
    // Idle for 1 s on a quiet machine, longer on a busy one: long enough to be seen before it goes.
    const idleS = Math.ceil(allowMs(1000) / 1000);
    await client(spec(s, [{ argv: ['echo'] }]), { VCS_REMOTE_PERSIST: String(idleS) });
    await waitFor(() => brokerPids(dir).length === 1, 10_000, 'the broker');
    await waitFor(() => brokerPids(dir).length === 0, idleS * 1000 + allowMs(7000), 'the idle exit');
  });
});

/** Sends request lines on the socket and returns the lines answered until it closes. */
function rawExchange(socket: string, requests: object[]): Promise<string[]> {
  return new Promise((res, rej) => {
    const c = connect(socket);
    let buf = '';
    c.on('connect', () => c.write(requests.map((r) => `${JSON.stringify(r)}\n`).join('')));
    c.on('data', (d: Buffer) => (buf += d));
    c.on('error', rej);
    c.on('close', () => res(buf.split('\n').filter((l) => l !== '')));
  });
}

