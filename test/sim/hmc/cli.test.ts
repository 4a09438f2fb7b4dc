import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HMCSIM, ROOT, sshPassword, startSim, tmp } from './helpers.js';

const hmcsim = (...args: string[]) => spawnSync(process.execPath, [HMCSIM, ...args], { encoding: 'utf8', timeout: 90_000 });

describe('hmcsim command line', () => {
  it('prints usage for --help (exit 0), and one line on usage errors (exit 2)', () => {
    expect(hmcsim('--help')).toMatchObject({ status: 0, stdout: expect.stringMatching(/^usage: hmcsim \(--world FILE\.json \| --from-maincf main\.cf\)[\s\S]*lpar-crash SYS LPAR/) });
    for (const args of [[], ['--world', 'a.json', '--from-maincf', 'main.cf'], ['--world'], ['--world', 'a.json', '--listen', 'nohost'], ['--world', 'a.json', '--speed', '0'], ['--bogus'], ['ctl', 'dump']]) {
      const r = hmcsim(...args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^hmcsim: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('prints the ctl usage and its commands for ctl --help (exit 0)', () => {
    const r = hmcsim('ctl', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: hmcsim ctl --control SOCKET COMMAND/);
    for (const c of ['dump', 'stats', 'lpar-crash', 'vios-down', 'hmc-hang', 'migrate']) expect(r.stdout).toContain(`  ${c} `);
  });

  it('reports an unreadable or invalid world file with exit 2', () => {
    const dir = tmp();
    expect(hmcsim('--world', join(dir, 'missing.json')).stderr).toMatch(/^hmcsim: bad world .*missing\.json: ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ systems: [{ name: 's', serial: '1234567', partitions: [{ name: 'a', id: 0 }] }] }));
    const r = hmcsim('--world', bad);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`hmcsim: bad world ${bad}: systems[0].partitions[0].id: expected an integer from 1 to 1000\n`);
  });

  it('reports a port in use with exit 2', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    const r = hmcsim('--world', join(ROOT, 'test/sim/hmc/fixtures/two-systems.json'), '--listen', `127.0.0.1:${port}`);
    blocker.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/EADDRINUSE/);
  });

  it('--from-maincf serves one endpoint per MCName, named after it', async () => {
    const sim = await startSim({ maincf: join(ROOT, 'sim/configs/seed-lpar/main.cf'), endpoints: 0, expectPorts: 2 });
    try {
      expect(sim.ports).toHaveLength(2);
      expect(sim.stderr()).toMatch(/HMC hmc6 on 127\.0\.0\.1:\d+/);
      expect(sshPassword(sim.ports[1]!, 'lshmc -n -F hostname').stdout).toBe('hmc7\n');
      expect(sshPassword(sim.ports[0]!, 'lssyscfg -r lpar -m sys2 --filter lpar_names=aixnode5556mp2 -F state').stdout).toBe('Not Activated\n');
    } finally {
      await sim.stop();
    }
  });

  it('stops cleanly on SIGTERM and removes its control socket', async () => {
    const sim = await startSim({ endpoints: 1 });
    expect(existsSync(sim.control)).toBe(true);
    await sim.stop();
    expect(sim.proc.exitCode).toBe(0);
    expect(existsSync(sim.control)).toBe(false);
  });

  it('refuses a control socket another simulator is using', async () => {
    const sim = await startSim({ endpoints: 1 });
    try {
      const r = hmcsim('--world', join(ROOT, 'test/sim/hmc/fixtures/two-systems.json'), '--listen', '127.0.0.1:0', '--control', sim.control);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is in use by another simulator/);
    } finally {
      await sim.stop();
    }
  });
});
