/**
 * `vcsagent check WPAR wpar1_res --config sim/configs/wpar/main.cf`: the
 * conformance run against the simulated WPAR commands. The resource is
 * wpar1_res and the WPAR wpar1: it passes only if `--config` appends the
 * group's ContainerInfo (PassCInfo = 1), with this system's DROpts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { requireBuild, ROOT, STACK, vcsagent, vcsTree, type VcsTree } from '../../bin/helpers.js';

const BIN = join(ROOT, 'sim', 'aix', 'bin');
let tree: VcsTree;
let sim: string;
beforeAll(() => requireBuild());
afterEach(() => {
  tree.cleanup();
  rmSync(sim, { recursive: true, force: true });
});

it('passes every step of vcsagent check; online there writes that system\'s DROpts', { timeout: 120_000 }, () => {
  tree = vcsTree();
  sim = mkdtempSync(join(tmpdir(), 'wpar-check-'));
  const env = { ...tree.env, PATH: `${BIN}:${process.env.PATH}`, AIXSIM_ROOT: sim };
  expect(spawnSync(join(BIN, 'mkwpar'), ['-n', 'wpar1'], { env }).status).toBe(0);
  spawnSync(join(BIN, 'wparsim'), ['delay', 'wpar1', '50'], { env });
  const cf = join(ROOT, 'sim', 'configs', 'wpar', 'main.cf');
  const r = vcsagent(['check', 'WPAR', 'wpar1_res', '--config', cf, '--system', 'aixnode55mp1'], env, 110_000);
  expect(r.stdout).toMatch(/PASSED: \d+ passed, 0 failed/);
  expect(r.stdout).not.toMatch(/^FAIL/m);
  expect(r.status).toBe(0);
  expect(r.stderr).not.toMatch(STACK);
  expect(vcsagent(['WPAR', 'online', 'wpar1_res', '--config', cf, '--system', 'aixnode55mp1'], env).status).toBe(0);
  expect(readFileSync(join(sim, 'wpars', 'wpar1', 'etc', 'resolv.conf'), 'utf8')).toBe('domain site1.example.com\nsearch site1.example.com example.com\nnameserver 10.10.1.53\n');
});
