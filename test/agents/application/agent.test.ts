/**
 * The Application agent as VCS runs it in the global environment:
 * bin/vcsagent Application EP RES ArgList... as a process. StartProgram and
 * StopProgram with PidFiles, MonitorProcesses and MonitorProgram; clean;
 * programs run without a shell (EnvFile sourced with the values as
 * arguments). Its runs inside a WPAR are in test/agents/wpar/run-in-container.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
