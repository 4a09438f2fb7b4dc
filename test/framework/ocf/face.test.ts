/**
 * `vcsagent ocf` over a scripted agent (fixtures/scripted.mjs, given with
 * --module): what each OCF action runs and answers, as processes, the way
 * an OCF resource manager calls them (the action as the argument, the
 * parameters in OCF_RESKEY_*). The LPAR agent against hmcsim is in
 * ocf-tester.test.ts, crm-resource.test.ts and cluster.test.ts.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ROOT, VCSAGENT, runProcess } from './helpers.js';

const MODULE = join(ROOT, 'test', 'framework', 'ocf', 'fixtures', 'scripted.mjs');
const base = mkdtempSync(join(tmpdir(), 'ocf-face-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
let dir: string;
let n = 0;

beforeEach(() => {
  dir = join(base, `t${n++}`);
  mkdirSync(join(dir, 'bin'), { recursive: true });
  mkdirSync(join(dir, 'vcslog'), { recursive: true });
});

const file = (name: string) => join(dir, name);
const set = (name: string, text: string) => writeFileSync(file(name), text);
const calls = () => (existsSync(file('calls')) ? readFileSync(file('calls'), 'utf8').trim().split('\n') : []);
const names = () => calls().map((l) => l.split(' ')[0]);

/** A fake crm_attribute on PATH: answers from $dir/attr.<node>.<name>, 105 when there is none. */
function fakeCrmAttribute(): void {
  const script = `#!/bin/sh\nnode=""; name=""\nwhile [ $# -gt 0 ]; do case "$1" in --node) node=$2; shift;; --name) name=$2; shift;; esac; shift; done\nf="${dir}/attr.$node.$name"\n[ -f "$f" ] || exit 105\ncat "$f"\n`;
  writeFileSync(file('bin/crm_attribute'), script);
  chmodSync(file('bin/crm_attribute'), 0o755);
}

function ocf(action: string, params: Record<string, string> = { Name: 'thing' }, extra: Record<string, string> = {}) {
  const env: NodeJS.ProcessEnv = {
    PATH: `${file('bin')}:${process.env.PATH}`,
    SCRIPTED_DIR: dir,
    SYSATTR_MODULE: join(ROOT, 'dist', 'framework', 'agent', 'system-attributes.js'),
    VCS_LOG: file('vcslog'),
    OCF_ROOT: '/usr/lib/ocf',
    OCF_RESOURCE_INSTANCE: 'res1',
    OCF_RESKEY_CRM_meta_on_node: 'node1',
    OCF_RESKEY_CRM_meta_timeout: '20000',
    HA_LOGFILE: file('ha.log'),
    ...extra,
  };
  for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
  return runProcess(process.execPath, [VCSAGENT, 'ocf', '--module', MODULE, 'Scripted', action], env, 120_000);
}
const haLog = () => (existsSync(file('ha.log')) ? readFileSync(file('ha.log'), 'utf8') : '');

describe('monitor', () => {
  it.each([
    ['offline', 7],
    ['online', 0],
    ['intentional-offline', 7],
    ['unknown', 1],
    ['throw', 1],
  ])('%s is %i', async (state, code) => {
    set('state', state);
    const r = await ocf('monitor', { Name: 'thing' }, { OCF_RESKEY_CRM_meta_interval: '10000' });
    expect(r.code, r.stderr).toBe(code);
    if (code === 1) expect(r.stderr).toMatch(/^ocf-exit-reason:/m);
    expect(names()).toEqual(['monitor']);
  });

  it('is 190 (degraded) for an online confidence below 100 when the caller speaks OCF 1.1, 0 otherwise', async () => {
    set('state', '50');
    expect((await ocf('monitor', undefined, { OCF_RESKEY_CRM_meta_interval: '10000', OCF_RA_VERSION_MAJOR: '1', OCF_RA_VERSION_MINOR: '1' })).code).toBe(190);
    expect((await ocf('monitor', undefined, { OCF_RESKEY_CRM_meta_interval: '10000' })).code).toBe(0);
  });

  it('runs open first when it is a probe (interval 0), as VCS opens a resource before its first monitor', async () => {
    await ocf('monitor');
    expect(names()).toEqual(['open', 'monitor']);
  });

  it('passes the parameters as VCS would: lists, associations, integers, booleans, defaults, the node as the system', async () => {
    await ocf('monitor', { Name: 'thing', Hosts: 'a "b c" d', Opts: 'k1=v1 k2="v 2"', Flag: 'true' }, { OCF_RESKEY_CRM_meta_interval: '5000' });
    expect(calls()[0]).toBe('monitor res1 system=node1 timeout=10 Hosts=["a","b c","d"] Opts={"k1":"v1","k2":"v 2"} Count=3 Flag=1');
  });
});

describe('bad parameters', () => {
  it.each([
    [{ Name: 'thing', Count: 'many' }, /Count.*expected an integer/],
    [{ Name: 'thing', Flag: 'maybe' }, /Flag.*expected 1 or 0/],
    [{ Name: 'thing', Opts: 'novalue' }, /Opts.*not key=value/],
    [{ Name: 'thing', Hosts: 'a "b' }, /Hosts.*not closed/],
    [{ Name: '' }, /Name/],
  ])('%j is not configured (6), said in the exit reason', async (params, reason) => {
    const r = await ocf('start', params);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/^ocf-exit-reason:.*/m);
    expect(r.stderr.split('\n').find((l) => l.startsWith('ocf-exit-reason:'))).toMatch(reason);
    expect(names()).not.toContain('online');
  });

  it('stop with parameters that could never have started it succeeds (Pacemaker stops with the start\'s parameters)', async () => {
    const r = await ocf('stop', { Name: 'thing', Count: 'many' });
    expect(r.code).toBe(0);
    expect(names()).toEqual([]);
  });

  it('an unknown parameter is a warning, naming the near miss', async () => {
    set('state', 'online');
    const r = await ocf('monitor', { Name: 'thing', hosts: 'x' }, { OCF_RESKEY_CRM_meta_interval: '5000' });
    expect(r.code).toBe(0);
    expect(haLog()).toMatch(/WARNING: parameter hosts is not one of Scripted; ignored \(did you mean Hosts\?\)/);
  });
});

describe('start', () => {
  it('onlines, then monitors until online', async () => {
    const r = await ocf('start');
    expect(r.code, r.stderr).toBe(0);
    expect(names()).toEqual(['open', 'monitor', 'online', 'monitor']);
  });

  it('of a started resource starts nothing', async () => {
    set('state', 'online');
    expect((await ocf('start')).code).toBe(0);
    expect(names()).toEqual(['open', 'monitor']);
  });

  it('fails at once when online fails, with online\'s error as the reason', async () => {
    set('refuse', 'not here');
    const r = await ocf('start', undefined, { OCF_RESKEY_CRM_meta_timeout: '120000' });
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(60_000);
    expect(r.stderr).toMatch(/^ocf-exit-reason:.*refused: not here/m);
  });

  it('fails when the resource is not online by the operation timeout, each entry point bounded by what is left', async () => {
    set('never', '1');
    const r = await ocf('start', undefined, { OCF_RESKEY_CRM_meta_timeout: '6000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ocf-exit-reason:res1 is not online \d+ s after start began \(monitor: offline\)/);
    // OnlineTimeout is 20 s; only about 5 were left for online.
    expect(calls().find((l) => l.startsWith('online'))).toMatch(/timeout=[1-5]$/);
  });

  it('logs as OCF agents do, secrets blanked', async () => {
    expect((await ocf('start', { Name: 'thing', Password: 'hunter2' })).code).toBe(0);
    expect(haLog()).toMatch(/^\w{3} \d\d \d\d:\d\d:\d\d +Scripted\(res1\)\[\d+\]: {4}INFO: online: password is \*\*\*\*$/m);
    expect(haLog()).not.toContain('hunter2');
  });
});

describe('stop', () => {
  it('offlines, then monitors until offline', async () => {
    set('state', 'online');
    expect((await ocf('stop')).code).toBe(0);
    expect(names()).toEqual(['monitor', 'offline', 'monitor']);
  });

  it('cleans what offline could not stop (offline-ineffective)', async () => {
    set('state', 'online');
    set('sticky', '1');
    const r = await ocf('stop', undefined, { OCF_RESKEY_CRM_meta_timeout: '9000' });
    expect(r.code, r.stderr).toBe(0);
    expect(calls().find((l) => l.startsWith('clean'))).toMatch(/reason=offline-ineffective/);
  });

  it('fails when neither offline nor clean stops it: Pacemaker must not think it stopped', async () => {
    set('state', 'online');
    set('sticky', '1');
    set('unclean', '1');
    const r = await ocf('stop', undefined, { OCF_RESKEY_CRM_meta_timeout: '9000' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ocf-exit-reason:res1 is still online after offline and clean/);
  });

  it('of a resource found offline cleans it as VCS does after an unexpected offline', async () => {
    expect((await ocf('stop')).code).toBe(0);
    expect(calls()).toEqual([expect.stringMatching(/^monitor/), expect.stringMatching(/^clean .* reason=unexpected-offline$/)]);
  });

  it('of an intentionally offline resource does nothing', async () => {
    set('state', 'intentional-offline');
    expect((await ocf('stop')).code).toBe(0);
    expect(names()).toEqual(['monitor']);
  });
});

describe('migrate', () => {
  it('migrate_to needs the target; with it, migrate gets TargetHost and succeeds once the resource is gone from here', async () => {
    set('state', 'online');
    expect((await ocf('migrate_to')).code).toBe(2);
    const r = await ocf('migrate_to', undefined, { OCF_RESKEY_CRM_meta_migrate_target: 'node2' });
    expect(r.code, r.stderr).toBe(0);
    expect(calls().find((l) => l.startsWith('migrate'))).toMatch(/target=node2$/);
  });

  it('migrate_from succeeds once the resource is online here', async () => {
    set('state', 'online');
    expect((await ocf('migrate_from', undefined, { OCF_RESKEY_CRM_meta_migrate_source: 'node2' })).code).toBe(0);
    set('state', 'offline');
    const r = await ocf('migrate_from', undefined, { OCF_RESKEY_CRM_meta_migrate_source: 'node2', OCF_RESKEY_CRM_meta_timeout: '5000' });
    expect(r.code).toBe(1);
  });
});

describe('system attributes (ctx.engine: Pacemaker)', () => {
  it('come from the parameter of that name for this node, else from the node attribute', async () => {
    fakeCrmAttribute();
    set('rack', '1');
    set('state', 'online');
    await ocf('monitor', { Name: 'thing', Rack: 'r7' }, { OCF_RESKEY_CRM_meta_interval: '5000' });
    expect(haLog()).toContain('INFO: rack r7');
    set('attr.node1.Rack', 'r9\n');
    await ocf('monitor', { Name: 'thing' }, { OCF_RESKEY_CRM_meta_interval: '5000' });
    expect(haLog()).toContain('INFO: rack r9');
  });

  it('validate-all at level 10 checks that this node has them', async () => {
    fakeCrmAttribute();
    expect((await ocf('validate-all')).code).toBe(0);
    const r = await ocf('validate-all', undefined, { OCF_CHECK_LEVEL: '10' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Rack of node node1 is not set/);
    set('attr.node1.Rack', 'r9\n');
    expect((await ocf('validate-all', undefined, { OCF_CHECK_LEVEL: '10' })).code).toBe(0);
  });
});

describe('the other actions', () => {
  it('reload-agent validates and opens again', async () => {
    expect((await ocf('reload-agent')).code).toBe(0);
    expect(names()).toEqual(['open']);
    expect((await ocf('reload-agent', { Name: 'thing', Count: 'x' })).code).toBe(6);
  });

  it.each(['notify', 'promote', 'demote', 'reload', 'bogus'])('%s is unimplemented (3)', async (action) => {
    expect((await ocf(action)).code).toBe(3);
    expect(calls()).toEqual([]);
  });

  it('usage is 0; a missing action is 2; an unknown type is 5', async () => {
    expect((await runProcess(process.execPath, [VCSAGENT, 'ocf', 'SampleFile', 'usage'], process.env)).code).toBe(0);
    expect((await runProcess(process.execPath, [VCSAGENT, 'ocf', 'SampleFile'], process.env)).code).toBe(2);
    const r = await runProcess(process.execPath, [VCSAGENT, 'ocf', 'Nope', 'monitor'], process.env);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/unknown resource type Nope/);
  });
});
