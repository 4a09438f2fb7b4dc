/** Commands over one pooled connection: results, reuse, limits, timeouts, reconnects, safe arguments. */
import { existsSync } from 'node:fs';
import type { ServerChannel } from 'ssh2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoEndpointError, buildCommand, closeAllConnections } from '../../../framework/remote/index.js';
import { allowMs } from '../../support/timing.js';
import { fixture, rejection, sleep, type Fixture } from './helpers/fixture.js';
import { bashHandler, parsePrintargs } from './helpers/ssh-server.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => f.dispose());

type Coded = Error & { code: string };

describe('results', () => {
  it('returns stdout and stderr apart, with the exit status', async () => {
    const s = await f.server({ onCommand: () => ({ stdout: 'name=lpar1,state=Running\n', stderr: 'HSCL8012 warning\n', code: 3 }) });
    const r = await f.remote(f.endpoint(s)).run('lssyscfg');
    expect(r).toMatchObject({ stdout: 'name=lpar1,state=Running\n', stderr: 'HSCL8012 warning\n', code: 3, signal: null, truncated: false });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('reports a command killed by a signal', async () => {
    const s = await f.server({ onCommand: () => ({ signal: 'TERM' }) });
    expect(await f.remote(f.endpoint(s)).run('x')).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('caps output per stream, keeps reading to the end, and flags the truncation', async () => {
    const big = 'x'.repeat(64 * 1024);
    const s = await f.server({ onCommand: () => ({ stdout: big.repeat(16), stderr: 'e'.repeat(10), code: 0 }) });
    const r = await f.remote(f.endpoint(s), { maxOutputBytes: 1000 }).run('lssyscfg');
    expect(r.stdout).toBe('x'.repeat(1000));
    expect(r.stderr).toBe('e'.repeat(10));
    expect(r.truncated).toBe(true);
    expect(r.code).toBe(0);
    expect(f.log.records.some((x) => x.level === 'warn' && /truncated/.test(x.message))).toBe(true);
    // a per-command cap beats the Remote's
    const r2 = await f.remote(f.endpoint(s)).run('lssyscfg', { maxOutputBytes: 10 });
    expect([r2.stdout.length, r2.truncated]).toEqual([10, true]);
  });
});

describe('connection reuse', () => {
  it('runs N commands, one after another and at once, over one login', async () => {
    const s = await f.server({ onCommand: (c) => ({ stdout: `${c}\n` }) });
    const remote = f.remote(f.endpoint(s));
    for (let i = 0; i < 10; i++) expect((await remote.run(['echo', String(i)])).stdout).toBe(`echo ${i}\n`);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => remote.run(['echo', `p${i}`])));
    expect(results.map((r) => r.stdout)).toEqual(Array.from({ length: 20 }, (_, i) => `echo p${i}\n`));
    expect(s.logins).toBe(1);
    expect(s.connections).toBe(1);
  });

  it('shares one connection between Remote objects of the same process', async () => {
    const s = await f.server();
    await f.remote(f.endpoint(s)).run('a');
    await f.remote(f.endpoint(s)).run('b');
    expect([s.connections, s.logins]).toEqual([1, 1]);
  });

  it('keeps to maxChannels concurrent channels, queueing the rest', async () => {
    const s = await f.server({ onCommand: async () => (await sleep(50), { code: 0 }) });
    const remote = f.remote(f.endpoint(s), { maxChannels: 3 });
    await Promise.all(Array.from({ length: 9 }, () => remote.run('x')));
    expect(s.peakSessions).toBe(3);
    expect(s.commands).toHaveLength(9);
  });

  it('learns a server’s lower session limit (MaxSessions) instead of failing', async () => {
    const s = await f.server({ maxSessions: 2, onCommand: async () => (await sleep(50), { code: 0 }) });
    const remote = f.remote(f.endpoint(s), { maxChannels: 8 });
    const results = await Promise.all(Array.from({ length: 8 }, () => remote.run('x')));
    expect(results.every((r) => r.code === 0)).toBe(true);
    expect(s.peakSessions).toBe(2);
    expect(s.refusedSessions).toBeGreaterThan(0);
    const refusedOnce = s.refusedSessions;
    await Promise.all(Array.from({ length: 8 }, () => remote.run('y')));
    // the limit was remembered: no more refusals
    expect(s.refusedSessions).toBe(refusedOnce);
    expect(s.logins).toBe(1);
  });

  it('reconnects transparently when the server dropped the connection between commands', async () => {
    const s = await f.server();
    const remote = f.remote(f.endpoint(s));
    await remote.run('one');
    s.dropConnections();
    await sleep(50);
    const r = await remote.run('two');
    expect(r.code).toBe(0);
    expect(s.commands).toEqual(['one', 'two']);
    expect(s.logins).toBe(2);
    expect(f.log.records.some((x) => x.level === 'info' && x.message === 'ssh: connection closed')).toBe(true);
  });

  it('reconnects when the drop is noticed only as the next command is sent', async () => {
    const s = await f.server();
    const remote = f.remote(f.endpoint(s));
    await remote.run('one');
    s.dropConnections();
    const r = await remote.run('two'); // no pause: the close may arrive while the channel opens
    expect(r.code).toBe(0);
    expect(s.commands).toEqual(['one', 'two']);
  });

  it('drops a connection whose peer stopped answering keepalives, then reconnects', async () => {
    const s = await f.server();
    const remote = f.remote(f.endpoint(s), { keepaliveIntervalMs: 100, keepaliveCountMax: 2 });
    await remote.run('one');
    s.freeze();
    await sleep(500);
    expect(f.log.records.some((x) => x.level === 'warn' && /dropping connection/.test(x.message) && /keepalives/.test(String(x.fields.reason)))).toBe(true);
    await remote.run('two');
    expect(s.logins).toBe(2);
  });

  it('keeps a healthy connection alive with keepalives', async () => {
    const s = await f.server();
    const remote = f.remote(f.endpoint(s), { keepaliveIntervalMs: 50, keepaliveCountMax: 2 });
    await remote.run('one');
    await sleep(400);
    await remote.run('two');
    expect(s.logins).toBe(1);
  });
});

describe('timeouts and abort', () => {
  const never = (_c: string, ch: ServerChannel) => {
    ch.write('partial output');
    return new Promise<undefined>(() => {});
  };

  it('times out a command that never returns, and keeps the connection for the next one', async () => {
    let n = 0;
    const s = await f.server({ onCommand: (c, ch) => (n++ === 0 ? never(c, ch) : { stdout: 'ok' }) });
    const remote = f.remote(f.endpoint(s));
    const t0 = Date.now();
    const e = await rejection<Coded>(remote.run('hang', { timeoutMs: 200 }));
    expect(e.code).toBe('VCSPVM_SSH_TIMEOUT');
    expect(Date.now() - t0).toBeLessThan(allowMs(1000));
    expect((await remote.run('next')).stdout).toBe('ok');
    expect(s.logins).toBe(1);
  });

  it('after a timeout, checks that the peer still answers before reusing the connection', async () => {
    let n = 0;
    const s = await f.server({
      onCommand: (c, ch, server) => {
        if (n++ > 0) return { stdout: 'ok' };
        server.freeze(); // the whole server hangs, not just the command
        return never(c, ch);
      },
    });
    const remote = f.remote(f.endpoint(s), { keepaliveIntervalMs: 0, readyTimeoutMs: 500 });
    expect((await rejection<Coded>(remote.run('hang', { timeoutMs: 200 }))).code).toBe('VCSPVM_SSH_TIMEOUT');
    const r = await remote.run('next');
    expect(r.stdout).toBe('ok');
    expect(s.logins).toBe(2);
    expect(f.log.text()).toMatch(/no answer to a keepalive after a command timed out/);
  });

  it('aborts a running command when the signal fires', async () => {
    const ac = new AbortController();
    // Fired once the command runs on the server (a fixed delay may fire while a busy machine is still connecting).
    const s = await f.server({
      onCommand: (c, ch) => {
        setTimeout(() => ac.abort(new Error('monitor timed out')), 50);
        return never(c, ch);
      },
    });
    const e = await rejection<Coded>(f.remote(f.endpoint(s)).run('hang', { signal: ac.signal }));
    expect(e.code).toBe('VCSPVM_SSH_ABORTED');
    expect(e.message).toBe('command hang to hscroot@127.0.0.1:' + s.port + ' aborted: monitor timed out');
  });

  it('does not send a command whose signal already fired', async () => {
    const s = await f.server();
    const e = await rejection<Coded>(f.remote(f.endpoint(s)).run('x', { signal: AbortSignal.abort() }));
    expect(e.code).toBe('VCSPVM_SSH_ABORTED');
    expect(s.commands).toEqual([]);
  });

  it('aborts while connecting to a hung endpoint', async () => {
    const s = await f.server();
    s.mode = 'hang';
    const t0 = Date.now();
    const e = await rejection<Coded>(f.remote(f.endpoint(s), { readyTimeoutMs: 5000 }).run('x', { signal: AbortSignal.timeout(150) }));
    expect(e.code).toBe('VCSPVM_SSH_ABORTED');
    expect(Date.now() - t0).toBeLessThan(allowMs(1000));
  });

  it('counts the wait for a channel in the command timeout; a command that never started is NO_ENDPOINT', async () => {
    const s = await f.server({ onCommand: never });
    const remote = f.remote(f.endpoint(s), { maxChannels: 1 });
    // `a` holds the only channel longer than `b` may wait for it: 400 ms on a quiet machine, scaled.
    const holdMs = allowMs(400);
    const first = rejection<Coded>(remote.run('a', { timeoutMs: holdMs }));
    const t0 = Date.now();
    const e = await rejection<NoEndpointError>(remote.run('b', { timeoutMs: 150 }));
    expect(Date.now() - t0).toBeLessThan(holdMs);
    expect(e.code).toBe('VCSPVM_SSH_NO_ENDPOINT');
    expect(e.failures.map((x) => x.error.code)).toEqual(['VCSPVM_SSH_TIMEOUT']);
    expect(s.commands).toEqual(['a']);
    // `a` did start: its own timeout is reported as such
    expect((await first).code).toBe('VCSPVM_SSH_TIMEOUT');
  });
});

describe('hostile arguments', () => {
  const hostile = ['lpar1; reboot', '$(touch CANARY)', '`touch CANARY`', "it's", '"quoted"', 'two\nlines', 'a|b', 'a&b', 'a>CANARY', '*', '${HOME}', '\\', ' ', ''];

  it('reach the server’s bash as single literal arguments, and nothing runs', async () => {
    const s = await f.server({ onCommand: bashHandler });
    const canary = f.home.path('CANARY');
    const args = hostile.map((h) => h.replace(/CANARY/g, canary));
    const r = await f.remote(f.endpoint(s)).run(['printargs', ...args]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(parsePrintargs(r.stdout)).toEqual(args);
    expect(existsSync(canary)).toBe(false);
    expect(s.commands).toEqual([buildCommand(['printargs', ...args])]);
  });

  it('keeps a sensitive command line out of the logs', async () => {
    const s = await f.server();
    await f.remote(f.endpoint(s)).run(['mkauthkeys', '--passwd', 'hunter2'], { sensitive: true });
    expect(s.commands).toEqual(['mkauthkeys --passwd hunter2']);
    expect(f.log.text()).not.toContain('hunter2');
    expect(f.log.text()).toContain('[redacted]');
  });

  it('refuses NUL in an argument before connecting', async () => {
    const s = await f.server();
    expect((await rejection<Coded>(f.remote(f.endpoint(s)).run(['echo', 'a\0b']))).code).toBe('VCSPVM_UNSAFE_ARGUMENT');
    expect(s.connections).toBe(0);
  });
});

describe('close', () => {
  it('closes the connection when the last Remote using it closes', async () => {
    const s = await f.server();
    const a = f.remote(f.endpoint(s));
    const b = f.remote(f.endpoint(s));
    await a.run('x');
    await b.run('y');
    await a.close();
    await b.run('z');
    expect(s.logins).toBe(1);
    await b.close();
    await sleep(50);
    expect(s.connections).toBe(1);
    expect((await rejection<Coded>(b.run('after close'))).code).toBe('VCSPVM_SSH_ABORTED');
    await closeAllConnections();
  });
});

describe('process lifetime', () => {
  it('an idle connection does not keep a short-lived process alive', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const s = await f.server();
    const script = fileURLToPath(new URL('./fixtures/run-without-close.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      env: { ...process.env, HOME: f.home.home, VCS_REMOTE_HOME: f.home.home, PORT: String(s.port), SSH_AUTH_SOCK: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(-1);
      }, 10_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    expect(code, err).toBe(0);
    expect(JSON.parse(out)).toEqual({ a: 0, b: 0, port: s.port });
    expect(s.logins).toBe(1);
  });
});
