/**
 * The WPAR agent under Pacemaker, the same face: ocf-tester passes it over
 * the simulated AIX WPAR commands, the WPAR named by the ContainerInfo
 * parameter (what VCS passes from the group: PassCInfo = 1).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, VCSAGENT, runProcess } from './helpers.js';

const BIN = join(ROOT, 'sim', 'aix', 'bin');
const dir = mkdtempSync(join(tmpdir(), 'ocf-wpar-'));
const sim = join(dir, 'aix');
const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, AIXSIM_ROOT: sim, VCS_LOG: join(dir, 'state'), OCF_ROOT: '/usr/lib/ocf' };
const agent = join(dir, 'ocf', 'resource.d', 'vcs-powervm', 'WPAR');

function aix(cmd: string, args: string[]): string {
  const r = spawnSync(join(BIN, cmd), args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  // ocf-tester runs meta-data as nobody: the agent must be reachable.
  chmodSync(dir, 0o755);
  mkdirSync(sim, { recursive: true });
  const r = spawnSync(process.execPath, [VCSAGENT, 'install', '--ocf-root', join(dir, 'ocf'), 'WPAR'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  aix('mkwpar', ['-n', 'w1']);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('WPAR as an OCF resource agent', () => {
  it('passes ocf-tester: started and stopped with startwpar and stopwpar, its workload controls set', async () => {
    const r = await runProcess('/usr/sbin/ocf-tester', ['-n', 'wpar1', '-o', 'ContainerInfo=Name=w1 Type=WPAR Enabled=1', '-o', 'WorkLoad=shares_CPU=10', '-o', 'ShutdownGracePeriod=5', agent], env, 240_000);
    expect(r.stdout + r.stderr, r.stdout + r.stderr).toContain('passed all tests');
    expect(aix('lswpar', ['-cq', '-a', 'state', 'w1']).trim()).toBe('D');
    const cmds = readFileSync(join(sim, 'var/adm/wpar.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l).argv as string[]).join(' '));
    expect(cmds.filter((c) => c.startsWith('startwpar'))).toHaveLength(2);
    expect(cmds.some((c) => /^chwpar -R .*shares_CPU=10.* w1$/.test(c))).toBe(true);
    expect(cmds.some((c) => /^stopwpar .*-t 5.* w1$/.test(c))).toBe(true);
  }, 300_000);

  it('without ContainerInfo it is not configured (6): never a guess at a WPAR', async () => {
    const r = await runProcess(agent, ['start'], { ...env, OCF_RESOURCE_INSTANCE: 'wpar2' });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/ocf-exit-reason:.*ContainerInfo/);
  });
});
