/**
 * The command-line defects users met, each as they met it: in a pipe, at a
 * terminal (under `script`, a real pty), with --opt=value, with a wrong path.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, STACK, type VcsTree, requireBuild, run, vcsTree, vcsagent } from './helpers.js';

const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const HMCSIM = join(ROOT, 'bin', 'hmcsim');
const VCSCF = join(ROOT, 'bin', 'vcscf');

let tree: VcsTree | undefined;
const dirs: string[] = [];
beforeAll(requireBuild);
afterEach(() => {
  tree?.cleanup();
  tree = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'cli-friendly-'));
  dirs.push(d);
  return d;
}

/** Runs a shell command line under a pseudo-terminal (util-linux script): stdout and stderr are a tty. */
function atTerminal(commandLine: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync('script', ['-qec', commandLine, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 });
  return r.stdout.replace(/\r\n/g, '\n');
}

describe('every command answers --version with the package version', { timeout: 120_000 }, () => {
  it.each([
    ['vcsagent', join(ROOT, 'bin', 'vcsagent')],
    ['vcscf', VCSCF],
    ['hmcsim', HMCSIM],
  ])('%s --version', (_name, bin) => {
    expect(run(bin, ['--version'], { ...process.env })).toMatchObject({ status: 0, stdout: `${VERSION}\n`, stderr: '' });
  });
});

describe('vcsagent WORD that is neither a command nor a type', { timeout: 120_000 }, () => {
  it('says so in a pipe, with what there is, and leaves nothing in the VCS log directory', () => {
    tree = vcsTree();
    for (const [args, hint] of [
      [['bogus'], /commands: install, check, .*; resource types: LPAR, WPAR/],
      [['uninstall'], /did you mean vcsagent install\?/],
      [['version'], /for the version: vcsagent --version/],
    ] as const) {
      const r = vcsagent([...args], tree.env);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^vcsagent: unknown command or resource type ${args[0]} \\(`));
      expect(r.stderr).toMatch(hint);
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    // A type in the wrong case: the closest type, and no lpar_A.log either.
    const lower = vcsagent(['lpar', 'monitor', 'x'], tree.env);
    expect(lower.stderr).toBe('vcsagent: unknown resource type lpar (did you mean LPAR?)\n');
    expect(readdirSync(join(tree.log, 'log'))).toEqual([]);
  });
});

describe('subcommand --help describes every option', { timeout: 120_000 }, () => {
  it('install --help and check --help', () => {
    const install = vcsagent(['install', '--help'], { ...process.env });
    expect(install.status).toBe(0);
    for (const o of ['--vcs-home DIR', '--conf-dir DIR', '--node PATH', '--module FILE']) expect(install.stdout).toMatch(new RegExp(`^  ${o.replace('.', '\\.')} +\\S`, 'm'));
    const check = vcsagent(['check', '--help'], { ...process.env });
    expect(check.status).toBe(0);
    for (const o of ['--config FILE', '--system NAME', '--module FILE', '--types FILE', '--interval SECONDS']) expect(check.stdout).toMatch(new RegExp(`^  ${o} +\\S`, 'm'));
  });

  it('hmcsim --help', () => {
    const r = run(HMCSIM, ['--help'], { ...process.env });
    expect(r.status).toBe(0);
    for (const o of ['--world', '--from-maincf', '--listen', '--authorized-keys', '--host-key', '--speed', '--control', '--login-grace-time', '--max-startups']) {
      expect(r.stdout, o).toMatch(new RegExp(`^  ${o} \\S*\\s+\\S`, 'm'));
    }
  });
});

describe('--opt=value is taken wherever --opt value is', { timeout: 120_000 }, () => {
  it('vcsagent install --vcs-home=DIR, hmcsim --world=FILE, vcsagent ... --config=FILE', () => {
    const home = tmp();
    const install = vcsagent(['install', `--vcs-home=${home}`, 'SampleFile'], { ...process.env });
    expect(install.status).toBe(0);
    expect(existsSync(join(home, 'bin', 'SampleFile', 'monitor'))).toBe(true);
    const world = run(HMCSIM, [`--world=${join(home, 'absent.json')}`], { ...process.env });
    expect(world.status).toBe(2);
    expect(world.stderr).toMatch(/^hmcsim: bad world .*absent\.json: ENOENT/);
    tree = vcsTree();
    const config = vcsagent(['SampleFile', 'monitor', 'sf1', `--config=${join(home, 'absent.cf')}`, '--system=sysA'], tree.env);
    expect(config.stderr).not.toMatch(/unknown option|unexpected/);
    expect(config.stderr).toMatch(/absent\.cf/);
  });
});

describe('wrong paths get a sentence, not an internal detail', { timeout: 120_000 }, () => {
  it('hmcsim --world DIR', () => {
    const r = run(HMCSIM, ['--world', tmpdir()], { ...process.env });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`hmcsim: --world ${tmpdir()} is a directory: give a world file (JSON, as hmcsim ctl dump prints it), or --from-maincf main.cf (see hmcsim --help)\n`);
  });

  it('install --module with a file that is not there, or that imports what is not installed', () => {
    const home = tmp();
    const missing = vcsagent(['install', '--vcs-home', home, '--module', '/nonexistent.mjs'], { ...process.env });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe('vcsagent install: cannot load the agent of /nonexistent.mjs: no such file (--module takes the path of a compiled agent module, .js or .mjs)\n');
    const mod = join(home, 'agent.mjs');
    writeFileSync(mod, "import 'vcs-powervm-no-such-package';\nexport default {};\n");
    const broken = vcsagent(['install', '--vcs-home', home, '--module', mod], { ...process.env });
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/it imports vcs-powervm-no-such-package, which is not installed/);
    expect(broken.stderr).not.toMatch(/dist\/vcsagent|chunk-|subcommands\.js/);
    expect(broken.stderr).not.toMatch(STACK);
  });
});

describe('an entry point run by hand at a terminal shows its progress', { timeout: 120_000 }, () => {
  it('prints what the log says as it happens on a tty, and nothing but errors in a pipe or under VCS', () => {
    tree = vcsTree();
    const file = join(tree.root, 'sample.txt');
    const args = ['SampleFile', 'online', 'sf1', 'PathName', '1', file, 'Content', '1', 'hello'];
    const line = [process.execPath, join(ROOT, 'bin', 'vcsagent'), ...args].map((a) => `'${a}'`).join(' ');
    const tty = atTerminal(line, tree.env);
    expect(tty).toContain(`vcsagent: wrote ${file}\n`);
    rmSync(file);
    const piped = vcsagent(args, tree.env);
    expect(piped).toMatchObject({ status: 0, stderr: '' });
    rmSync(file);
    const underVcs = atTerminal(`VCSAGENT_INSTALLED=1 ${line} 2>/dev/null; echo done`, tree.env);
    expect(underVcs).toBe('done\n');
    expect(tree.logLines('SampleFile').filter((l) => l.includes(`wrote ${file}`))).toHaveLength(3);
  });
});

describe('vcsagent install: where the wrappers point', { timeout: 120_000 }, () => {
  const wrapper = (home: string) => readFileSync(join(home, 'bin', 'SampleFile', 'monitor'), 'utf8');

  it('--node PATH is the node of every wrapper; a node that is not one is refused', () => {
    const home = tmp();
    const link = join(home, 'node');
    symlinkSync(process.execPath, link);
    const r = vcsagent(['install', '--vcs-home', home, '--node', link, 'SampleFile'], { ...process.env });
    expect(r.status).toBe(0);
    expect(wrapper(home)).toContain(`exec '${link}' `);
    const notNode = join(home, 'not-node');
    writeFileSync(notNode, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const bad = vcsagent(['install', '--vcs-home', home, '--node', notNode, 'SampleFile'], { ...process.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^vcsagent install: cannot install from .*not-node: --node: does not run as Node\.js/);
    const none = vcsagent(['install', '--vcs-home', home, '--node', join(home, 'absent'), 'SampleFile'], { ...process.env });
    expect(none.stderr).toMatch(/--node: not an executable file/);
  });

  it('by default, the node on PATH as named there, not its resolved target', () => {
    const home = tmp();
    const bin = join(home, 'stable-bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = vcsagent(['install', '--vcs-home', home, 'SampleFile'], { ...process.env, PATH: `${bin}:${process.env.PATH}` });
    expect(r.status).toBe(0);
    expect(wrapper(home)).toContain(`exec '${join(bin, 'node')}' `);
    expect(r.stderr).toBe('');
  });

  it('names vcsagent by the stable prefix it was run through (/opt/vcs-powervm -> /opt/vcs-powervm-VERSION)', () => {
    const home = tmp();
    const prefix = join(home, 'vcs-powervm');
    symlinkSync(ROOT, prefix);
    const r = run(process.execPath, [join(prefix, 'bin', 'vcsagent'), 'install', '--vcs-home', join(home, 'vcs'), 'SampleFile', 'LPAR'], { ...process.env });
    expect(r.status).toBe(0);
    expect(readFileSync(join(home, 'vcs', 'bin', 'SampleFile', 'monitor'), 'utf8')).toContain(` '${join(prefix, 'bin', 'vcsagent')}' 'SampleFile' 'monitor' "$@"`);
    // The trigger scripts too.
    expect(readFileSync(join(home, 'vcs', 'bin', 'triggers', 'sysoffline'), 'utf8')).toContain(`'${prefix}/dist/`);
  });

  it("refuses a package in npm's cache (npx), whose wrappers would vanish when npm cleans it", async () => {
    const { main } = await import('../../framework/agent/cli.js');
    const { registry } = await import('../../agents/registry.js');
    const home = tmp();
    const cases = [
      { root: join(home, '.npm', '_npx', '5e8f', 'node_modules', 'vcs-powervm'), env: { ...process.env } },
      { root: join(home, 'npm-cache', 'pkg', 'vcs-powervm'), env: { ...process.env, npm_config_cache: join(home, 'npm-cache') } },
    ];
    for (const c of cases) {
      let err = '';
      const code = await main(['install', '--vcs-home', join(home, 'vcs'), 'SampleFile'], { registry, root: c.root, self: join(c.root, 'bin', 'vcsagent'), env: c.env, out: () => {}, err: (t: string) => (err += t) });
      expect(code).toBe(2);
      expect(err).toMatch(/^vcsagent install: cannot install from .*: the package is in npm's cache .*npm install -g vcs-powervm, or the offline bundle under \/opt\/vcs-powervm/);
      expect(existsSync(join(home, 'vcs'))).toBe(false);
    }
  });
});
