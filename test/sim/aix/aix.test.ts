/**
 * The simulated AIX commands, run as processes the way agents run them.
 * Needs dist/ (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const BIN = join(ROOT, 'sim', 'aix', 'bin');
const BLOCK = join(ROOT, 'agents', 'lpar', 'dlpar', 'vcs_blockmigrate.sh');

let sim: string;
beforeEach(() => {
  sim = mkdtempSync(join(tmpdir(), 'aixsim-'));
});
afterEach(() => rmSync(sim, { recursive: true, force: true }));

function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(join(BIN, cmd), args, { encoding: 'utf8', env: { ...process.env, AIXSIM_ROOT: sim, VCS_CONF: '', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[] });

describe('drmgr', () => {
  it('installs a DLPAR script, lists its resources, refuses a second install without -f, uninstalls', () => {
    expect(run('drmgr', ['-i', BLOCK])).toMatchObject({ code: 0 });
    const installed = join(sim, 'usr/lib/dr/scripts/all/vcs_blockmigrate.sh');
    expect(readFileSync(installed, 'utf8')).toBe(readFileSync(BLOCK, 'utf8'));
    const list = run('drmgr', ['-l']);
    expect(list.stdout).toContain(installed);
    expect(list.stdout).toMatch(/Resource Name: pmig/);
    expect(list.stdout).toMatch(/Vendor:vcs-powervm/);
    const again = run('drmgr', ['-i', BLOCK]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already installed; use -f/);
    expect(run('drmgr', ['-i', BLOCK, '-f']).code).toBe(0);
    expect(run('drmgr', ['-u', 'vcs_blockmigrate.sh']).code).toBe(0);
    expect(existsSync(installed)).toBe(false);
    expect(run('drmgr', ['-l']).stdout).not.toContain('vcs_blockmigrate');
    const gone = run('drmgr', ['-u', 'vcs_blockmigrate.sh']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/not installed/);
    expect(lines(join(sim, 'var/adm/drmgr.log')).map((e) => e.argv.slice(1))).toEqual([
      ['-i', BLOCK], ['-l'], ['-i', BLOCK], ['-i', BLOCK, '-f'], ['-u', 'vcs_blockmigrate.sh'], ['-l'], ['-u', 'vcs_blockmigrate.sh'],
    ]);
  });

  it('refuses a file that is not a DLPAR script, and bad usage', () => {
    const bogus = join(sim, 'bogus.sh');
    writeFileSync(bogus, '#!/bin/sh\nexit 0\n');
    expect(run('drmgr', ['-i', bogus])).toMatchObject({ code: 1 });
    expect(run('drmgr', ['-i', join(sim, 'missing.sh')]).stderr).toMatch(/No such file/);
    expect(run('drmgr', [])).toMatchObject({ code: 2 });
    expect(run('drmgr', ['-i', BLOCK, '-u', 'x']).code).toBe(2);
    expect(run('drmgr', ['-l'], { AIXSIM_ROOT: '' }).stderr).toMatch(/AIXSIM_ROOT is not set/);
  });

  it('the installed script blocks migration (checkmigrate fails) and nothing else', () => {
    run('drmgr', ['-i', BLOCK]);
    const script = join(sim, 'usr/lib/dr/scripts/all/vcs_blockmigrate.sh');
    const check = spawnSync('/bin/sh', [script, 'checkmigrate'], { encoding: 'utf8' });
    expect(check.status).toBe(1);
    expect(check.stdout).toMatch(/^DR_ERROR=.*stop the LPAR agent/m);
    for (const cmd of ['premigrate', 'postmigrate', 'undopremigrate', 'usage']) expect(spawnSync('/bin/sh', [script, cmd]).status).toBe(0);
    expect(spawnSync('/bin/sh', [script, 'checkrelease', 'cpu']).status).toBe(10);
  });
});

describe('hasys and hagrp', () => {
  const mainCf = `include "types.cf"
cluster c ( )
system aixnode55mp1 ( PhysicalServer = sys1 )
system aixnode56mp1 ( PhysicalServer = sys2 )
system aixnode57mp1 ( )
group G ( SystemList = { aixnode55mp1 = 0, aixnode56mp1 = 1, aixnode57mp1 = 2 } )
`;
  beforeEach(() => {
    mkdirSync(join(sim, 'etc/VRTSvcs/conf/config'), { recursive: true });
    writeFileSync(join(sim, 'etc/VRTSvcs/conf/config/main.cf'), mainCf);
  });
  const writeState = (s: unknown) => {
    mkdirSync(join(sim, 'var/VRTSvcs'), { recursive: true });
    writeFileSync(join(sim, 'var/VRTSvcs/state.json'), JSON.stringify(s));
  };

  it('hasys answers from main.cf, then the live state', () => {
    expect(run('hasys', ['-value', 'aixnode55mp1', 'PhysicalServer'])).toMatchObject({ code: 0, stdout: 'sys1\n' });
    expect(run('hasys', ['-value', 'aixnode57mp1', 'PhysicalServer'])).toMatchObject({ code: 0, stdout: '\n' });
    expect(run('hasys', ['-value', 'aixnode55mp1', 'SysState']).stdout).toBe('RUNNING\n');
    writeState({ systems: { aixnode55mp1: { SysState: 'FAULTED', PhysicalServer: 'moved' } } });
    expect(run('hasys', ['-value', 'aixnode55mp1', 'SysState']).stdout).toBe('FAULTED\n');
    expect(run('hasys', ['-state', 'aixnode55mp1']).stdout).toBe('FAULTED\n');
    expect(run('hasys', ['-value', 'aixnode55mp1', 'PhysicalServer']).stdout).toBe('moved\n');
    expect(run('hasys', ['-list']).stdout).toBe('aixnode55mp1\naixnode56mp1\naixnode57mp1\n');
    const bad = run('hasys', ['-value', 'nosuch', 'PhysicalServer']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/System nosuch does not exist/);
    expect(run('hasys', ['-value', 'x']).code).toBe(2);
  });

  it('hasys reads $VCS_CONF when set', () => {
    const conf = join(sim, 'other');
    mkdirSync(join(conf, 'conf/config'), { recursive: true });
    writeFileSync(join(conf, 'conf/config/main.cf'), 'cluster c ( )\nsystem n1 ( PhysicalServer = elsewhere )\n');
    expect(run('hasys', ['-value', 'n1', 'PhysicalServer'], { VCS_CONF: conf }).stdout).toBe('elsewhere\n');
  });

  it('hagrp records every call and reports the state HAD would', () => {
    writeState({ systems: { aixnode55mp1: { SysState: 'FAULTED' } }, groups: { G: { State: { aixnode55mp1: 'ONLINE' }, AutoDisabled: { aixnode55mp1: 1 } } } });
    expect(run('hagrp', ['-state', 'G', '-sys', 'aixnode55mp1']).stdout).toBe('ONLINE\n');
    expect(run('hagrp', ['-state', 'G', '-sys', 'aixnode56mp1']).stdout).toBe('OFFLINE\n');
    expect(run('hagrp', ['-state', 'G']).stdout).toMatch(/^G +State +aixnode55mp1 +\|ONLINE\|$/m);
    expect(run('hagrp', ['-autoenable', 'G', '-sys', 'aixnode55mp1']).code).toBe(0);
    const on = run('hagrp', ['-online', 'G', '-any']);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/on system aixnode56mp1/);
    expect(run('hagrp', ['-state', 'G', '-sys', 'aixnode56mp1']).stdout).toBe('ONLINE\n');
    expect(run('hagrp', ['-online', 'Nope', '-any']).code).toBe(1);
    expect(run('hagrp', ['-bogus', 'G']).code).toBe(2);
    expect(lines(join(sim, 'var/VRTSvcs/hagrp.log')).map((e) => e.argv.slice(1).join(' '))).toEqual([
      '-state G -sys aixnode55mp1',
      '-state G -sys aixnode56mp1',
      '-state G',
      '-autoenable G -sys aixnode55mp1',
      '-online G -any',
      '-state G -sys aixnode56mp1',
      '-online Nope -any',
      '-bogus G',
    ]);
  });

  it('hagrp -online -any skips systems that are not running or where the group is autodisabled', () => {
    writeState({ systems: { aixnode55mp1: { SysState: 'FAULTED' } }, groups: { G: { AutoDisabled: { aixnode56mp1: 1 } } } });
    expect(run('hagrp', ['-online', 'G', '-any']).stdout).toMatch(/aixnode57mp1/);
    expect(run('hagrp', ['-online', 'G', '-sys', 'aixnode56mp1'])).toMatchObject({ code: 1 });
  });
});
