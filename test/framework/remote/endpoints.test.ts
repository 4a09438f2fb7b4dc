/** Redundant endpoints (VCS's MCName/MCUser pairs): order, failover, memory, bounds. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoEndpointError, closeAllConnections } from '../../../framework/remote/index.js';
import { allowMs } from '../../support/timing.js';
import { closedPort, fixture, rejection, sleep, type Fixture } from './helpers/fixture.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => f.dispose());

describe('redundant endpoints', () => {
  it('uses the first endpoint when it works', async () => {
    const a = await f.server();
    const b = await f.server();
    const r = await f.remote([f.endpoint(a), f.endpoint(b)]).run('lshmc -V');
    expect(r.endpoint).toMatchObject({ index: 0, port: a.port });
    expect(b.connections).toBe(0);
  });

  it('passes over a refused endpoint to the next, logs it, and reports who served', async () => {
    const dead = await closedPort();
    const b = await f.server();
    const r = await f.remote([{ host: '127.0.0.1', port: dead, user: 'hscroot' }, f.endpoint(b)]).run('lshmc -V');
    expect(r.endpoint).toEqual({ host: '127.0.0.1', hostname: '127.0.0.1', port: b.port, user: 'hscroot', index: 1 });
    const warn = f.log.records.find((x) => x.level === 'warn' && /endpoint unavailable/.test(x.message));
    expect(warn?.fields).toMatchObject({ endpoint: `hscroot@127.0.0.1:${dead}`, code: 'VCSPVM_SSH_CONNECT' });
    expect(String(warn?.fields.reason)).toContain('connection refused');
    expect(f.log.records.some((x) => x.level === 'info' && x.message === 'ssh: endpoint in use' && x.fields.endpoint === `hscroot@127.0.0.1:${b.port}`)).toBe(true);
  });

  it('passes over an endpoint that accepts TCP but never speaks SSH, within the ready timeout', async () => {
    const hung = await f.server();
    hung.mode = 'hang';
    const b = await f.server();
    const t0 = Date.now();
    const r = await f.remote([f.endpoint(hung), f.endpoint(b)], { readyTimeoutMs: 300 }).run('lshmc -V');
    const elapsed = Date.now() - t0;
    expect(r.endpoint.index).toBe(1);
    expect(hung.connections).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(allowMs(2000));
    expect(f.log.text()).toMatch(/SSH handshake and login on 127\.0\.0\.1:\d+ timed out after 300 ms/);
  });

  it('passes over an endpoint that closes at once', async () => {
    const slam = await f.server();
    slam.mode = 'close';
    const b = await f.server();
    expect((await f.remote([f.endpoint(slam), f.endpoint(b)]).run('true')).endpoint.index).toBe(1);
  });

  it('bounds the TCP connect to an address that never answers', async () => {
    const b = await f.server();
    const t0 = Date.now();
    // 10.255.255.1 drops SYNs on most networks (timeout); elsewhere it is unreachable at once.
    const r = await f.remote([{ host: '10.255.255.1', port: 22, user: 'hscroot' }, f.endpoint(b)], { connectTimeoutMs: 300 }).run('true');
    expect(r.endpoint.index).toBe(1);
    expect(Date.now() - t0).toBeLessThan(allowMs(2000));
  });

  it('remembers the endpoint that worked, for the whole process', async () => {
    const hung = await f.server();
    hung.mode = 'hang';
    const b = await f.server();
    const endpoints = [f.endpoint(hung), f.endpoint(b)];
    await f.remote(endpoints, { readyTimeoutMs: 300 }).run('true');
    expect(hung.connections).toBe(1);
    // another Remote in this process, even after every connection was closed, starts with b
    await closeAllConnections();
    const t0 = Date.now();
    const r = await f.remote(endpoints, { readyTimeoutMs: 300 }).run('true');
    // No second connection to the hung one: it was not tried again (which would cost its 300 ms).
    expect(r.endpoint.index).toBe(1);
    expect(hung.connections).toBe(1);
    expect(Date.now() - t0).toBeLessThan(allowMs(250));
  });

  it('with failbackMs, tries the configured order again that long after moving away from the first', async () => {
    const first = await f.server();
    const second = await f.server();
    const endpoints = [f.endpoint(first), f.endpoint(second)];
    first.mode = 'close';
    const remote = f.remote(endpoints, { failbackMs: 300 });
    expect((await remote.run('a')).endpoint.index).toBe(1);
    first.mode = 'normal';
    // Still within failbackMs: the second one, without asking the first.
    const tried = first.connections;
    expect((await remote.run('b')).endpoint.index).toBe(1);
    expect(first.connections).toBe(tried);
    await sleep(350);
    expect((await remote.run('c')).endpoint.index).toBe(0);
    expect((await remote.run('d')).endpoint.index).toBe(0);
  });

  it('takes failbackMs from VCS_REMOTE_FAILBACK (seconds) when the caller leaves it open', async () => {
    const first = await f.server();
    const second = await f.server();
    const endpoints = [f.endpoint(first), f.endpoint(second)];
    first.mode = 'close';
    const remote = f.remote(endpoints, { env: { ...f.home.env, VCS_REMOTE_FAILBACK: '0.3' } });
    expect((await remote.run('a')).endpoint.index).toBe(1);
    first.mode = 'normal';
    expect((await remote.run('b')).endpoint.index).toBe(1);
    await sleep(350);
    expect((await remote.run('c')).endpoint.index).toBe(0);
  });

  it('says why each endpoint failed when none works', async () => {
    const dead = await closedPort();
    const hung = await f.server();
    hung.mode = 'hang';
    const unknownKey = await f.server({ known: false });
    const noAuth = await f.server({ authorizedKeys: [] });
    const e = await rejection<NoEndpointError>(
      f.remote([{ host: '127.0.0.1', port: dead, user: 'hscroot' }, f.endpoint(hung), f.endpoint(unknownKey), f.endpoint(noAuth)], { readyTimeoutMs: 1500 }).run('true'),
    );
    expect(e).toBeInstanceOf(NoEndpointError);
    expect(e.code).toBe('VCSPVM_SSH_NO_ENDPOINT');
    expect(e.failures.map((x) => x.error.code)).toEqual(['VCSPVM_SSH_CONNECT', 'VCSPVM_SSH_TIMEOUT', 'VCSPVM_SSH_HOSTKEY_UNKNOWN', 'VCSPVM_SSH_AUTH']);
    expect(e.message).toContain(`hscroot@127.0.0.1:${dead}: cannot connect to 127.0.0.1:${dead}: connection refused`);
    expect(e.message).toContain(`hscroot@127.0.0.1:${noAuth.port}: authentication as hscroot to 127.0.0.1:${noAuth.port} failed`);
    expect(f.log.records.some((x) => x.level === 'error' && /no endpoint could run the command/.test(x.message))).toBe(true);
  });

  it('does not send a timed-out command elsewhere unless it is idempotent', async () => {
    const slow = await f.server({ onCommand: () => new Promise(() => {}) });
    const b = await f.server();
    const endpoints = [f.endpoint(slow), f.endpoint(b)];
    const e = await rejection<Error & { code: string }>(f.remote(endpoints).run('chsysstate -o on', { timeoutMs: 200 }));
    expect(e.code).toBe('VCSPVM_SSH_TIMEOUT');
    expect(e.message).toMatch(/^command chsysstate -o on on 127\.0\.0\.1:\d+ timed out after 200 ms$/);
    expect(b.commands).toEqual([]);

    const r = await f.remote(endpoints).run('lssyscfg -r sys', { timeoutMs: 200, idempotent: true });
    expect(r.endpoint.index).toBe(1);
    expect(b.commands).toEqual(['lssyscfg -r sys']);
    expect(slow.commands).toEqual(['chsysstate -o on', 'lssyscfg -r sys']);
  });

  it('sends a command lost with its connection to the next endpoint only when idempotent', async () => {
    const flaky = await f.server({
      onCommand: (_c, _ch, server) => {
        setTimeout(() => server.dropConnections(), 50);
        return new Promise(() => {});
      },
    });
    const b = await f.server();
    const endpoints = [f.endpoint(flaky), f.endpoint(b)];
    const e = await rejection<Error & { code: string }>(f.remote(endpoints).run('mksyscfg -r lpar'));
    expect(e.code).toBe('VCSPVM_SSH_CONNECTION_LOST');
    expect(e.message).toMatch(/connection to 127\.0\.0\.1:\d+ lost during command mksyscfg -r lpar/);
    expect(b.commands).toEqual([]);

    const r = await f.remote(endpoints).run('lssyscfg -r lpar', { idempotent: true });
    expect(r.endpoint.index).toBe(1);
    expect(b.commands).toEqual(['lssyscfg -r lpar']);
  });

  it('tries the endpoint that worked first, and goes back to the first when that one fails', async () => {
    const a = await f.server();
    const b = await f.server();
    const endpoints = [f.endpoint(a), f.endpoint(b)];
    a.mode = 'close';
    const remote = f.remote(endpoints);
    expect((await remote.run('x')).endpoint.index).toBe(1);
    a.mode = 'normal';
    expect((await remote.run('y')).endpoint.index).toBe(1);
    await b.close();
    await sleep(20);
    expect((await remote.run('z')).endpoint.index).toBe(0);
    expect(a.commands).toEqual(['z']);
  });
});
