/**
 * The simulated hasys answers SysState from the simulated cluster
 * ($VCSSIM_CLUSTER): RUNNING while a node's engine process lives, FAULTED
 * once it is gone without leaving, EXITED when it left. Needs dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinCluster, leaveCluster } from '../../../sim/aix/hasys.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const HASYS = join(ROOT, 'sim', 'aix', 'bin', 'hasys');

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vcssim-cluster-'));
  mkdirSync(join(dir, 'aix/etc/VRTSvcs/conf/config'), { recursive: true });
  writeFileSync(join(dir, 'aix/etc/VRTSvcs/conf/config/main.cf'), 'cluster c ( )\nsystem n1 ( PhysicalServer = sys1 )\nsystem n2 ( PhysicalServer = sys2 )\nsystem n3 ( )\n');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const hasys = (args: string[], cluster: string | null = join(dir, 'cluster')) => {
  const r = spawnSync(HASYS, args, { encoding: 'utf8', env: { ...process.env, AIXSIM_ROOT: join(dir, 'aix'), VCS_CONF: '', VCSSIM_CLUSTER: cluster ?? '' } });
  return r.stdout;
};

describe('hasys -state from the simulated cluster', () => {
  it('RUNNING while the node lives, FAULTED once its process is gone, EXITED when it left, UNKNOWN when it never joined', async () => {
    const node = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      joinCluster(join(dir, 'cluster'), 'n1', node.pid!);
      joinCluster(join(dir, 'cluster'), 'n2', process.pid);
      leaveCluster(join(dir, 'cluster'), 'n3');
      expect(hasys(['-state'])).toBe('#System    Attribute          Value\nn1  SysState  RUNNING\nn2  SysState  RUNNING\nn3  SysState  EXITED\n');
    } finally {
      const gone = new Promise((r) => node.once('exit', r));
      node.kill('SIGKILL');
      await gone;
    }
    expect(hasys(['-state', 'n1'])).toBe('FAULTED\n');
    expect(hasys(['-value', 'n1', 'SysState'])).toBe('FAULTED\n');
    rmSync(join(dir, 'cluster'), { recursive: true });
    expect(hasys(['-state', 'n2'])).toBe('UNKNOWN\n');
    // Without a simulated cluster, every system is a healthy member (and the state file still wins).
    expect(hasys(['-state', 'n1'], null)).toBe('RUNNING\n');
  });
});
