import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allowMs } from '../support/timing.js';
import { PROBE, STACK, VCS_LINE, type VcsTree, probeArgs, readJson, requireBuild, vcsTree, vcsagent } from './helpers.js';

let tree: VcsTree;
beforeAll(requireBuild);
afterEach(() => tree?.cleanup());

/** Probe entry point as VCS runs it: vcsagent --module probe Probe EP RES [leading] ArgList... */
function probe(ep: string, args: string[], env: NodeJS.ProcessEnv = tree.env, timeoutMs?: number) {
  return vcsagent(['--module', PROBE, 'Probe', ep, 'res1', ...args], env, timeoutMs);
}

function dirOf(): string {
  const d = join(tree.root, 'probe');
  mkdirSync(d, { recursive: true });
  return d;
}

describe('vcsagent TYPE ENTRY_POINT RESOURCE ArgList (the VCS calling convention)', () => {
  it('runs the SampleFile agent through its life cycle with VCS exit codes', () => {
    tree = vcsTree();
    const file = join(tree.root, 'sample.txt');
    const args = (ep: string) => ['SampleFile', ep, 'sf1', 'PathName', '1', file, 'Content', '1', 'hello world'];
    expect(vcsagent(args('monitor'), tree.env).status).toBe(100);
    const online = vcsagent(args('online'), tree.env);
    expect(online).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(vcsagent(args('monitor'), tree.env).status).toBe(110);
    const show = vcsagent(args('action/show'), tree.env);
    expect(show).toMatchObject({ status: 0, stdout: 'hello world\n' });
    expect(vcsagent(['SampleFile', 'clean', 'sf1', '4', 'PathName', '1', file, 'Content', '1', 'x'], tree.env).status).toBe(0);
    expect(vcsagent(args('monitor'), tree.env).status).toBe(100);
    const lines = tree.logLines('SampleFile');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatch(VCS_LINE);
    expect(lines[0]).toMatch(/ VCS INFO V-16-50000-1 SampleFile:sf1:online:wrote .*sample\.txt$/);
    expect(lines[1]).toMatch(/ VCS NOTICE V-16-50000-3 SampleFile:sf1:clean:cleaned .*sample\.txt \(unexpected-offline\)$/);
  });

  it('gives entry points typed attributes: ints, booleans, vectors, associations in order, keylists', () => {
    tree = vcsTree({ sysname: 'aixnode55mp1' });
    const dir = dirOf();
    const r = probe('monitor', probeArgs({ Dir: [dir], Count: ['42'], Flag: ['1'], Items: ['a b', '--x', ''], Ports: ['22', '-1'], Map: ['z', '1', 'a', '2'], Keys: ['k1', 'k2'] }));
    expect(r.status).toBe(100);
    const seen = readJson(join(dir, 'monitor.json'));
    expect(seen.attributes).toEqual({
      Dir: dir,
      Count: 42,
      Flag: 1,
      Items: ['a b', '--x', ''],
      Ports: [22, -1],
      Map: { z: 1, a: 2 },
      Keys: ['k1', 'k2'],
      Password: '',
      SleepIn: [],
      ThrowIn: [],
      Broken: [],
      Confidence: 100,
      WaitSeconds: 0,
    });
    expect(Object.keys(seen.attributes.Map)).toEqual(['z', 'a']);
    expect(seen).toMatchObject({ type: 'Probe', entryPoint: 'monitor', resource: 'res1', system: 'aixnode55mp1', timeoutSeconds: 4, withConfig: false });
  });

  it('uses the host name when $VCS_CONF/conf/sysname is absent', () => {
    tree = vcsTree();
    const dir = dirOf();
    probe('monitor', probeArgs({ Dir: [dir] }));
    expect(readJson(join(dir, 'monitor.json')).system).toBe(hostname());
  });

  it('fills ArgList attributes VCS did not pass with their defaults', () => {
    tree = vcsTree();
    const dir = dirOf();
    expect(probe('monitor', ['Dir', '1', dir]).status).toBe(100);
    expect(readJson(join(dir, 'monitor.json')).attributes).toMatchObject({ Count: 1, Confidence: 100, Items: [], Map: {} });
  });

  it('reports online with confidence as 101–109', () => {
    tree = vcsTree();
    const dir = dirOf();
    writeFileSync(join(dir, 'state'), 'up');
    expect(probe('monitor', probeArgs({ Dir: [dir], Confidence: ['40'] })).status).toBe(104);
  });

  it('exits online with the seconds to wait, migrate with tenths', () => {
    tree = vcsTree();
    const dir = dirOf();
    expect(probe('online', probeArgs({ Dir: [dir], WaitSeconds: ['7'] })).status).toBe(7);
    const m = probe('migrate', [...probeArgs({ Dir: [dir] }), 'VCSInfo', '2', 'TargetHost', 'sysB']);
    expect(m.status).toBe(10);
    expect(readJson(join(dir, 'migrate.json'))).toMatchObject({ targetHost: 'sysB', vcsInfo: { TargetHost: 'sysB' } });
  });

  it('decodes the clean reason, the info operation and the IMF registration arguments', () => {
    tree = vcsTree();
    const dir = dirOf();
    expect(probe('clean', ['2', ...probeArgs({ Dir: [dir] })]).status).toBe(0);
    expect(readJson(join(dir, 'clean.json'))).toMatchObject({ cleanReason: 'online-hung', cleanReasonCode: 2 });
    const info = probe('info', ['1', ...probeArgs({ Dir: [dir], Count: ['3'] })]);
    expect(info).toMatchObject({ status: 0, stdout: 'op=initialize count=3\n' });
    expect(probe('imf_register', ['VCSAgIMFMonitorStart', 'VCSAgIMFResOnline', ...probeArgs({ Dir: [dir] })]).status).toBe(0);
    expect(readJson(join(dir, 'imf_register.json')).imf).toEqual({ monitor: 'start', state: 'online' });
    expect(probe('clean', ['9', ...probeArgs({ Dir: [dir] })]).status).toBe(1);
    expect(tree.logLines('Probe').pop()).toContain('clean reason "9" is not 0–5');
  });

  it('returns 1 from clean when the agent says it could not clean', () => {
    tree = vcsTree();
    const dir = dirOf();
    expect(probe('clean', ['0', ...probeArgs({ Dir: [dir], Broken: ['clean'] })]).status).toBe(1);
  });

  it('passes action arguments after the ArgList, with or without their count', () => {
    tree = vcsTree();
    const dir = dirOf();
    const a = probe('action/echo', [...probeArgs({ Dir: [dir] }), 'one', 'two words']);
    expect(a).toMatchObject({ status: 0, stdout: 'one two words\n' });
    expect(readJson(join(dir, 'action-echo.json'))).toMatchObject({ token: 'echo', args: ['one', 'two words'] });
    expect(probe('action/echo', [...probeArgs({ Dir: [dir] }), '2', 'a', 'b']).stdout).toBe('a b\n');
  });

  it('caps action output at 2048 bytes and reports a failed action with exit 1', () => {
    tree = vcsTree();
    const dir = dirOf();
    const big = probe('action/big', probeArgs({ Dir: [dir] }));
    expect(big.status).toBe(0);
    expect(Buffer.byteLength(big.stdout)).toBe(2048);
    const fail = probe('action/fail', [...probeArgs({ Dir: [dir] }), 'because']);
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('refused: because');
    expect(fail.stdout).not.toMatch(STACK);
  });

  it('runs attr_changed, open, close and the type-level entry points', () => {
    tree = vcsTree();
    const dir = dirOf();
    const env = { ...tree.env, PROBE_DIR: dir };
    expect(probe('attr_changed', ['res2', 'Count', '5'], env).status).toBe(0);
    expect(readJson(join(dir, 'attr_changed.json')).changed).toEqual({ resource: 'res2', attribute: 'Count', value: ['5'] });
    expect(probe('open', probeArgs({ Dir: [dir] })).status).toBe(0);
    expect(probe('close', probeArgs({ Dir: [dir] })).status).toBe(0);
    expect(vcsagent(['--module', PROBE, 'Probe', 'shutdown'], env).status).toBe(0);
    expect(readJson(join(dir, 'shutdown.json')).type).toBe('Probe');
    expect(vcsagent(['--module', PROBE, 'Probe', 'imf_init', 'Probe'], env).status).toBe(0);
    expect(existsSync(join(dir, 'imf_init.json'))).toBe(true);
  });
});

describe('errors and time limits', () => {
  it.each([
    ['monitor', 99],
    ['clean', 1],
    ['online', 0],
    ['info', 1],
  ])('maps an error thrown by %s to exit %i, logs one line, prints no stack', (ep, code) => {
    tree = vcsTree();
    const dir = dirOf();
    const lead = ep === 'clean' ? ['0'] : ep === 'info' ? ['2'] : [];
    const r = probe(ep, [...lead, ...probeArgs({ Dir: [dir], ThrowIn: [ep], Password: ['Sup3rS3cret!'] })]);
    expect(r.status).toBe(code);
    expect(r.stdout).toBe('');
    const lines = tree.logLines('Probe');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(VCS_LINE);
    expect(lines[0]).toContain(` VCS ERROR `);
    expect(lines[0]).toContain(`Probe:res1:${ep}:${ep} of res1 failed: cannot log in with ****`);
    for (const text of [r.stdout, r.stderr, lines.join('\n')]) {
      expect(text).not.toMatch(STACK);
      expect(text).not.toContain('Sup3rS3cret!');
    }
  });

  it.each(['throw', 'reject'])('a stray error (%s) nothing awaits: one log line, exit 99 for monitor, no stack on stderr', (how) => {
    tree = vcsTree();
    const dir = dirOf();
    const r = probe('monitor', probeArgs({ Dir: [dir] }), { ...tree.env, PROBE_STRAY: how });
    expect(r.status).toBe(99);
    expect(r.stderr).not.toMatch(STACK);
    const lines = tree.logLines('Probe');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(VCS_LINE);
    expect(lines[0]).toMatch(/ VCS ERROR .*Probe:res1:monitor:.*uncaught: stray (throw from a timer|rejection)/);
  });

  it('never logs the value of a password-like attribute', () => {
    tree = vcsTree();
    const dir = dirOf();
    expect(probe('online', probeArgs({ Dir: [dir], Password: ['hunter2-pw'] })).status).toBe(0);
    const lines = tree.logLines('Probe');
    expect(lines.join('\n')).toContain('online with password ****');
    expect(lines.join('\n')).not.toContain('hunter2-pw');
  });

  it('aborts a monitor that outlives MonitorTimeout: exit 99 within the limit, one log line', () => {
    tree = vcsTree();
    const dir = dirOf();
    const r = probe('monitor', probeArgs({ Dir: [dir], SleepIn: ['monitor'] }));
    expect(r.status).toBe(99);
    expect(r.ms).toBeLessThan(4000 + allowMs(3000));
    expect(r.ms).toBeGreaterThanOrEqual(4000);
    expect(tree.logLines('Probe').pop()).toMatch(/:monitor:monitor of res1 timed out after 4 s$/);
  });

  it('takes the time limit from AEPTimeout when VCS passes it', () => {
    tree = vcsTree();
    const dir = dirOf();
    const r = probe('clean', ['5', ...probeArgs({ Dir: [dir], SleepIn: ['clean'] }), 'AEPTimeout', '1', '1']);
    expect(r.status).toBe(1);
    expect(r.ms).toBeLessThan(1000 + allowMs(3000));
    expect(readJson(join(dir, 'clean.json'))).toMatchObject({ timeoutSeconds: 1, aepTimeout: 1, cleanReason: 'monitor-hung' });
    expect(tree.logLines('Probe').pop()).toContain('clean of res1 timed out after 1 s');
  });

  it('keeps imf_getnotification running until it is told to stop, then exits 3', async () => {
    tree = vcsTree();
    const dir = dirOf();
    const { spawn } = await import('node:child_process');
    const { VCSAGENT } = await import('./helpers.js');
    const child = spawn(VCSAGENT, ['--module', PROBE, 'Probe', 'imf_getnotification', 'Probe'], { env: { ...tree.env, PROBE_DIR: dir } });
    const started = Date.now();
    while (!existsSync(join(dir, 'imf_getnotification.json'))) {
      if (Date.now() - started > 10_000) throw new Error('imf_getnotification did not start');
      await new Promise((res) => setTimeout(res, 50));
    }
    // Past any entry point timeout of the type: it must still be running.
    await new Promise((res) => setTimeout(res, 500));
    expect(child.exitCode).toBe(null);
    const code = await new Promise<number | null>((res) => {
      child.on('exit', (c) => res(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(3);
  });
});

describe('bad input: one log line, the VCS failure code, nothing on stdout, no stack', () => {
  function expectOneLine(type: string, r: { status: number | null; stdout: string; stderr: string }, code: number, text: string | RegExp) {
    expect(r.status).toBe(code);
    expect(r.stdout).toBe('');
    expect(r.stderr).not.toMatch(STACK);
    const lines = tree.logLines(type);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(VCS_LINE);
    expect(lines[0]).toContain(' VCS ERROR ');
    if (typeof text === 'string') expect(lines[0]).toContain(text);
    else expect(lines[0]).toMatch(text);
    expect(lines[0]).not.toMatch(STACK);
  }

  it('a wrong value count', () => {
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'monitor', 'sf1', 'PathName', '3', '/tmp/x', 'Content'], tree.env), 99, 'SampleFile:sf1:monitor:bad ArgList for SampleFile sf1: PathName: 3 values announced, 2 given');
  });

  it('values without names and counts (the pre-5.0 layout)', () => {
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'clean', 'sf1', '0', '/tmp/x', 'hello'], tree.env), 1, 'argument 1 "/tmp/x" is not an attribute name');
  });

  it('a missing resource name', () => {
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'monitor'], tree.env), 99, 'the resource name is missing');
  });

  it('a non-numeric int', () => {
    tree = vcsTree();
    const dir = dirOf();
    expectOneLine('Probe', probe('monitor', probeArgs({ Dir: [dir], Count: ['12x'] })), 99, 'attribute Count of res1: expected an integer, got "12x"');
  });

  it('an int out of the agent\u2019s range and a boolean that is not 0 or 1', () => {
    tree = vcsTree();
    const dir = dirOf();
    expectOneLine('Probe', probe('online', probeArgs({ Dir: [dir], Count: ['5000'] })), 0, 'attribute Count of res1: value 5000 must be <= 1000');
    tree.cleanup();
    tree = vcsTree();
    expectOneLine('Probe', probe('monitor', probeArgs({ Dir: [dirOf()], Flag: ['2'] })), 99, /attribute Flag of res1: value 2 must be equal to one of the allowed values/);
  });

  it('an unknown type: said on stderr with what comes closest, and no <type>_A.log', () => {
    tree = vcsTree();
    const typo = vcsagent(['LAPR', 'monitor', 'r1'], tree.env);
    expect(typo).toMatchObject({ status: 99, stdout: '' });
    expect(typo.stderr).toBe('vcsagent: unknown resource type LAPR (did you mean LPAR?)\n');
    const other = vcsagent(['NoSuchType', 'clean', 'r1', '0'], tree.env);
    expect(other.status).toBe(1);
    expect(other.stderr).toMatch(/^vcsagent: unknown resource type NoSuchType \(known types: LPAR, WPAR, Application, SampleFile; an agent outside this package needs --module FILE\)\n$/);
    expect(readdirSync(join(tree.log, 'log'))).toEqual([]);
  });

  it('an error reaches stderr too unless an installed wrapper says VCS is the caller', () => {
    tree = vcsTree();
    const args = ['SampleFile', 'monitor', 'sf1', 'PathName', '3', '/tmp/x', 'Content'];
    // A pipe, not a terminal, and no wrapper: a script or a person with 2>&1 | less.
    const piped = vcsagent(args, tree.env);
    expect(piped.status).toBe(99);
    expect(piped.stderr).toBe('vcsagent: bad ArgList for SampleFile sf1: PathName: 3 values announced, 2 given\n');
    const underVcs = vcsagent(args, { ...tree.env, VCSAGENT_INSTALLED: '1' });
    expect(underVcs.status).toBe(99);
    expect(underVcs.stderr).toBe('');
    expect(tree.logLines('SampleFile')).toHaveLength(2);
  });

  it('an unknown entry point, and one the agent does not implement', () => {
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'frobnicate', 'sf1'], tree.env), 1, 'SampleFile:sf1:frobnicate:type SampleFile has no entry point frobnicate');
    tree.cleanup();
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'info', 'sf1', '1', 'PathName', '1', '/x', 'Content', '1', 'y'], tree.env), 1, 'type SampleFile has no entry point info');
    tree.cleanup();
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['SampleFile', 'action/nope', 'sf1', 'PathName', '1', '/x', 'Content', '1', 'y'], tree.env), 1, 'type SampleFile has no entry point action/nope');
  });

  it('an unreadable types file', () => {
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['--types', join(tree.root, 'missing.cf'), 'SampleFile', 'monitor', 'sf1', 'PathName', '1', '/x', 'Content', '1', 'y'], tree.env), 99, /cannot load the type definition of SampleFile: cannot read .*missing\.cf: ENOENT/);
    tree.cleanup();
    tree = vcsTree();
    expectOneLine('SampleFile', vcsagent(['--types', tree.root, 'SampleFile', 'monitor', 'sf1'], tree.env), 99, /cannot load the type definition of SampleFile: .* is not a file/);
  });

  it('a types file with a syntax error names file:line:column', () => {
    tree = vcsTree();
    const bad = join(tree.root, 'BadTypes.cf');
    writeFileSync(bad, 'type SampleFile (\n\tstr PathName = \n');
    expectOneLine('SampleFile', vcsagent(['--types', bad, 'SampleFile', 'monitor', 'sf1'], tree.env), 99, /BadTypes\.cf:\d+:\d+/);
  });

  it('a missing $VCS_LOG: one line on stderr, the failure code, nothing on stdout', () => {
    tree = vcsTree();
    const r = vcsagent(['SampleFile', 'monitor', 'sf1', 'PathName', '1', '/x', 'Content', '1', 'y'], { ...tree.env, VCS_LOG: join(tree.root, 'nowhere') });
    expect(r.status).toBe(99);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('nowhere (VCS_LOG) does not exist');
    expect(r.stderr).not.toMatch(STACK);
    const c = vcsagent(['SampleFile', 'clean', 'sf1', '0'], { ...tree.env, VCS_LOG: join(tree.root, 'nowhere') });
    expect(c.status).toBe(1);
  });
});

describe('LogDbg', () => {
  it('writes debug lines only for the tags in force', () => {
    tree = vcsTree();
    const dir = dirOf();
    probe('monitor', probeArgs({ Dir: [dir] }));
    expect(tree.logLines('Probe')).toEqual([]);
    probe('monitor', probeArgs({ Dir: [dir] }), { ...tree.env, VCSAGENT_LOGDBG: 'DBG_4' });
    const lines = tree.logLines('Probe');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ VCS DBG_4 V-16-50-0 Probe:res1:monitor:level four detail$/);
    probe('monitor', probeArgs({ Dir: [dir] }), { ...tree.env, VCSAGENT_LOGDBG: 'DBG_1 DBG_AGINFO' });
    const more = tree.logLines('Probe').slice(1);
    expect(more.some((l) => / VCS DBG_1 .*monitor looked at /.test(l))).toBe(true);
    expect(more.some((l) => / VCS DBG_AGINFO .*monitor exits 100 after \d+ ms$/.test(l))).toBe(true);
  });
});

describe('usage', () => {
  it('prints usage on stderr and exits 2 without arguments; --help on stdout', () => {
    tree = vcsTree();
    const r = vcsagent([], tree.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage:');
    expect(r.stdout).toBe('');
    const h = vcsagent(['--help'], tree.env);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('vcsagent install --vcs-home DIR');
  });
});
