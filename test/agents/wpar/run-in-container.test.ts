/**
 * RunInContainer end to end: the local runner (the agent framework), the
 * `--config` form, `check` and `install`, over the simulated AIX WPAR
 * commands. A plain script agent and the Application agent, both with
 * ContainerOpts RunInContainer = 1, in a group whose ContainerInfo names the
 * WPAR: their entry points run inside it through `clogin NAME PATH ...`
 * (wpar.log records every clogin; the programs find their files under the
 * WPAR's root), only once the WPAR is Active; where ContainerInfo Enabled
 * is 2 they run in the global environment. Needs dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../framework/cf/load.js';
import { realClock } from '../../../framework/clock.js';
import type { RunnerEvent } from '../../../framework/runner/events.js';
import { ProcessExecutor } from '../../../framework/runner/executor.js';
import { buildPlan } from '../../../framework/runner/plan.js';
import { Runner } from '../../../framework/runner/runner.js';
import { isProcessRunning as isProcessAlive } from '../../../framework/process.js';
import { requireBuild, ROOT, STACK, vcsagent } from '../../bin/helpers.js';

const BIN = join(ROOT, 'sim', 'aix', 'bin');
beforeAll(() => requireBuild());

interface Node {
  system: string;
  dir: string;
  sim: string;
  vcsHome: string;
  vcsLog: string;
  env: NodeJS.ProcessEnv;
  wparDir: string;
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function aix(n: Node, cmd: string, args: string[]) {
  const r = spawnSync(join(BIN, cmd), args, { env: n.env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}
const wparLog = (n: Node) =>
  existsSync(join(n.sim, 'var/adm/wpar.log'))
    ? readFileSync(join(n.sim, 'var/adm/wpar.log'), 'utf8').trim().split('\n').map((l) => (JSON.parse(l).argv as string[]).join(' '))
    : [];
const clogins = (n: Node, what: string) => wparLog(n).filter((c) => c.startsWith('clogin ') && c.includes(what));
const stateOf = (n: Node) => aix(n, 'lswpar', ['-cq', '-a', 'state', 'w1']).trim();

/** The plain script agent: a VCS script agent whose resource is a file; the file says where the entry point ran. */
const SCRIPT_TYPES = `type WparApp (
	static int ContainerOpts{} = { RunInContainer = 1, PassCInfo = 0 }
	static int IMF{} = { Mode = 0, MonitorFreq = 1, RegisterRetryLimit = 3 }
	static str ArgList[] = { PathName }
	str PathName
)
`;
const SCRIPTS: Record<string, string> = {
  // $1 resource, then PathName 1 <path>: the path as seen where the entry point runs.
  online: 'mkdir -p "$(dirname "$4")" && pwd > "$4"',
  monitor: '[ -f "$4" ] && exit 110; exit 100',
  offline: 'rm -f "$4"',
  clean: 'rm -f "$4"',
};

/**
 * One cluster node: its simulated AIX, VCS directories, the agents
 * installed, WPAR w1 sharing VCS_HOME and this package with the global
 * environment (namefs mounts, as a system WPAR shares /opt where they would
 * be installed on AIX).
 */
function node(system: string, opts: { wpar?: boolean } = {}): Node {
  const dir = mkdtempSync(join(tmpdir(), `ric-${system}-`));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const n: Node = {
    system,
    dir,
    sim: join(dir, 'aix'),
    vcsHome: join(dir, 'opt', 'VRTSvcs'),
    vcsLog: join(dir, 'var', 'VRTSvcs'),
    wparDir: join(dir, 'aix', 'wpars', 'w1'),
    env: {},
  };
  mkdirSync(join(n.vcsLog, 'log'), { recursive: true });
  mkdirSync(join(dir, 'etc', 'conf'), { recursive: true });
  writeFileSync(join(dir, 'etc', 'conf', 'sysname'), `${system}\n`);
  n.env = { PATH: `${BIN}:${process.env.PATH}`, HOME: process.env.HOME, AIXSIM_ROOT: n.sim, VCS_HOME: n.vcsHome, VCS_LOG: n.vcsLog, VCS_CONF: join(dir, 'etc') };
  const inst = vcsagent(['install', '--vcs-home', n.vcsHome, 'WPAR', 'Application'], n.env);
  if (inst.status !== 0) throw new Error(inst.stderr);
  mkdirSync(join(n.vcsHome, 'bin', 'WparApp'), { recursive: true });
  for (const [ep, body] of Object.entries(SCRIPTS)) writeFileSync(join(n.vcsHome, 'bin', 'WparApp', ep), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  if (opts.wpar !== false) {
    aix(n, 'mkwpar', ['-n', 'w1', '-M', `directory=${n.vcsHome}`, 'vfs=namefs', `dev=${n.vcsHome}`, '-M', `directory=${ROOT}`, 'vfs=namefs', `dev=${ROOT}`]);
    aix(n, 'wparsim', ['delay', 'w1', '50']);
  }
  return n;
}

function mainCf(n: Node, group: string, resources: string, deps: string): string {
  const file = join(n.dir, 'main.cf');
  writeFileSync(join(n.dir, 'WparAppTypes.cf'), SCRIPT_TYPES);
  writeFileSync(
    file,
    `include "types.cf"
include "WparAppTypes.cf"

cluster c (
	)

system sysA (
	)

system sysB (
	)

${group}
${resources}
${deps}
`,
  );
  return file;
}

const NO_IMF = 'IMF = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 }';

function runnerOn(n: Node, file: string) {
  const { config, errors } = loadConfig(file);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const events: RunnerEvent[] = [];
  const executor = new ProcessExecutor({ vcsHome: n.vcsHome, env: n.env, killGraceMs: 500 });
  const runner = new Runner(buildPlan(config, n.system), { executor, clock: realClock({ speed: 10 }), onEvent: (e) => events.push(e) });
  cleanups.push(async () => {
    await runner.stop();
    executor.killAll();
  });
  return { runner, events };
}

/** A node with group G: the WPAR w1 and the script agent's app1 (its file /data/app.up, inside the WPAR), app1 requiring w1_res. */
function scriptAgentSetup() {
  const n = node('sysA');
  const file = mainCf(
    n,
    `group G (
	SystemList = { sysA = 0, sysB = 1 }
	ContainerInfo = { Name = w1, Type = WPAR, Enabled = 1 }
	)`,
    `	WPAR w1_res (
		${NO_IMF}
		)

	WparApp app1 (
		PathName = "/data/app.up"
		)`,
    '	app1 requires w1_res',
  );
  return { n, file };
}

describe('the runner runs RunInContainer entry points inside the WPAR', () => {
  it('a plain script agent: probed offline without entering the stopped WPAR, then online, monitor and offline through clogin with its path inside', { timeout: 120_000 }, async () => {
    const { n, file } = scriptAgentSetup();
    expect(spawnSync(process.execPath, [join(ROOT, 'bin', 'vcscf'), 'verify', file], { encoding: 'utf8' }).status).toBe(0);
    const { runner } = runnerOn(n, file);
    await runner.start();
    expect(runner.resource('app1')?.state).toBe('offline');
    // Before: the probe (and everything else) ran in the global environment; now a stopped WPAR is not entered at all.
    expect(clogins(n, 'app1')).toEqual([]);
    expect(await runner.online('G')).toBe('online');
    expect(stateOf(n)).toBe('A');
    const path = join(n.vcsHome, 'bin', 'WparApp');
    expect(clogins(n, 'app1')).toEqual(expect.arrayContaining([`clogin w1 ${path}/online app1 PathName 1 /data/app.up`, `clogin w1 ${path}/monitor app1 PathName 1 /data/app.up`]));
    // It ran inside: its /data/app.up is under the WPAR's root, written from the WPAR's root directory.
    expect(readFileSync(join(n.wparDir, 'data', 'app.up'), 'utf8')).toBe(`${n.wparDir}\n`);
    expect(existsSync('/data/app.up') && readFileSync('/data/app.up', 'utf8') === `${n.wparDir}\n`).toBe(false);
    // The WPAR resource itself (RunInContainer = 0) stays in the global environment.
    expect(wparLog(n).some((c) => c.startsWith('clogin') && c.includes('w1_res'))).toBe(false);
    expect(await runner.offline('G')).toBe('offline');
    expect(existsSync(join(n.wparDir, 'data', 'app.up'))).toBe(false);
    expect(stateOf(n)).toBe('D');
    expect(clogins(n, `${path}/offline app1`)).toHaveLength(1);
  });

  it("the seed's physical-to-WPAR failover with an Application: on sysA (Enabled = 2) it runs on the system itself, on sysB inside w1", { timeout: 180_000 }, async () => {
    const a = node('sysA', { wpar: false });
    const b = node('sysB');
    // The application, installed identically on both: on sysA in the global environment, on sysB inside the WPAR.
    const appDirA = join(a.dir, 'app');
    const appDirB = join(b.wparDir, 'app');
    for (const d of [appDirA, appDirB]) {
      mkdirSync(join(d, 'run'), { recursive: true });
      writeFileSync(join(d, 'start.sh'), '#!/bin/sh\ncd "$(dirname "$0")" || exit 1\nnohup sleep 300 >/dev/null 2>&1 &\necho $! > run/app.pid\n', { mode: 0o755 });
      writeFileSync(join(d, 'stop.sh'), '#!/bin/sh\ncd "$(dirname "$0")" || exit 1\n[ -f run/app.pid ] && kill "$(cat run/app.pid)"\nrm -f run/app.pid\n', { mode: 0o755 });
    }
    const pidIn = (d: string) => (existsSync(join(d, 'run', 'app.pid')) ? Number(readFileSync(join(d, 'run', 'app.pid'), 'utf8')) : undefined);
    cleanups.push(() => {
      for (const d of [appDirA, appDirB]) {
        const pid = pidIn(d);
        if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
      }
    });
    const group = `group APP (
	SystemList = { sysA = 0, sysB = 1 }
	ContainerInfo @sysA = { Name = w1, Type = WPAR, Enabled = 2 }
	ContainerInfo @sysB = { Name = w1, Type = WPAR, Enabled = 1 }
	)`;
    const resources = `	WPAR w1_res (
		${NO_IMF}
		)

	Application app1 (
		StartProgram @sysA = "${appDirA}/start.sh"
		StartProgram @sysB = "/app/start.sh"
		StopProgram @sysA = "${appDirA}/stop.sh"
		StopProgram @sysB = "/app/stop.sh"
		PidFiles @sysA = { "${appDirA}/run/app.pid" }
		PidFiles @sysB = { "/app/run/app.pid" }
		${NO_IMF}
		)`;
    const fileA = mainCf(a, group, resources, '	app1 requires w1_res');
    const fileB = mainCf(b, group, resources, '	app1 requires w1_res');
    expect(spawnSync(process.execPath, [join(ROOT, 'bin', 'vcscf'), 'verify', fileA], { encoding: 'utf8' }).stdout).toBe('');
    const A = runnerOn(a, fileA);
    const B = runnerOn(b, fileB);
    await Promise.all([A.runner.start(), B.runner.start()]);
    expect(await A.runner.online('APP')).toBe('online');
    const pidA = pidIn(appDirA)!;
    expect(isProcessAlive(pidA)).toBe(true);
    expect(wparLog(a)).toEqual([]);
    // The administrator switches it to sysB: offline on sysA, online on sysB inside the WPAR.
    expect(await A.runner.offline('APP')).toBe('offline');
    expect(isProcessAlive(pidA)).toBe(false);
    expect(await B.runner.online('APP')).toBe('online');
    const pidB = pidIn(appDirB)!;
    expect(isProcessAlive(pidB)).toBe(true);
    const started = clogins(b, 'Application/online app1');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatch(new RegExp(`^clogin w1 ${join(b.vcsHome, 'bin', 'Application', 'online')} app1 User 1 root StartProgram 1 /app/start\\.sh StopProgram 1 /app/stop\\.sh .*PidFiles 1 /app/run/app\\.pid `));
    expect(B.runner.resource('app1')?.state).toBe('online');
    expect(A.runner.resource('app1')?.state).toBe('offline');
    expect(await B.runner.offline('APP')).toBe('offline');
    expect(isProcessAlive(pidB)).toBe(false);
    expect(stateOf(b)).toBe('D');
  });
});

describe('--config, check and install know RunInContainer too', () => {
  const setup = scriptAgentSetup;

  it('vcsagent TYPE EP RES --config runs the entry point inside the WPAR once it runs; before, it answers without entering it', { timeout: 60_000 }, () => {
    const { n, file } = setup();
    // WparApp is not a vcsagent type; its --config form is the Application agent's: use it through a second resource.
    writeFileSync(file, readFileSync(file, 'utf8').replace('\tapp1 requires w1_res', '\tApplication app2 (\n\t\tStartProgram = "/app/start.sh"\n\t\tStopProgram = "/app/stop.sh"\n\t\tPidFiles = { "/app/run/app.pid" }\n\t\t)\n\n\tapp1 requires w1_res\n\tapp2 requires w1_res'));
    const ep = (e: string) => vcsagent(['Application', e, 'app2', '--config', file, '--system', 'sysA'], n.env, 30_000);
    const before = ep('monitor');
    expect(before.status).toBe(100);
    expect(before.stderr).not.toMatch(STACK);
    expect(readFileSync(join(n.vcsLog, 'log', 'Application_A.log'), 'utf8')).toMatch(/WPAR w1 is not defined|WPAR w1 is Defined \(D\): monitor not run inside it \(exit 100\)/);
    aix(n, 'startwpar', ['w1']);
    mkdirSync(join(n.wparDir, 'app', 'run'), { recursive: true });
    writeFileSync(join(n.wparDir, 'app', 'run', 'app.pid'), `${process.pid}\n`);
    expect(ep('monitor').status).toBe(110);
    expect(clogins(n, 'app2').at(-1)).toMatch(new RegExp(`^clogin w1 ${process.execPath} \\S+/bin/vcsagent --system sysA Application monitor app2 User 1 root StartProgram 1 /app/start.sh .*PidFiles 1 /app/run/app.pid`));
  });

  it('vcsagent check runs the lifecycle inside the WPAR, and says so; with the WPAR down it stops at once', { timeout: 120_000 }, () => {
    const { n, file } = setup();
    writeFileSync(file, readFileSync(file, 'utf8').replace('\tapp1 requires w1_res', '\tApplication app2 (\n\t\tStartProgram = "/app/start.sh"\n\t\tStopProgram = "/app/stop.sh"\n\t\tPidFiles = { "/app/run/app.pid" }\n\t\t)\n\n\tapp1 requires w1_res\n\tapp2 requires w1_res'));
    const down = vcsagent(['check', 'Application', 'app2', '--config', file, '--system', 'sysA'], n.env, 60_000);
    expect(down.status).toBe(1);
    expect(down.stdout).toMatch(/^FAIL  WPAR w1 \(ContainerInfo\) runs: it is Defined \(D\): bring its resource online first/m);
    aix(n, 'startwpar', ['w1']);
    const d = join(n.wparDir, 'app');
    mkdirSync(join(d, 'run'), { recursive: true });
    writeFileSync(join(d, 'start.sh'), '#!/bin/sh\ncd "$(dirname "$0")" || exit 1\nnohup sleep 300 >/dev/null 2>&1 &\necho $! > run/app.pid\n', { mode: 0o755 });
    writeFileSync(join(d, 'stop.sh'), '#!/bin/sh\ncd "$(dirname "$0")" || exit 1\n[ -f run/app.pid ] && kill "$(cat run/app.pid)"\nrm -f run/app.pid\n', { mode: 0o755 });
    cleanups.push(() => {
      const pid = existsSync(join(d, 'run', 'app.pid')) ? Number(readFileSync(join(d, 'run', 'app.pid'), 'utf8')) : 0;
      if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    const r = vcsagent(['check', 'Application', 'app2', '--config', file, '--system', 'sysA', '--interval', '0.2'], n.env, 110_000);
    expect(r.stdout).toMatch(/^note  RunInContainer: monitor, online, offline and clean run inside WPAR w1/m);
    expect(r.stdout).toMatch(/PASSED/);
    expect(r.status).toBe(0);
    for (const ep of ['monitor', 'online', 'offline', 'clean']) expect(clogins(n, ` Application ${ep} app2 `).length).toBeGreaterThan(0);
  });

  it('vcsagent install says what must be visible inside the WPARs for a RunInContainer type', () => {
    const n = node('sysA', { wpar: false });
    const r = vcsagent(['install', '--vcs-home', join(n.dir, 'other'), 'Application', 'WPAR'], n.env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Application: entry points run inside WPARs \(ContainerOpts RunInContainer = 1\): VCS starts these wrappers there through clogin at the same paths; .*mkwpar -M directory=DIR vfs=namefs dev=DIR/m);
    expect(r.stdout).not.toMatch(/^WPAR: entry points run inside/m);
  });
});
