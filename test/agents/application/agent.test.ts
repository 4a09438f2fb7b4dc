/**
 * The Application agent as VCS runs it in the global environment:
 * bin/vcsagent Application EP RES ArgList... as a process. StartProgram and
 * StopProgram with PidFiles, MonitorProcesses and MonitorProgram; clean;
 * programs run without a shell (EnvFile sourced with the values as
 * arguments). Its runs inside a WPAR are in test/agents/wpar/run-in-container.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { monitorProgramResult } from '../../../agents/application/agent.js';
import { programArgv } from '../../../agents/application/programs.js';
import { isProcessRunning as isProcessAlive } from '../../../framework/process.js';
import { requireBuild, STACK, type VcsTree, vcsagent, vcsTree } from '../../bin/helpers.js';

let tree: VcsTree;
let app: string;
beforeAll(() => requireBuild());
beforeEach(() => {
  tree = vcsTree({ sysname: 'sysA' });
  app = join(tree.root, 'app');
  mkdirSync(join(app, 'run'), { recursive: true });
  // A daemon started in the background, as real start scripts do; its command line is unique to this test.
  writeFileSync(join(app, 'appd'), "#!/bin/sh\ntrap 'kill $! 2>/dev/null; exit 0' TERM\nsleep 300 &\nwait\n", { mode: 0o755 });
  writeFileSync(join(app, 'start.sh'), `#!/bin/sh\nnohup ${app}/appd "$1" >/dev/null 2>&1 &\necho $! > ${app}/run/app.pid\n`, { mode: 0o755 });
  writeFileSync(join(app, 'stop.sh'), `#!/bin/sh\n[ -f ${app}/run/app.pid ] && kill "$(cat ${app}/run/app.pid)"\nrm -f ${app}/run/app.pid\n`, { mode: 0o755 });
});
afterEach(() => {
  const pid = existsSync(join(app, 'run', 'app.pid')) ? Number(readFileSync(join(app, 'run', 'app.pid'), 'utf8')) : 0;
  if (pid && isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  tree.cleanup();
});

interface Attrs {
  start?: string;
  stop?: string;
  clean?: string;
  monitor?: string;
  pidFiles?: string[];
  processes?: string[];
  envFile?: string;
}
function args(a: Attrs): string[] {
  const s = (n: string, v?: string) => [n, '1', v ?? ''];
  const v = (n: string, l: string[] = []) => [n, String(l.length), ...l];
  return [...s('User', 'root'), ...s('StartProgram', a.start), ...s('StopProgram', a.stop), ...s('CleanProgram', a.clean), ...s('MonitorProgram', a.monitor), ...v('PidFiles', a.pidFiles), ...v('MonitorProcesses', a.processes), ...s('EnvFile', a.envFile), ...s('UseSUDash', '0'), ...s('State'), ...s('IState'), ...s('DelayAfterOnline', '0'), ...s('DelayAfterOffline', '0')];
}
function ep(entryPoint: string, a: Attrs, leading: string[] = []) {
  const r = vcsagent(['Application', entryPoint, 'app1', ...leading, ...args(a)], tree.env, 60_000);
  expect(r.stderr).not.toMatch(STACK);
  return r.status;
}
const log = () => tree.logLines('Application').join('\n');
/** The running daemons (not zombies) started with this tag. */
const daemons = (tag: string) =>
  readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').join(' ').trim() === `/bin/sh ${app}/appd ${tag}` && isProcessAlive(Number(p));
      } catch {
        return false;
      }
    })
    .map(Number);
/** Whether the daemons with this tag are gone within a few seconds (SIGTERM takes a moment to land on a loaded machine). */
function daemonsGone(tag: string): boolean {
  const end = Date.now() + 10_000;
  while (daemons(tag).length > 0) {
    if (Date.now() > end) return false;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  return true;
}

describe('Application', () => {
  it('StartProgram, PidFiles and MonitorProcesses, StopProgram', () => {
    const a: Attrs = { start: `${app}/start.sh tag1`, stop: `${app}/stop.sh`, pidFiles: [`${app}/run/app.pid`], processes: [`/bin/sh ${app}/appd tag1`] };
    expect(ep('monitor', a)).toBe(100);
    expect(ep('online', a)).toBe(0);
    const pid = Number(readFileSync(join(app, 'run', 'app.pid'), 'utf8'));
    // The daemon outlives the online entry point (its own process group).
    expect(isProcessAlive(pid)).toBe(true);
    expect(ep('monitor', a)).toBe(110);
    expect(ep('monitor', { ...a, processes: [`/bin/sh ${app}/appd other`] })).toBe(100);
    expect(ep('offline', a)).toBe(0);
    expect(ep('monitor', a)).toBe(100);
    expect(log()).toMatch(/INFO .*Application:app1:monitor:offline: pid file .*app\.pid holds no process ID/);
  });

  it('online is idempotent: StartProgram is not run again while the application runs, nor while its state is unknown', () => {
    // start.sh starts another daemon (and overwrites the pid file) each time it runs, as most start scripts do.
    const a: Attrs = { start: `${app}/start.sh tag3`, stop: `${app}/stop.sh`, pidFiles: [`${app}/run/app.pid`], processes: [`/bin/sh ${app}/appd tag3`] };
    expect(ep('online', a)).toBe(0);
    const pid = Number(readFileSync(join(app, 'run', 'app.pid'), 'utf8'));
    expect(ep('online', a)).toBe(0);
    expect(Number(readFileSync(join(app, 'run', 'app.pid'), 'utf8'))).toBe(pid);
    expect(daemons('tag3')).toEqual([pid]);
    expect(log()).toMatch(/INFO .*online:already online: StartProgram \S+start\.sh tag3 not run/);
    expect(ep('offline', a)).toBe(0);
    expect(daemonsGone('tag3')).toBe(true);
    // A MonitorProgram that cannot tell: a copy may run, so nothing is started; one error line says why.
    writeFileSync(join(app, 'mon.sh'), '#!/bin/sh\nexit 3\n', { mode: 0o755 });
    expect(ep('online', { ...a, monitor: `${app}/mon.sh` })).toBe(0);
    expect(existsSync(join(app, 'run', 'app.pid'))).toBe(false);
    expect(log()).toMatch(/ERROR .*online:the application state is unknown .*StartProgram \S+start\.sh tag3 not run, so as not to start a second copy/);
  });

  it('vcsagent check passes it with a start script that would start a second copy', { timeout: 120_000 }, () => {
    const cf = join(tree.root, 'main.cf');
    writeFileSync(
      cf,
      `include "types.cf"\n\ncluster c (\n\t)\n\nsystem sysA (\n\t)\n\ngroup g (\n\tSystemList = { sysA = 0 }\n\t)\n\n\tApplication app1 (\n\t\tStartProgram = "${app}/start.sh tag4"\n\t\tStopProgram = "${app}/stop.sh"\n\t\tPidFiles = { "${app}/run/app.pid" }\n\t\t)\n`,
    );
    const r = vcsagent(['check', 'Application', 'app1', '--config', cf, '--system', 'sysA', '--interval', '0.2'], tree.env, 110_000);
    expect(r.stdout).toMatch(/^PASS {2}online is idempotent: run again, it starts nothing new/m);
    expect(r.stdout).toMatch(/^PASS {2}offline stops what online started$/m);
    expect(r.stdout).toMatch(/PASSED/);
    expect(r.status).toBe(0);
    expect(daemonsGone('tag4')).toBe(true);
  });

  it('clean ends the processes of PidFiles and MonitorProcesses, after CleanProgram', () => {
    const a: Attrs = { start: `${app}/start.sh tag2`, stop: `${app}/stop.sh`, clean: `/bin/touch ${app}/cleaned`, pidFiles: [`${app}/run/app.pid`], processes: [`/bin/sh ${app}/appd tag2`] };
    expect(ep('online', a)).toBe(0);
    const pid = Number(readFileSync(join(app, 'run', 'app.pid'), 'utf8'));
    expect(ep('clean', a, ['2'])).toBe(0);
    expect(existsSync(join(app, 'cleaned'))).toBe(true);
    expect(ep('monitor', a)).toBe(100);
    expect(log()).toMatch(new RegExp(`NOTICE .*clean:cleaning: SIGTERM to ${pid}`));
  });

  it('MonitorProgram decides first: 110 and 0 online, 1 and 100 offline, 105 online at 50 %, anything else unknown', () => {
    expect([0, 110, 1, 100, 105, 99, 2, null].map(monitorProgramResult)).toEqual(['online', 'online', 'offline', 'offline', { state: 'online', confidence: 50 }, 'unknown', 'unknown', 'unknown']);
    writeFileSync(join(app, 'mon.sh'), '#!/bin/sh\nexit "$1"\n', { mode: 0o755 });
    expect(ep('monitor', { monitor: `${app}/mon.sh 105` })).toBe(105);
    expect(ep('monitor', { monitor: `${app}/mon.sh 1` })).toBe(100);
    expect(ep('monitor', { monitor: `${app}/mon.sh 7` })).toBe(99);
  });

  it('programs run without a shell; EnvFile is sourced with the file and the program as arguments', () => {
    writeFileSync(join(app, 'env'), 'GREETING="hello from EnvFile"\nexport GREETING\n');
    writeFileSync(join(app, 'say.sh'), `#!/bin/sh\necho "$GREETING $*" > ${app}/said\nexit 110\n`, { mode: 0o755 });
    expect(ep('monitor', { monitor: `${app}/say.sh a;touch ${app}/pwned`, envFile: join(app, 'env') })).toBe(110);
    expect(readFileSync(join(app, 'said'), 'utf8')).toBe(`hello from EnvFile a;touch ${app}/pwned\n`);
    expect(existsSync(join(app, 'pwned'))).toBe(false);
    expect(programArgv('/bin/x  a   b', '')).toEqual(['/bin/x', 'a', 'b']);
  });

  it('refuses what it cannot monitor or start: one log line, no stack trace', () => {
    expect(ep('monitor', {})).toBe(99);
    expect(log()).toMatch(/ERROR .*monitor:Application app1: none of MonitorProgram, PidFiles, MonitorProcesses is set/);
    expect(ep('online', { start: 'start.sh', pidFiles: ['/nonexistent/pid'] })).toBe(0);
    expect(log()).toMatch(/does not start with the program's full path/);
  });
});
