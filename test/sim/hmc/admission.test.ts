/** Connection floods: the login grace time and the cap on unauthenticated connections (sshd's LoginGraceTime and MaxStartups). */
import { spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOn, FIXTURE, HMCSIM, sshClient, startSim, waitFor, type SimProcess } from './helpers.js';

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSim({ endpoints: 1, extra: ['--login-grace-time', '2', '--max-startups', '20'] });
});
afterAll(() => sim?.stop());

const stats = () => JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${sim.ports[0]}`];

/** Idle connections that send the SSH identification line, then nothing. */
function flood(port: number, count: number): Promise<{ sockets: Socket[]; closed: () => number }> {
  let closed = 0;
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>((resolve) => {
          const s = connect(port, '127.0.0.1');
          s.on('error', () => undefined);
          // Flowing, so that the server closing it is seen.
          s.resume();
          s.once('close', () => closed++);
          s.once('connect', () => {
            s.write('SSH-2.0-flood\r\n');
            resolve(s);
          });
        }),
    ),
  ).then((sockets) => ({ sockets, closed: () => closed }));
}

describe('connection floods', () => {
  it('keeps at most max-startups connections waiting, dropping the quietest, so a login gets through at once', async () => {
    const port = sim.ports[0]!;
    const before = stats().startupsDropped;
    const f = await flood(port, 60);
    await waitFor(() => f.closed() >= 40, 10_000, 'the flood beyond max-startups to be dropped');
    const t0 = Date.now();
    const c = await sshClient(port, { readyTimeout: 10_000 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect((await execOn(c, 'lssyscfg -r sys -F name')).stdout).toBe('sys1\nsys2\n');
    expect(stats().startupsDropped - before).toBeGreaterThanOrEqual(40);
    // The grace time ends the others; a logged-in connection stays.
    await waitFor(() => f.closed() === 60, 10_000, 'the grace time to drop the rest of the flood');
    expect(stats().loginTimeouts).toBeGreaterThan(0);
    expect((await execOn(c, 'echo still here')).stdout).toBe('still here\n');
    c.end();
    for (const s of f.sockets) s.destroy();
  });

  it('drops a connection that does not log in within the grace time', async () => {
    const before = stats().loginTimeouts;
    const f = await flood(sim.ports[0]!, 1);
    const t0 = Date.now();
    await waitFor(() => f.closed() === 1, 10_000, 'the grace time');
    expect(Date.now() - t0).toBeGreaterThan(1_000);
    expect(stats().loginTimeouts).toBe(before + 1);
  });

  it('refuses bad values of the options with exit 2', () => {
    for (const [opt, value, text] of [
      ['--login-grace-time', 'soon', '--login-grace-time soon: expected a number of seconds (0: no limit)'],
      ['--max-startups', '0', '--max-startups 0: expected a positive integer'],
    ]) {
      const r = spawnSync(process.execPath, [HMCSIM, '--world', FIXTURE, opt!, value!], { encoding: 'utf8' });
      expect(r.status, opt).toBe(2);
      expect(r.stderr, opt).toContain(text);
    }
  });
});
