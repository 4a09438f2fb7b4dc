/**
 * `vcsagent wpar setup` and `vcsagent wpar verify` (hawparsetup,
 * hawparverify) on main.cf files in a temporary directory, and verify's
 * host checks against the simulated AIX WPAR commands. Needs dist/ for the
 * simulated commands.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../../framework/cf/wpar/command.js';
import { verifyPath } from '../../../../framework/cf/verify/verify.js';
import { registry } from '../../../../agents/registry.js';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
const BIN = join(ROOT, 'sim', 'aix', 'bin');
let dir: string;
let cf: string;
let secret: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wpar-setup-'));
  cf = join(dir, 'main.cf');
  secret = join(dir, 'password');
  writeFileSync(secret, 'OoJaijegaolaiJaebi\n', { mode: 0o600 });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function wpar(args: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await run(args, { registry, root: ROOT, self: join(ROOT, 'bin', 'vcsagent'), env, out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const APP = `include "types.cf"

cluster c1 (
	UserNames = { admin = cDRpdxPmHzpS }
	Administrators = { admin }
	)

system sysA (
	)

system sysB (
	)

group ora_grp (
	SystemList = { sysA = 0, sysB = 1 }
	AutoStartList = { sysA }
	)

	// The application, to run inside the WPAR.
	Application ora_app (
		StartProgram = "/oracle/bin/start"
		StopProgram = "/oracle/bin/stop"
		MonitorProcesses = { "ora_pmon_ORCL" }
		)

	Process ora_lsnr (
		PathName = "/oracle/bin/tnslsnr"
		)

	ora_app requires ora_lsnr


	// resource dependency tree
	//
	//	group ora_grp
	//	{
	//	Application ora_app
	//	    {
	//	    Process ora_lsnr
	//	    }
	//	}
`;

describe('wpar setup', () => {
  it("adds the WPAR resource, ContainerInfo, the dependencies and the VCS user to an existing group; atomically, the old main.cf kept", async () => {
    writeFileSync(cf, APP);
    const r = await wpar(['setup', 'ora_grp', 'orawpar_res', 'orawpar', '--config', cf, '--password-file', secret]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('OoJaijegaolaiJaebi');
    expect(r.stdout).toMatch(/^WPAR orawpar_res added to group ora_grp$/m);
    expect(r.stdout).toMatch(/^ora_lsnr requires orawpar_res \(Process runs inside the WPAR\)$/m);
    expect(readFileSync(`${cf}.previous`, 'utf8')).toBe(APP);
    const text = readFileSync(cf, 'utf8');
    expect(text).toContain('\tUserNames = { admin = cDRpdxPmHzpS, orawpar = OoJaijegaolaiJaebi }');
    expect(text).toContain('\tContainerInfo = { Name = orawpar, Type = WPAR, Enabled = 1 }');
    expect(text).toContain('\tAdministrators = { orawpar }');
    expect(text).toContain('\t// The application, to run inside the WPAR.');
    expect(text).toMatch(/\tWPAR orawpar_res \(\n\t\t\)\n/);
    expect(text).toContain('\tora_lsnr requires orawpar_res');
    // Only the lowest of the resources running inside gets a link: ora_app follows through ora_lsnr.
    expect(text).not.toContain('ora_app requires orawpar_res');
    expect(verifyPath(cf).findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Again: nothing more to do.
    const again = await wpar(['setup', 'ora_grp', 'orawpar_res', 'orawpar', '--config', cf, '--password-file', secret]);
    expect(again.code).toBe(0);
    expect(readFileSync(cf, 'utf8')).toBe(text);
  });

  it('creates the group on the systems named; without systems it refuses', async () => {
    writeFileSync(cf, APP);
    expect(await wpar(['setup', 'w_grp', 'w1_res', 'w1', '--config', cf, '--no-user'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/group w_grp does not exist: name the systems it is to run on; nothing changed/) });
    expect(await wpar(['setup', 'w_grp', 'w1_res', 'w1', 'sysB', 'sysX', '--config', cf, '--no-user'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/sysX is not a system of/) });
    expect(existsSync(`${cf}.previous`)).toBe(false);
    const r = await wpar(['setup', 'w_grp', 'w1_res', 'w1', 'sysB', 'sysA', '--config', cf, '--no-user']);
    expect(r.code).toBe(0);
    const text = readFileSync(cf, 'utf8');
    expect(text).toMatch(/group w_grp \(\n\tSystemList = \{ sysB = 0, sysA = 1 \}\n\tContainerInfo = \{ Name = w1, Type = WPAR, Enabled = 1 \}\n\t\)\n\n\tWPAR w1_res \(\n\t\t\)/);
  });

  it("the seed's physical-to-WPAR failover: per-system ContainerInfo kept, IMF Mode 0 where Enabled = 2", async () => {
    writeFileSync(cf, APP.replace('\tAutoStartList = { sysA }\n', '\tAutoStartList = { sysA }\n\tContainerInfo @sysA = { Name = W1, Type = WPAR, Enabled = 2 }\n\tContainerInfo @sysB = { Name = W1, Type = WPAR, Enabled = 1 }\n'));
    const r = await wpar(['setup', 'ora_grp', 'w_res', 'W1', '--config', cf, '--no-user']);
    expect(r.code).toBe(0);
    const text = readFileSync(cf, 'utf8');
    expect(text).toContain('\tContainerInfo @sysA = { Name = W1, Type = WPAR, Enabled = 2 }');
    expect(text).toContain('\t\tIMF @sysA = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 }');
    expect(text).not.toContain('IMF @sysB');
    expect(verifyPath(cf).findings.filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('refuses what VCS would refuse and changes nothing: a second WPAR, a bad WPAR name, a name already used, no password', async () => {
    writeFileSync(cf, APP);
    await wpar(['setup', 'ora_grp', 'w_res', 'w1', '--config', cf, '--no-user']);
    const after = readFileSync(cf, 'utf8');
    rmSync(`${cf}.previous`);
    for (const [args, why] of [
      [['ora_grp', 'other_res', 'w2'], /already has WPAR resource w_res/],
      [['ora_grp', 'w_res', 'my.wpar'], /WPAR name "my\.wpar" contains "\."/],
      [['new_grp', 'ora_app', 'w3', 'sysA'], /resource ora_app already exists \(Application, group ora_grp\)/],
    ] as const) {
      const r = await wpar(['setup', ...args, '--config', cf, '--no-user']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(why);
    }
    await expect(wpar(['setup', 'ora_grp', 'w_res', 'w1', '--config', cf])).rejects.toThrow(/needs --password-file/);
    expect(readFileSync(cf, 'utf8')).toBe(after);
    expect(existsSync(`${cf}.previous`)).toBe(false);
  });

  it('--dry-run prints the result and writes nothing', async () => {
    writeFileSync(cf, APP);
    const r = await wpar(['setup', 'ora_grp', 'w_res', 'w1', '--config', cf, '--no-user', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\tWPAR w_res (');
    expect(r.stderr).toMatch(/WPAR w_res added/);
    expect(readFileSync(cf, 'utf8')).toBe(APP);
  });
});

describe('wpar verify', () => {
  let sim: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    sim = join(dir, 'aix');
    env = { PATH: `${BIN}:${process.env.PATH}`, AIXSIM_ROOT: sim };
  });
  const aix = (cmd: string, args: string[]) => expect(spawnSync(join(BIN, cmd), args, { env: { ...process.env, ...env } }).status).toBe(0);

  it('the rules on the group: PASSED after setup, the missing dependency found before', async () => {
    writeFileSync(cf, APP.replace('\tAutoStartList = { sysA }\n', '\tAutoStartList = { sysA }\n\tContainerInfo = { Name = w1, Type = WPAR, Enabled = 1 }\n').replace('\tProcess ora_lsnr (', '\tWPAR w1_res (\n\t\t)\n\n\tProcess ora_lsnr ('));
    const before = await wpar(['verify', 'ora_grp', '--config', cf]);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/^error .*main\.cf:\d+:\d+: VCF703 Process ora_lsnr runs inside the WPAR/m);
    await wpar(['setup', 'ora_grp', 'w1_res', 'w1', '--config', cf, '--no-user']);
    const after = await wpar(['verify', 'ora_grp', '--config', cf]);
    expect(after.stdout).toMatch(/^ok    group ora_grp: WPAR resource w1_res/m);
    expect(after.stdout).toMatch(/PASSED\n$/);
    expect(after.code).toBe(0);
  });

  it('--host: the WPAR exists and is Defined or Active, has a host name, and the group mounts storage where the WPAR sees it', async () => {
    writeFileSync(cf, APP);
    await wpar(['setup', 'ora_grp', 'w1_res', 'w1', '--config', cf, '--no-user']);
    const missing = await wpar(['verify', 'ora_grp', '--config', cf, '--host', '--system', 'sysA'], env);
    expect(missing.stdout).toMatch(/^error WPAR w1 does not exist on sysA/m);
    expect(missing.code).toBe(1);
    const shared = join(dir, 'oradata');
    mkdirSync(shared);
    aix('mkwpar', ['-n', 'w1', '-h', 'orahost', '-M', 'directory=/oradata', 'vfs=namefs', `dev=${shared}`]);
    const wdir = join(sim, 'wpars', 'w1');
    const text = readFileSync(cf, 'utf8').replace(
      '\tWPAR w1_res (',
      `\tMount direct_mnt (\n\t\tMountPoint = "${wdir}/oracle"\n\t\tBlockDevice = "/dev/vx/dsk/oradg/vol1"\n\t\tFSType = vxfs\n\t\tFsckOpt = "-y"\n\t\t)\n\n\tMount shared_mnt (\n\t\tMountPoint = "${shared}"\n\t\tBlockDevice = "/dev/vx/dsk/oradg/vol2"\n\t\tFSType = vxfs\n\t\tFsckOpt = "-y"\n\t\t)\n\n\tWPAR w1_res (`,
    );
    writeFileSync(cf, text);
    const ok = await wpar(['verify', 'ora_grp', '--config', cf, '--host', '--system', 'sysA', '--hostname', 'orahost'], env);
    expect(ok.stdout).toMatch(/^ok    WPAR w1 exists on sysA, Defined \(D\)$/m);
    expect(ok.stdout).toMatch(/^ok    WPAR w1's host name is orahost$/m);
    expect(ok.stdout).toMatch(/^ok    Mount direct_mnt .* is a direct mount under the WPAR's root: inside it is \/oracle$/m);
    expect(ok.stdout).toMatch(/^ok    Mount shared_mnt .* is shared into the WPAR by a namefs mount at \/oradata$/m);
    expect(ok.stdout).toMatch(/root is on local storage/);
    expect(ok.code).toBe(0);
    writeFileSync(cf, text.replace(`MountPoint = "${shared}"`, 'MountPoint = "/elsewhere"'));
    aix('wparsim', ['set', 'w1', 'B']);
    const bad = await wpar(['verify', 'ora_grp', '--config', cf, '--host', '--system', 'sysA', '--hostname', 'other'], env);
    expect(bad.stdout).toMatch(/^error WPAR w1 is Broken \(B\) on sysA/m);
    expect(bad.stdout).toMatch(/^error WPAR w1's host name is orahost, not other$/m);
    expect(bad.stdout).toMatch(/^error Mount shared_mnt: MountPoint \/elsewhere is neither under the WPAR's root/m);
    expect(bad.stdout).toMatch(/FAILED: 3 problems/);
    expect(bad.code).toBe(1);
  });
});
