/** Nothing a client sends can take the simulator down; it keeps answering afterwards. */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOn, sshClient, sshInteractive, sshPassword, startSim, type SimProcess } from './helpers.js';

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSim({ endpoints: 1, speed: 20 });
});
afterAll(() => sim?.stop());

const healthy = () => expect(sshPassword(sim.ports[0]!, 'lssyscfg -r sys -F name').stdout).toBe('sys1\nsys2\n');

describe('robustness', () => {
  it('survives malformed quoting, bad substitutions and garbage arguments', async () => {
    const c = await sshClient(sim.ports[0]!);
    for (const cmd of ['echo "unterminated', "lssyscfg -r 'lpar", 'lssyscfg -r `echo`', 'echo $((1+', 'lssyscfg -r lpar -m sys1 --filter \'"lpar_names=a\'', 'mksyscfg -r lpar -m sys1 -i \'"""\'', 'chhwres -r virtualio -m sys1 -o a -p lpar05 --rsubtype eth -a \'port_vlan_id=1,"\'', '\u0000\u0001\u00ff', ';;;', 'viosvrcmd -m sys1 -p aixnode55vio1 -c "lsmap -all -fmt \'"']) {
      const r = await execOn(c, cmd);
      expect(r.code, cmd).not.toBe(0);
    }
    c.end();
    healthy();
  });

  it('takes exec requests up to 256 KiB, refuses longer ones with a message and exit 2, and bounds interactive lines', async () => {
    const c = await sshClient(sim.ports[0]!);
    // Beyond the 35,000 bytes of ssh2's own packet limit, as OpenSSH's sshd takes them.
    expect(await execOn(c, `echo ${'x'.repeat(250 * 1024)} | wc -c`)).toEqual({ stdout: `${250 * 1024 + 1}\n`, stderr: '', code: 0 });
    const long = await execOn(c, `echo ${'x'.repeat(300 * 1024)}`);
    expect(long).toEqual({ stdout: '', stderr: `/bin/bash: command line too long (${300 * 1024 + 5} bytes; at most ${256 * 1024})\n`, code: 2 });
    expect(await execOn(c, `echo ${'x'.repeat(1000 * 1024)}`)).toMatchObject({ code: 2 });
    // The same connection carries on.
    expect((await execOn(c, 'lssyscfg -r sys -F name')).stdout).toBe('sys1\nsys2\n');
    // Beyond any SSH packet the server takes (as sshd beyond 256 KiB), the request fails at the protocol level; the server carries on.
    await expect(execOn(c, `echo ${'x'.repeat(2 * 1024 * 1024)}`)).rejects.toThrow();
    c.end();
    const huge = sshPassword(sim.ports[0]!, `echo ${'z'.repeat(1024 * 1024)}`);
    expect(huge.status).not.toBe(0);
    const r = sshInteractive(sim.ports[0]!, `echo ${'y'.repeat(600 * 1024)}\nlssyscfg -r sys -F name\nexit\n`);
    expect(r.stdout).toMatch(/input line too long/);
    expect(r.stdout).toMatch(/\r\nsys1\r\nsys2\r\n/);
    healthy();
  });

  it('survives connections dropped at every stage: before the banner, mid-handshake, mid-command', async () => {
    const port = sim.ports[0]!;
    const raw = (payload: string) =>
      new Promise<void>((resolve) => {
        const s = connect(port, '127.0.0.1', () => {
          if (payload) s.write(payload);
          setTimeout(() => s.destroy(), 50);
        });
        s.on('error', () => undefined);
        s.on('close', () => resolve());
      });
    await raw('');
    await raw('SSH-2.0-OpenSSH_9.2\r\n');
    await raw('GET / HTTP/1.1\r\n\r\n');
    await raw('SSH-2.0-x\r\n' + '\u0000'.repeat(70_000));
    const c = await sshClient(port);
    c.exec('migrlpar -o m -m sys1 -t sys2 -p lpar05', () => undefined);
    await new Promise((r) => setTimeout(r, 100));
    (c as unknown as { _sock: Socket })._sock.destroy();
    await new Promise((r) => setTimeout(r, 1500));
    healthy();
  });

  it('logs clients in during a flood of 600 idle connections, and answers afterwards', async () => {
    const port = sim.ports[0]!;
    const sockets = await Promise.all(
      Array.from(
        { length: 600 },
        () =>
          new Promise<Socket>((resolve) => {
            const s = connect(port, '127.0.0.1');
            s.on('error', () => undefined);
            s.once('connect', () => {
              s.write('SSH-2.0-flood\r\n');
              resolve(s);
            });
            s.once('close', () => resolve(s));
            setTimeout(() => resolve(s), 5000);
          }),
      ),
    );
    const logins = await Promise.allSettled(Array.from({ length: 30 }, () => sshClient(port, { readyTimeout: 15_000 })));
    for (const s of sockets) s.destroy();
    const ok = logins.filter((l) => l.status === 'fulfilled');
    // Idle connections beyond max-startups are dropped to make room: every real login gets through.
    expect(ok.length).toBe(30);
    for (const l of ok) (l as PromiseFulfilledResult<Awaited<ReturnType<typeof sshClient>>>).value.end();
    await new Promise((r) => setTimeout(r, 500));
    healthy();
    const stats = JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${port}`];
    expect(stats.connections).toBeGreaterThan(100);
  });
});
