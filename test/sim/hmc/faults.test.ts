import { statSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowMs } from '../../support/timing.js';
import { execOn, sshClient, sshPassword, startSim, waitForAsync, type SimProcess } from './helpers.js';

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSim({ speed: 20 });
});
afterAll(() => sim?.stop());

const addr = (i: number) => `127.0.0.1:${sim.ports[i]}`;

/** Connects over TCP and collects what the server sends within `ms`. */
function firstBytes(port: number, ms: number): Promise<{ connected: boolean; data: string }> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    let data = '';
    let connected = false;
    s.on('connect', () => (connected = true));
    s.on('data', (d) => (data += d));
    s.on('error', () => undefined);
    setTimeout(() => {
      s.destroy();
      resolve({ connected, data });
    }, ms);
  });
}

describe('control socket', () => {
  it('is owner-only', () => {
    expect(statSync(sim.control).mode & 0o777).toBe(0o600);
  });

  it('reports bad commands with exit 1 and the reason', () => {
    const r = sim.ctl('hmc-down', '127.0.0.1:1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^hmcsim: control hmc-down: no endpoint 127\.0\.0\.1:1 \(endpoints: /);
    expect(sim.ctl('lpar-crash', 'sys1', 'ghost').stderr).toMatch(/no partition ghost on sys1/);
    expect(sim.ctl('frobnicate').stderr).toMatch(/unknown command/);
    expect(sim.ctl('lpar-crash', 'sys1', 'aixnode55vio1', '--state', 'Broken').status).toBe(1);
  });
});

describe('HMC faults', () => {
  it('hmc-down refuses connections and drops open sessions; the other HMC keeps serving; hmc-up restores it', async () => {
    const c = await sshClient(sim.ports[0]!);
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    expect(sim.ctl('hmc-down', addr(0)).status).toBe(0);
    await closed;
    const refused = sshPassword(sim.ports[0]!, 'lshmc -V');
    expect(refused.status).toBe(255);
    expect(refused.stderr).toMatch(/Connection refused/);
    expect(sshPassword(sim.ports[1]!, 'lssyscfg -r sys -F name').stdout).toBe('sys1\nsys2\n');
    expect(JSON.parse(sim.ctl('stats').stdout)[addr(0)].state).toBe('down');
    expect(sim.ctl('hmc-up', 'hmc6').status).toBe(0);
    expect(sshPassword(sim.ports[0]!, 'lssyscfg -r sys -F name').stdout).toBe('sys1\nsys2\n');
  });

  it('hmc-hang accepts TCP but never sends the SSH banner, and holds commands of open sessions until hmc-up', async () => {
    const c = await sshClient(sim.ports[1]!);
    expect(sim.ctl('hmc-hang', addr(1)).status).toBe(0);
    const silent = await firstBytes(sim.ports[1]!, 500);
    expect(silent).toEqual({ connected: true, data: '' });
    let answered = false;
    const pending = execOn(c, 'lssyscfg -r sys -F name').then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 400));
    expect(answered).toBe(false);
    expect(sim.ctl('hmc-up', addr(1)).status).toBe(0);
    expect((await pending).stdout).toBe('sys1\nsys2\n');
    const healthy = await firstBytes(sim.ports[1]!, 500);
    expect(healthy.data).toMatch(/^SSH-2\.0-/);
    c.end();
  });

  it('a command a slow HMC has not started yet is not run once its session is gone (sshd hangs up its shell)', async () => {
    const w = (st: string) => sshPassword(sim.ports[1]!, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state').stdout === `${st}\n`;
    sshPassword(sim.ports[1]!, 'chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05');
    await waitForAsync(async () => w('Not Activated'), 10_000, 'down');
    const c = await sshClient(sim.ports[0]!);
    expect(sim.ctl('hmc-slow', addr(0), '1500').status).toBe(0);
    void execOn(c, 'chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05').catch(() => undefined);
    await new Promise((r) => setTimeout(r, 400));
    c.end(); // the client gives up (a timeout): its session is gone before the HMC gets to the command
    await new Promise((r) => setTimeout(r, 2_500));
    expect(w('Not Activated')).toBe(true);
    expect(sim.ctl('hmc-slow', addr(0), '0').status).toBe(0);
    // As the tests after this one want it: running, with RMC.
    sshPassword(sim.ports[1]!, 'chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05');
    await waitForAsync(async () => sshPassword(sim.ports[1]!, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state,rmc_state').stdout === 'Running,active\n', 20_000, 'running again');
  });

  it('hmc-slow MS delays every command by MS', async () => {
    const c = await sshClient(sim.ports[0]!);
    // Longer than a command takes on this machine now (600 ms when quiet), so that the two differ.
    const delay = allowMs(600);
    expect(sim.ctl('hmc-slow', addr(0), String(delay)).status).toBe(0);
    let t = Date.now();
    await execOn(c, 'lssyscfg -r sys -F name');
    expect(Date.now() - t).toBeGreaterThanOrEqual(delay - 10);
    expect(sim.ctl('hmc-slow', addr(0), '0').status).toBe(0);
    t = Date.now();
    await execOn(c, 'lssyscfg -r sys -F name');
    expect(Date.now() - t).toBeLessThan(delay - 10);
    c.end();
  });
});

describe('world faults through the control socket', () => {
  it('crashes, hangs and brings down VIOS and whole systems as clients then see them', async () => {
    const p = sim.ports[0]!;
    expect(sim.ctl('vios-down', 'sys1', 'aixnode55vio1').status).toBe(0);
    expect(sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=aixnode55vio1 -F state,rmc_state').stdout).toBe('Not Activated,inactive\n');
    expect(sim.ctl('vios-up', 'sys1', 'aixnode55vio1').status).toBe(0);
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=aixnode55vio1 -F state').stdout === 'Running\n');
    expect(sim.ctl('lpar-hang', 'sys1', 'lpar05').status).toBe(0);
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state,rmc_state').stdout === 'Running,inactive\n');
    expect(sim.ctl('system-power-off', 'sys2').status).toBe(0);
    expect(sshPassword(p, 'lssyscfg -r sys -F name,state').stdout).toBe('sys1,Operating\nsys2,Power Off\n');
    expect(sim.ctl('system-power-on', 'sys2').status).toBe(0);
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys2 -F state').stdout === 'Running\nRunning\nRunning\n');
  });

  it('migrate: a live migration started outside VCS moves the partition to the target', async () => {
    const p = sim.ports[1]!;
    expect(sshPassword(p, 'chsysstate -m sys1 -r lpar -o shutdown --immed -n lpar05').status).toBe(0);
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state').stdout === 'Not Activated\n');
    expect(sshPassword(p, 'chsysstate -m sys1 -r lpar -o on -n lpar05 -f lpar05').status).toBe(0);
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F rmc_state').stdout === 'active\n');
    const started = sim.ctl('migrate', 'sys1', 'lpar05', 'sys2');
    expect(started.status).toBe(0);
    expect(JSON.parse(started.stdout)).toMatchObject({ lpar: 'lpar05', state: 'Migrating - Running' });
    await waitForAsync(async () => sshPassword(p, 'lssyscfg -r lpar -m sys2 --filter lpar_names=lpar05 -F state').stdout === 'Running\n');
    expect(sshPassword(p, 'lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05').status).toBe(1);
    const dump = JSON.parse(sim.ctl('dump').stdout);
    expect(dump.systems[1].partitions.map((x: { name: string }) => x.name)).toContain('lpar05');
    const refused = sim.ctl('migrate', 'sys2', 'lpar05', 'sys2');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/HSCLA238/);
  });
});
