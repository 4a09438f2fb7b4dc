/**
 * `vcsagent install --ocf-root DIR`: DIR/resource.d/vcs-powervm/<Type>, an
 * executable that execs `vcsagent ocf <Type>` (with --module for an agent
 * outside the package), no VCS layout unless --vcs-home is given too.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, VCSAGENT } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'ocf-install-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const install = (...args: string[]) => spawnSync(process.execPath, [VCSAGENT, 'install', ...args], { encoding: 'utf8' });

describe('install --ocf-root', () => {
  it('writes one executable OCF agent per type, and nothing for VCS', () => {
    const root = join(dir, 'a');
    const r = install('--ocf-root', root, 'LPAR', 'WPAR');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('LPAR: OCF resource agent');
    const provider = join(root, 'resource.d', 'vcs-powervm');
    expect(readdirSync(provider).sort()).toEqual(['LPAR', 'WPAR']);
    expect(statSync(join(provider, 'LPAR')).mode & 0o777).toBe(0o755);
    expect(readFileSync(join(provider, 'LPAR'), 'utf8')).toContain(`exec '${process.execPath}' '${VCSAGENT}' 'ocf' 'LPAR' "$@"`);
    expect(existsSync(join(root, 'bin'))).toBe(false);
    // Reinstalling leaves no .previous (Pacemaker would list it as an agent).
    expect(install('--ocf-root', root, 'LPAR').status).toBe(0);
    expect(readdirSync(provider).sort()).toEqual(['LPAR', 'WPAR']);
  });

  it('passes --module on for an agent outside the package, and lays out VCS too with --vcs-home', () => {
    // A copy: install precompiles the module's type next to it (.vcsagent/), not in the source tree other tests read.
    const fixtures = join(ROOT, 'test', 'framework', 'ocf', 'fixtures');
    const module = join(dir, 'scripted.mjs');
    copyFileSync(join(fixtures, 'scripted.mjs'), module);
    copyFileSync(join(fixtures, 'ScriptedTypes.cf'), join(dir, 'ScriptedTypes.cf'));
    const root = join(dir, 'b');
    const r = install('--ocf-root', root, '--vcs-home', join(dir, 'vcs'), '--module', module, 'Scripted');
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(join(root, 'resource.d', 'vcs-powervm', 'Scripted'), 'utf8')).toContain(`'--module' '${module}' 'ocf' 'Scripted'`);
    expect(existsSync(join(dir, 'vcs', 'bin', 'Scripted', 'monitor'))).toBe(true);
    expect(existsSync(join(dir, '.vcsagent', 'Scripted.json'))).toBe(true);
  });

  it('needs --vcs-home or --ocf-root; --conf-dir goes with --vcs-home', () => {
    expect(install('LPAR')).toMatchObject({ status: 2, stderr: expect.stringMatching(/--vcs-home DIR \(VCS.*\) or --ocf-root DIR \(Pacemaker.*\) is required/) });
    expect(install('--ocf-root', dir, '--conf-dir', dir, 'LPAR')).toMatchObject({ status: 2, stderr: expect.stringContaining('--conf-dir goes with --vcs-home') });
  });
});
