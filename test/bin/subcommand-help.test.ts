import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../framework/agent/commands.js';
import { ROOT, requireBuild, vcsagent } from './helpers.js';

beforeAll(requireBuild);

describe('vcsagent SUBCOMMAND --help', () => {
  it.each([
    ['run', /^usage: vcsagent run --config main\.cf --system NAME/],
    ['check', /^usage:\n  vcsagent check TYPE RESOURCE --config main\.cf --system NAME/],
    ['install', /^usage:\n  vcsagent install --vcs-home DIR/],
    ['types', /^usage: vcsagent types TYPESFILE/],
    ['precompile', /^usage: vcsagent precompile \[--module FILE\]/],
  ])('%s --help prints its usage on stdout and exits 0', (sub, usage) => {
    const r = vcsagent([sub, '--help'], { ...process.env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe('');
  });

  it('lists every subcommand of the one table in its --help, and answers --version', () => {
    const help = vcsagent(['--help'], { ...process.env });
    for (const c of Object.values(COMMANDS)) expect(help.stdout).toContain(`  ${c.usage[0]}\n`);
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
    expect(vcsagent(['--version'], { ...process.env })).toMatchObject({ status: 0, stdout: `${version}\n` });
  });

  it('takes options before the subcommand as its own (--module in one place for all)', () => {
    const r = vcsagent(['--frob', 'install'], { ...process.env });
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toBe('vcsagent: unknown option --frob (see vcsagent --help)\n');
    const bad = vcsagent(['--module', '/nonexistent/agent.js', 'precompile'], { ...process.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vcsagent precompile: cannot load the agent of \/nonexistent\/agent\.js: /);
  });
});

describe('vcsagent TYPE --help', () => {
  it("prints the type's entry points, ArgList attributes and time limits", () => {
    const r = vcsagent(['SampleFile', '--help'], { ...process.env });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^SampleFile: registered agent; type definition .*agents\/sample\/SampleFileTypes\.cf$/m);
    expect(r.stdout).toMatch(/^entry points: monitor online offline clean; actions \(action\/TOKEN\): show$/m);
    expect(r.stdout).toMatch(/^ {2}PathName +str scalar +string$/m);
    expect(r.stdout).toMatch(/^ {2}Content +str scalar +string {2}default "online"$/m);
    expect(r.stdout).toMatch(/monitor 10, online 20, offline 20, clean 60, action 30/);
  });

  it('says what comes closest to a mistyped type', () => {
    const r = vcsagent(['LAPR', '--help'], { ...process.env });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('vcsagent: unknown resource type LAPR (did you mean LPAR?)\n');
  });
});
