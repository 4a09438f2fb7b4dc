/** vcsagent config, install and check as an administrator runs them. */
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isProcessRunning } from '../../framework/process.js';
import { loadTypes } from '../../framework/cf/load.js';
import { allowMs } from '../support/timing.js';
import { FIXTURES, PROBE, ROOT, STACK, type VcsTree, readJson, requireBuild, run, vcsTree, vcsagent } from './helpers.js';

let tree: VcsTree;
beforeAll(requireBuild);
afterEach(() => tree?.cleanup());

/** A main.cf with a Probe resource and a SampleFile resource, values pointing into the test's tree. */
function mainCf(t: VcsTree, probe: Record<string, string> = {}): { path: string; dir: string; file: string } {
  const dir = join(t.root, 'probe');
  mkdirSync(dir, { recursive: true });
  const file = join(t.root, 'sample.txt');
  const probeAttrs = {
    Dir: JSON.stringify(dir),
    'Count @sysA': '5',
    'Count @sysB': '7',
    Items: '{ "a b", c }',
    Map: '{ x = 1, y = 2 }',
    Keys: '{ k1, k2 }',
    Password: '"pw-in-config"',
    MonitorTimeout: '3',
    MonitorInterval: '2',
    ...probe,
  };
  const text = `include "${join(FIXTURES, 'probe', 'ProbeTypes.cf')}"
include "${join(ROOT, 'agents', 'sample', 'SampleFileTypes.cf')}"

cluster testclus (
	)

system sysA (
	)

system sysB (
	)

system sysC (
	)

group probegrp (
	SystemList = { sysA = 0, sysB = 1 }
	)

	Probe p1 (
${Object.entries(probeAttrs)
  .map(([k, v]) => `		${k} = ${v}`)
  .join('\n')}
		)

	SampleFile sf1 (
		PathName = ${JSON.stringify(file)}
		Content = "from main.cf"
		MonitorInterval = 2
		)

`;
  const path = join(t.root, 'main.cf');
  writeFileSync(path, text);
  return { path, dir, file };
}

describe('vcsagent ... --config main.cf --system NAME', () => {
  it('passes the ArgList VCS would build for that system, per-system values and static overrides included', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const r = vcsagent(['--module', PROBE, 'Probe', 'monitor', 'p1', '--config', cf.path, '--system', 'sysB'], tree.env);
    expect(r).toMatchObject({ status: 100, stdout: '' });
    const seen = readJson(join(cf.dir, 'monitor.json'));
    expect(seen.attributes).toMatchObject({ Dir: cf.dir, Count: 7, Items: ['a b', 'c'], Map: { x: 1, y: 2 }, Keys: ['k1', 'k2'], Confidence: 100 });
    expect(seen).toMatchObject({ system: 'sysB', timeoutSeconds: 3, withConfig: true });
    vcsagent(['--module', PROBE, 'Probe', 'monitor', 'p1', '--config', cf.path, '--system', 'sysA'], tree.env);
    expect(readJson(join(cf.dir, 'monitor.json')).attributes.Count).toBe(5);
  });

  it('runs shutdown, which concerns no resource, with the configuration and system but no ArgList', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const env = { ...tree.env, PROBE_DIR: join(tree.root, 'shutdown-seen') };
    const r = vcsagent(['--module', PROBE, 'Probe', 'shutdown', '--config', cf.path, '--system', 'sysB'], env);
    expect(r).toMatchObject({ status: 0, stdout: '' });
    expect(readJson(join(tree.root, 'shutdown-seen', 'shutdown.json'))).toMatchObject({ entryPoint: 'shutdown', system: 'sysB', withConfig: true });
    const bad = vcsagent(['--module', PROBE, 'Probe', 'shutdown', '--config', cf.path, '--system', 'nosuch'], env);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toMatch(/system nosuch is not defined/);
  });

  it('appends AEPTimeout when the type asks for it; a resource-level AEPTimeout is no override VCS takes', () => {
    tree = vcsTree();
    const cf = mainCf(tree, { AEPTimeout: '1' });
    vcsagent(['--module', PROBE, 'Probe', 'monitor', 'p1', '--config', cf.path, '--system', 'sysA'], tree.env);
    const ignored = readJson(join(cf.dir, 'monitor.json'));
    expect(ignored.aepTimeout).toBeUndefined();
    expect(ignored.timeoutSeconds).toBe(3);
    // The type's AEPTimeout (here, in the configuration's copy of the type) is what counts.
    const types = join(tree.root, 'ProbeTypes.cf');
    writeFileSync(types, readFileSync(join(FIXTURES, 'probe', 'ProbeTypes.cf'), 'utf8').replace('static int MonitorTimeout = 4', 'static int MonitorTimeout = 4\n\tstatic boolean AEPTimeout = 1'));
    writeFileSync(cf.path, readFileSync(cf.path, 'utf8').replace(join(FIXTURES, 'probe', 'ProbeTypes.cf'), types).replace('\t\tAEPTimeout = 1\n', ''));
    vcsagent(['--module', PROBE, 'Probe', 'monitor', 'p1', '--config', cf.path, '--system', 'sysA'], tree.env);
    expect(readJson(join(cf.dir, 'monitor.json'))).toMatchObject({ aepTimeout: 3, timeoutSeconds: 3 });
  });

  it('takes leading arguments before the options, the target with --target, action arguments after --', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const opts = ['--config', cf.path, '--system', 'sysA'];
    expect(vcsagent(['--module', PROBE, 'Probe', 'clean', 'p1', '3', ...opts], tree.env).status).toBe(0);
    expect(readJson(join(cf.dir, 'clean.json')).cleanReason).toBe('online-ineffective');
    expect(vcsagent(['--module', PROBE, 'Probe', 'migrate', 'p1', ...opts, '--target', 'sysB'], tree.env).status).toBe(10);
    expect(readJson(join(cf.dir, 'migrate.json')).targetHost).toBe('sysB');
    const echo = vcsagent(['--module', PROBE, 'Probe', 'action/echo', 'p1', ...opts, '--', 'x', 'y z'], tree.env);
    expect(echo).toMatchObject({ status: 0, stdout: 'x y z\n' });
  });

  it.each([
    [['nosuch', '--system', 'sysA'], 'resource nosuch in', 'no such resource'],
    [['sf1', '--system', 'sysA'], 'resource sf1 in', 'is of type SampleFile, not Probe'],
    [['p1', '--system', 'sysC'], 'resource p1 in', 'system sysC is not in the SystemList of group probegrp (sysA, sysB)'],
  ])('reports a configuration problem on one line: %j', (args, head, detail) => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const [res, ...rest] = args;
    const r = vcsagent(['--module', PROBE, 'Probe', 'monitor', res!, '--config', cf.path, ...rest], tree.env);
    expect(r.status).toBe(99);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(head);
    expect(r.stderr).toContain(detail);
    expect(r.stderr).not.toMatch(STACK);
    expect(tree.logLines('Probe').pop()).toContain(detail);
  });

  it('reports a configuration error with its position', () => {
    tree = vcsTree();
    const path = join(tree.root, 'main.cf');
    writeFileSync(path, 'group g (\n\tSystemList = { a = 0 \n');
    const r = vcsagent(['SampleFile', 'monitor', 'x', '--config', path, '--system', 'a'], tree.env);
    expect(r.status).toBe(99);
    expect(r.stderr).toMatch(/main\.cf:\d+:\d+/);
  });

  it('refuses ArgList values together with --config', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const r = vcsagent(['--config', cf.path, 'SampleFile', 'monitor', 'sf1', 'PathName', '1', '/x'], tree.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('with --config the ArgList values come from the configuration');
  });
});

describe('vcsagent install', () => {
  it('lays out entry points, actions, the agent link and the type definition; VCS can run them by absolute path', () => {
    tree = vcsTree();
    const home = join(tree.root, 'opt', 'VRTSvcs');
    const conf = join(tree.root, 'etc', 'VRTSagents', 'ha', 'conf');
    const r = vcsagent(['install', '--vcs-home', home, '--conf-dir', conf, 'SampleFile'], tree.env);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const dir = join(home, 'bin', 'SampleFile');
    for (const ep of ['monitor', 'online', 'offline', 'clean']) {
      expect(statSync(join(dir, ep)).mode & 0o777).toBe(0o755);
    }
    expect(existsSync(join(dir, 'open'))).toBe(false);
    expect(statSync(join(dir, 'actions', 'show')).mode & 0o111).not.toBe(0);
    expect(lstatSync(join(dir, 'SampleFileAgent')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'SampleFileAgent'))).toBe('../Script51Agent');
    for (const typesFile of [join(dir, 'SampleFileTypes.cf'), join(conf, 'SampleFile', 'SampleFileTypes.cf')]) {
      const { types, errors } = loadTypes(typesFile);
      expect(errors).toEqual([]);
      expect(types.map((t) => t.name)).toEqual(['SampleFile']);
      expect(types[0]!.argList).toEqual(['PathName', 'Content']);
    }

    // As VCS runs them: absolute path, resource name, flattened ArgList; only VCS's environment.
    const file = join(tree.root, 'f.txt');
    const argList = ['PathName', '1', file, 'Content', '1', 'installed'];
    expect(run(join(dir, 'monitor'), ['sf1', ...argList], tree.env).status).toBe(100);
    expect(run(join(dir, 'online'), ['sf1', ...argList], tree.env).status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe('installed\n');
    expect(run(join(dir, 'monitor'), ['sf1', ...argList], tree.env).status).toBe(110);
    expect(run(join(dir, 'actions', 'show'), ['sf1', ...argList], tree.env).stdout).toBe('installed\n');
    expect(run(join(dir, 'clean'), ['sf1', '0', ...argList], tree.env).status).toBe(0);
    expect(run(join(dir, 'monitor'), ['sf1', ...argList], tree.env).status).toBe(100);
    expect(tree.logLines('SampleFile').length).toBeGreaterThan(0);
  });

  it('installs an agent given with --module, with its type-level and IMF entry points', () => {
    tree = vcsTree();
    const home = join(tree.root, 'vcs');
    const r = vcsagent(['install', '--vcs-home', home, '--module', PROBE], tree.env);
    expect(r.status).toBe(0);
    const dir = join(home, 'bin', 'Probe');
    for (const ep of ['open', 'close', 'monitor', 'online', 'offline', 'clean', 'shutdown', 'migrate', 'attr_changed', 'info', 'imf_init', 'imf_register', 'imf_getnotification']) {
      expect(existsSync(join(dir, ep))).toBe(true);
    }
    expect(['echo', 'big', 'fail'].every((t) => existsSync(join(dir, 'actions', t)))).toBe(true);
    // A staging home keeps the type definition under it and says how to register it.
    expect(existsSync(join(dir, 'ProbeTypes.cf'))).toBe(true);
    expect(r.stdout).toContain('to make the types known to VCS');
    const probeDir = join(tree.root, 'p');
    const m = run(join(dir, 'migrate'), ['p1', 'Dir', '1', probeDir, 'VCSInfo', '2', 'TargetHost', 'sysB'], tree.env);
    expect(m.status).toBe(10);
    expect(readJson(join(probeDir, 'migrate.json')).targetHost).toBe('sysB');
  });

  it('by default installs a --module agent instead of the registered agent of the same type', () => {
    tree = vcsTree();
    const module = join(tree.root, 'own-lpar', 'agent.mjs');
    mkdirSync(dirname(module), { recursive: true });
    writeFileSync(
      module,
      `import { defineAgent } from ${JSON.stringify(join(ROOT, 'dist', 'framework', 'agent', 'define.js'))};\n` +
        `export default defineAgent({ type: 'LPAR', typesFile: ${JSON.stringify(join(ROOT, 'types-cf', 'types.cf'))}, entryPoints: { monitor: () => 'offline' } });\n`,
    );
    const home = join(tree.root, 'vcs');
    expect(vcsagent(['install', '--vcs-home', home, '--module', module], tree.env).status).toBe(0);
    const dir = join(home, 'bin', 'LPAR');
    expect(readFileSync(join(dir, 'monitor'), 'utf8')).toContain(`'--module' '${module}' 'LPAR' 'monitor'`);
    expect(existsSync(join(dir, 'online'))).toBe(false);
  });

  it('is idempotent, keeps a backup of what it replaces, and removes only its own stale wrappers', () => {
    tree = vcsTree();
    const home = join(tree.root, 'vcs');
    expect(vcsagent(['install', '--vcs-home', home, 'SampleFile'], tree.env).status).toBe(0);
    const dir = join(home, 'bin', 'SampleFile');
    const before = readFileSync(join(dir, 'monitor'), 'utf8');
    writeFileSync(join(dir, 'info'), readFileSync(join(dir, 'monitor'), 'utf8').replace('SampleFile monitor', 'SampleFile info'));
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    writeFileSync(join(dir, 'online'), '#!/bin/sh\nexit 0\n');
    expect(vcsagent(['install', '--vcs-home', home, 'SampleFile'], tree.env).status).toBe(0);
    expect(readFileSync(join(dir, 'monitor'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, 'info'))).toBe(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(join(dir, 'online.previous'), 'utf8')).toBe('#!/bin/sh\nexit 0\n');
  });

  it('refuses an unknown type and a missing --vcs-home with exit 2', () => {
    tree = vcsTree();
    expect(vcsagent(['install', '--vcs-home', tree.root, 'NoSuchType'], tree.env)).toMatchObject({ status: 2, stdout: '' });
    const r = vcsagent(['install', 'SampleFile'], tree.env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--vcs-home');
  });
});

describe('vcsagent check', () => {
  /**
   * For the check's runs of the Probe agent: monitors a second apart (the check waits up to
   * MonitorInterval × (OnlineWaitLimit + 1) for a state that never comes), each given what a
   * monitor process needs on this machine now (3 s on a quiet one) before it counts as overtime.
   */
  const quickProbe = () => ({ MonitorInterval: '1', MonitorTimeout: String(Math.max(3, Math.ceil(allowMs(2_000) / 1000))) });

  it('passes a conforming agent, one line per step', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    const r = vcsagent(['check', 'SampleFile', 'sf1', '--config', cf.path, '--system', 'sysA'], tree.env, 60_000);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const steps = r.stdout.split('\n').filter((l) => /^(PASS|FAIL) /.test(l));
    expect(steps.every((l) => l.startsWith('PASS'))).toBe(true);
    const names = steps.map((l) => l.replace(/^PASS +/, '').replace(/ \(\d+\.\d s\)$/, ''));
    expect(names).toEqual([
      'type definition validates',
      'monitor on a stopped resource reports offline',
      'clean on an offline resource returns 0',
      'online, then monitor reports online',
      'online again is harmless: monitor still reports online',
      'online is idempotent: run again, it starts nothing new, keeps what runs, logs no error',
      'offline, then monitor reports offline',
      'offline again is harmless: monitor still reports offline',
      'clean on an online resource returns 0',
      'monitor after clean reports offline',
      'every entry point finishes within its timeout',
      'no entry point but online leaves a process running',
    ]);
    expect(r.stdout).toContain('PASSED: 12 passed, 0 failed');
    expect(existsSync(cf.file)).toBe(false);
  });

  it('finds an online that starts its daemon again, an offline that leaves it, and a monitor that leaves processes', { timeout: 120_000 }, () => {
    tree = vcsTree();
    const dir = join(tree.root, 'leaky');
    mkdirSync(dir);
    const path = join(tree.root, 'leaky.cf');
    writeFileSync(
      path,
      `include "${join(FIXTURES, 'leaky', 'LeakyTypes.cf')}"\n\ncluster c (\n\t)\n\nsystem sysA (\n\t)\n\ngroup g (\n\tSystemList = { sysA = 0 }\n\t)\n\n\tLeaky l1 (\n\t\tDir = ${JSON.stringify(dir)}\n\t\tBugs = { twice, keep, monitor-leak }\n\t\t)\n`,
    );
    const r = vcsagent(['check', '--module', join(FIXTURES, 'leaky', 'agent.mjs'), 'Leaky', 'l1', '--config', path, '--system', 'sysA'], tree.env, 120_000);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^note {2}online left 1 process\(es\) running \(pid \d+: sleep 300\)/m);
    expect(r.stdout).toMatch(/^FAIL {2}online is idempotent: run again, it starts nothing new, keeps what runs, logs no error: the second online left another pid \d+: sleep 300 — an orphan VCS never stops$/m);
    expect(r.stdout).toMatch(/^FAIL {2}offline stops what online started: still running after offline: pid \d+: sleep 300$/m);
    expect(r.stdout).toMatch(/^FAIL {2}no entry point but online leaves a process running: monitor left \d+ \(pid \d+: sleep 30; pid \d+: sleep 30; \.\.\.\)$/m);
    // Whatever they left, the check ends.
    expect(r.stdout).toMatch(/^note {2}ended the \d+ process\(es\) entry points left running$/m);
    const pids = [...r.stdout.matchAll(/pid (\d+): sleep/g)].map((m) => Number(m[1]));
    expect(pids.length).toBeGreaterThan(2);
    for (const pid of pids) expect(isProcessRunning(pid)).toBe(false);

    // The same agent without its bugs passes every step.
    writeFileSync(path, readFileSync(path, 'utf8').replace('Bugs = { twice, keep, monitor-leak }', 'Bugs = { }'));
    const good = vcsagent(['check', '--module', join(FIXTURES, 'leaky', 'agent.mjs'), 'Leaky', 'l1', '--config', path, '--system', 'sysA'], tree.env, 120_000);
    expect(good.stdout).not.toMatch(/^FAIL/m);
    expect(good.status).toBe(0);
  });

  it('fails an agent whose offline does not take the resource offline, and exits 1', { timeout: 120_000 }, () => {
    tree = vcsTree();
    const cf = mainCf(tree, { ...quickProbe(), Broken: '{ offline }' });
    const r = vcsagent(['check', '--module', PROBE, 'Probe', 'p1', '--config', cf.path, '--system', 'sysA'], tree.env, 120_000);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL  offline, then monitor reports offline: monitor reports online after/m);
    expect(r.stdout).toMatch(/^PASS  online, then monitor reports online/m);
    expect(r.stdout).toMatch(/^FAILED: \d+ passed, [1-9]\d* failed$/m);
  });

  it('fails a resource whose values do not fit the type, and stops there', () => {
    tree = vcsTree();
    const bad = mainCf(tree, { 'Count @sysA': '5000' });
    const r = vcsagent(['check', '--module', PROBE, 'Probe', 'p1', '--config', bad.path, '--system', 'sysA'], tree.env, 120_000);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^FAIL  type definition validates: attribute Count of p1: value 5000 must be <= 1000/m);
    expect(r.stdout).not.toMatch(/^(PASS|FAIL)  monitor/m);
    expect(r.stdout).toMatch(/^FAILED: 0 passed, 1 failed$/m);
  });

  it('fails an entry point that outlives its timeout', { timeout: 120_000 }, () => {
    tree = vcsTree();
    const slow = mainCf(tree, { ...quickProbe(), SleepIn: '{ online }', OnlineTimeout: '1' });
    const s = vcsagent(['check', '--module', PROBE, 'Probe', 'p1', '--config', slow.path, '--system', 'sysA'], tree.env, 120_000);
    expect(s.status).toBe(1);
    expect(s.stdout).toMatch(/^FAIL  online, then monitor reports online: online did not finish within OnlineTimeout \(1 s\) and was killed$/m);
    expect(s.stdout).toMatch(/^FAIL  every entry point finishes within its timeout: online \(\d+\.\d s > 1 s\)/m);
    expect(s.stdout).toMatch(/^PASS  monitor on a stopped resource reports offline/m);
  });

  it('exits 2 when it cannot run', () => {
    tree = vcsTree();
    const cf = mainCf(tree);
    expect(vcsagent(['check', 'SampleFile', 'sf1'], tree.env).status).toBe(2);
    expect(vcsagent(['check', 'SampleFile', 'nosuch', '--config', cf.path, '--system', 'sysA'], tree.env).status).toBe(2);
    const r = vcsagent(['check', 'SampleFile', 'sf1', '--config', cf.path, '--system', 'sysA'], { ...tree.env, VCS_LOG: join(tree.root, 'none') });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('VCS_LOG');
  });
});
