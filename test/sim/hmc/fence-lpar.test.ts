/**
 * ClusterLabs fence_lpar (a third-party HMC client we did not write) against
 * the simulator: password login over an interactive OpenSSH session, the
 * `:~>` prompt, backtick substitution in `chsysstate -f`, `,state=...,`
 * parsing, `-F name:state` listing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allowMs } from '../../support/timing.js';
import { sshPassword, startSim, type SimProcess } from './helpers.js';

const FENCE_LPAR = '/usr/sbin/fence_lpar';
let sim: SimProcess;

beforeAll(async () => {
  expect(existsSync(FENCE_LPAR), 'fence_lpar is installed (.ci/run installs fence-agents)').toBe(true);
  sim = await startSim({ speed: 4 });
});
afterAll(() => sim?.stop());

function fence(port: number, action: string, plug?: string, managed = 'sys1', extra: string[] = []) {
  const args = ['-a', '127.0.0.1', '-u', String(port), '-l', 'hscroot', '-p', 'abc123', '-s', managed, '-o', action, '--hmc-version', '4', '--ssh-options=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR'];
  if (plug) args.push('-n', plug);
  // fence_lpar's waits for the prompt (5 s after login, 3 s after a command) suit a real HMC; on a
  // busy test machine they get what the machine needs now.
  args.push(`--login-timeout=${Math.ceil(allowMs(5000) / 1000)}`, `--shell-timeout=${Math.ceil(allowMs(3000) / 1000)}`);
  args.push(...extra);
  const r = spawnSync(FENCE_LPAR, args, { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lparState = (port: number, name: string) => sshPassword(port, `lssyscfg -r lpar -m sys1 --filter lpar_names=${name} -F state`).stdout.trim();

describe('fence_lpar --hmc-version 4', () => {
  it('status reports ON for a running partition through either HMC', () => {
    for (const port of sim.ports) expect(fence(port, 'status', 'lpar05')).toMatchObject({ status: 0, stdout: 'Status: ON\n' });
  });

  it('off powers the partition off (shutdown --immed) and status then says OFF', () => {
    const [p1, p2] = sim.ports as [number, number];
    expect(fence(p1, 'off', 'lpar05')).toMatchObject({ status: 0, stdout: 'Success: Powered OFF\n' });
    expect(lparState(p2, 'lpar05')).toBe('Not Activated');
    expect(fence(p2, 'status', 'lpar05')).toMatchObject({ status: 2, stdout: 'Status: OFF\n' });
    expect(fence(p2, 'off', 'lpar05')).toMatchObject({ status: 0, stdout: 'Success: Already OFF\n' });
  });

  it('on starts it with its current profile (backticks in chsysstate -f)', async () => {
    const [p1, p2] = sim.ports as [number, number];
    expect(fence(p2, 'on', 'lpar05')).toMatchObject({ status: 0, stdout: 'Success: Powered ON\n' });
    expect(['Starting', 'Running']).toContain(lparState(p1, 'lpar05'));
    const stats = JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${p2}`];
    expect(stats.commands).toMatchObject({ lscomgmt: 1, chsysstate: 1 });
  });

  it('reboot is off then on', () => {
    sim.ctl('stats', '--reset');
    const p1 = sim.ports[0]!;
    expect(fence(p1, 'reboot', 'aixnode55mp1')).toMatchObject({ status: 0, stdout: 'Success: Rebooted\n' });
    expect(['Starting', 'Running']).toContain(lparState(p1, 'aixnode55mp1'));
    expect(JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${p1}`].commands.chsysstate).toBe(2);
  });

  it('list and list-status show every partition of the managed system', () => {
    const r = fence(sim.ports[1]!, 'list');
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).map((l) => l.split(',')[0])).toEqual(['aixnode55vio1', 'aixnode55vio2', 'lpar05', 'aixnode55mp1']);
    const s = fence(sim.ports[1]!, 'list-status');
    expect(s.stdout).toContain('aixnode55vio1,,on');
  });

  it('a crashed partition (Error) counts as off; off is then a no-op and on fails (fence-agents issue 610)', () => {
    const p1 = sim.ports[0]!;
    expect(sim.ctl('lpar-crash', 'sys1', 'aixnode55mp1').status).toBe(0);
    expect(lparState(p1, 'aixnode55mp1')).toBe('Error');
    expect(fence(p1, 'status', 'aixnode55mp1')).toMatchObject({ status: 2, stdout: 'Status: OFF\n' });
    expect(fence(p1, 'off', 'aixnode55mp1').stdout).toBe('Success: Already OFF\n');
    expect(lparState(p1, 'aixnode55mp1')).toBe('Error');
    const on = fence(p1, 'on', 'aixnode55mp1', 'sys1', ['--power-timeout', '2']);
    expect(on.status).not.toBe(0);
    expect(lparState(p1, 'aixnode55mp1')).toBe('Error');
  });

  it('an unknown partition is a failure, not a state', () => {
    const r = fence(sim.ports[0]!, 'status', 'ghost');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/unable to obtain correct plug status/);
  });

  it('a wrong password is a login failure', () => {
    const r = spawnSync(FENCE_LPAR, ['-a', '127.0.0.1', '-u', String(sim.ports[0]), '-l', 'hscroot', '-p', 'nope', '-s', 'sys1', '-n', 'lpar05', '-o', 'status', '--login-timeout', '5', '--ssh-options=-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stdout).not.toContain('Status: ON');
  });
});
