/**
 * `vcsagent run` as a user runs it: a real process over a main.cf whose
 * resources belong to the test script agent installed under $VCS_HOME.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseRunArgs } from '../../../framework/runner/cli.js';
import { FIXTURES, requireBuild, ROOT, VCSAGENT } from '../../bin/helpers.js';
import { type Installation, install, mainCf } from './helpers/script-agent.js';

let inst: Installation | undefined;
afterEach(() => {
  inst?.cleanup();
  inst = undefined;
});
beforeAll(() => requireBuild());

/**
 * `vcsagent run ARGS` to its end. With `stopOn`, the run is ended as a user ends it (SIGTERM, the
 * orderly way) once its output matches — or, should it never, after 90 s, for the assertions to
 * say what is missing — rather than after a --duration that a busy machine might not give it
 * enough of.
 */
function runCli(args: string[], env: NodeJS.ProcessEnv, stdin?: string, stopOn?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(VCSAGENT, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stopped = false;
    const stop = () => {
      if (!stopped) child.kill('SIGTERM');
      stopped = true;
    };
    const bound = stopOn ? setTimeout(stop, 90_000) : undefined;
    child.on('close', () => clearTimeout(bound));
    child.stdout.on('data', (c) => {
      stdout += c;
      if (stopOn?.test(stdout)) stop();
    });
    child.stderr.on('data', (c) => (stderr += c));
    if (stdin !== undefined) child.stdin.end(stdin);
    else child.stdin.end();
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('vcsagent run', () => {
  it('brings the AutoStartList group online, prints state changes and writes engine_A.log', { timeout: 120_000 }, async () => {
    inst = install(mainCf(`TestAgent r1 (\n    Tag = t\n)\n`, { extra: '    AutoStartList = { sysA }\n' }));
    const r = await runCli(['run', '--config', inst.configPath, '--system', 'sysA', '--speed', '10'], inst.env, undefined, /group G: OFFLINE -> ONLINE/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/r1 \(TestAgent, group G\): UNKNOWN -> OFFLINE \(first probe\)/);
    expect(r.stdout).toMatch(/r1 \(TestAgent, group G\): OFFLINE -> ONLINE \(VCS initiated\)/);
    expect(r.stdout).toMatch(/group G: OFFLINE -> ONLINE/);
    const log = readFileSync(join(inst.env.VCS_LOG!, 'log', 'engine_A.log'), 'utf8');
    expect(log).toMatch(/^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d VCS NOTICE V-16-1-10301 Initiating Online of Resource r1 \(Owner: Unspecified, Group: G\) on System sysA$/m);
    expect(log).toMatch(/VCS NOTICE V-16-1-10447 Group G is online on system sysA/);
    // Stopped: close for the resource, shutdown for the type; the resource is left online (hastop -force).
    const calls = inst.calls().filter((c) => c.phase === 'start').map((c) => c.ep);
    expect(calls.slice(-2)).toEqual(['close', 'shutdown']);
    expect(readFileSync(join(inst.ctl, 'r1.state'), 'utf8').trim()).toBe('online');
  });

  it('ends on --duration (or a signal) while an online is still running, and leaves no entry point behind', async () => {
    inst = install(mainCf(`TestAgent r1 (\n    OnlineTimeout = 300\n)\n`, { extra: '    AutoStartList = { sysA }\n' }));
    inst.behave('r1', 'online', 'hang');
    const t0 = Date.now();
    const r = await runCli(['run', '--config', inst.configPath, '--system', 'sysA', '--duration', '2', '--speed', '1'], inst.env);
    expect(Date.now() - t0).toBeLessThan(15_000); // not OnlineTimeout (300 s)
    expect(r.stderr).toBe('');
    const calls = inst.calls();
    const online = calls.find((c) => c.ep === 'online' && c.phase === 'start')!;
    expect(online).toBeTruthy();
    // The hung online (its process group) is gone.
    expect(() => process.kill(online.pid, 0)).toThrow();
    expect(calls.filter((c) => c.phase === 'start').map((c) => c.ep).slice(-2)).toEqual(['close', 'shutdown']);
  });

  it('exits 1 when a group faulted, and reports it; commands on stdin drive it', async () => {
    inst = install(mainCf(`TestAgent r1 (\n    OnlineWaitLimit = 0\n)\n`));
    inst.behave('r1', 'online', 'noop');
    const r = await runCli(['run', '--config', inst.configPath, '--system', 'sysA', '--speed', '10', '--commands', '--json'], inst.env, 'online G\nstate\nstop\n');
    expect(r.code).toBe(1);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(events.find((e) => e.kind === 'clean')).toMatchObject({ resource: 'r1', reason: 'online-ineffective', code: 3, ok: true });
    expect(events.find((e) => e.kind === 'group-state' && e.to === 'faulted')).toBeTruthy();
    expect(r.stdout).toMatch(/^group G FAULTED$/m);
    const log = readFileSync(join(inst.env.VCS_LOG!, 'log', 'engine_A.log'), 'utf8');
    expect(log).toMatch(/V-16-2-13066 \(sysA\) Agent is calling clean for resource\(r1\) because the resource is not up even after online completed\./);
    expect(log).toMatch(/V-16-1-10303 Resource r1 \(Owner: Unspecified, Group: G\) is FAULTED on sys sysA/);
  });

  it('runs a vcsagent agent (not installed) through `vcsagent TYPE EP RES ArgList`, and takes it offline on exit', { timeout: 120_000 }, async () => {
    inst = install('');
    const file = join(inst.root, 'sample.txt');
    const cf = [
      `include "${join(ROOT, 'agents', 'sample', 'SampleFileTypes.cf')}"`,
      'cluster c (\n)',
      'system sysA (\n)',
      'group S (\n    SystemList = { sysA = 0 }\n)',
      `SampleFile f1 (\n    PathName = "${file}"\n    Content = hello\n    MonitorInterval = 1\n)`,
    ].join('\n\n');
    writeFileSync(inst.configPath, `${cf}\n`);
    const r = await runCli(['run', '--config', inst.configPath, '--system', 'sysA', '--online', 'S', '--speed', '5', '--offline-on-exit', '--verbose'], inst.env, undefined, /f1: monitor \(poll\) says online/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/f1 \(SampleFile, group S\): OFFLINE -> ONLINE \(VCS initiated\)/);
    expect(r.stdout).toMatch(/f1: monitor \(poll\) says online/);
    expect(r.stdout).toMatch(/f1 \(SampleFile, group S\): ONLINE -> OFFLINE \(VCS initiated\)/);
    expect(existsSync(file)).toBe(false);
    const agentLog = readFileSync(join(inst.env.VCS_LOG!, 'log', 'SampleFile_A.log'), 'utf8');
    expect(agentLog).toMatch(/SampleFile:f1:online:wrote /);
  });

  it('runs an agent given with --module; the daemon its online starts keeps running', async () => {
    inst = install('');
    const dir = join(inst.root, 'leaky');
    mkdirSync(dir);
    const cf = [
      `include "${join(FIXTURES, 'leaky', 'LeakyTypes.cf')}"`,
      'cluster c (\n)',
      'system sysA (\n)',
      'group L (\n    SystemList = { sysA = 0 }\n)',
      `Leaky l1 (\n    Dir = "${dir}"\n)`,
    ].join('\n\n');
    writeFileSync(inst.configPath, `${cf}\n`);
    const r = await runCli(['run', '--module', join(FIXTURES, 'leaky', 'agent.mjs'), '--config', inst.configPath, '--system=sysA', '--online', 'L', '--duration', '4', '--speed', '1', '--json'], inst.env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const events = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(events.find((e) => e.kind === 'resource-state' && e.to === 'online')).toMatchObject({ resource: 'l1', cause: 'vcs-initiated' });
    // Monitored every second (MonitorInterval 1) and online each time: the daemon outlived its online.
    const polls = events.filter((e) => e.kind === 'monitor' && e.via === 'poll');
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.every((e) => e.result === 'online')).toBe(true);
    expect(events.some((e) => e.kind === 'clean' || (e.kind === 'resource-state' && e.to === 'faulted'))).toBe(false);
    const pid = Number(readFileSync(join(dir, 'pids'), 'utf8').trim());
    expect(() => process.kill(pid, 0)).not.toThrow();
    process.kill(pid, 'SIGKILL');
  });

  it('bad input: a clear one-line error and exit 2', async () => {
    inst = install(mainCf(`TestAgent r1 (\n)\n`));
    const noSys = await runCli(['run', '--config', inst.configPath], inst.env);
    expect(noSys.code).toBe(2);
    expect(noSys.stderr).toMatch(/--system is required/);
    const wrong = await runCli(['run', '--config', inst.configPath, '--system', 'nope'], inst.env);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/no system nope/);
    const missing = await runCli(['run', '--config', join(inst.root, 'none.cf'), '--system', 'sysA'], inst.env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    // A type with no agent, installed or known to vcsagent.
    const other = install(mainCf(`Other r1 (\n)\n`) + 'type Other (\n    static str ArgList[] = { }\n)\n');
    try {
      const t = await runCli(['run', '--config', other.configPath, '--system', 'sysA'], other.env);
      expect(t.code).toBe(2);
      expect(t.stderr).toMatch(/no agent for type Other \(resource r1\)/);
    } finally {
      other.cleanup();
    }
  });

  it('parses its options strictly', () => {
    expect(parseRunArgs(['--config', 'm.cf', '--system', 's', '--online', 'G', '--online', 'H', '--speed', '5'])).toMatchObject({ online: ['G', 'H'], speed: 5 });
    expect(() => parseRunArgs(['--config', 'm.cf', '--system', 's', '--speed', '0'])).toThrow(/positive/);
    expect(() => parseRunArgs(['--config', 'm.cf', '--system', 's', '--frob'])).toThrow(/unknown option --frob/);
    expect(() => parseRunArgs(['--config', '--system', 's'])).toThrow(/--config needs a value/);
    expect(parseRunArgs(['--config=m.cf', '--system=s', '--duration=2.5', '--module=a.js', '--module', 'b.js', '--json'])).toMatchObject({ config: 'm.cf', system: 's', duration: 2.5, modules: ['a.js', 'b.js'], json: true });
    expect(() => parseRunArgs(['--config', 'm.cf', '--system', 's', 'extra'])).toThrow(/unknown argument extra/);
  });
});
