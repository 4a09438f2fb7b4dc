/**
 * An agent written outside the repository, as docs/writing-agents.md says:
 * the package from `npm pack`, installed with npm into a new project in a
 * temporary directory; the files of the page's blocks (`file=...`) written
 * as they are; `vcsagent types`, tsc (strict, nodenext), `vcsagent check`,
 * `vcsagent install --module`, then the installed wrappers run as VCS runs
 * them. Also: the package's declarations type-check without @types/node,
 * and require() of the package says it is ES modules only.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, requireBuild } from './helpers.js';
import { packBuilt } from '../support/pack.js';

/** The blocks of a markdown page that name a file: ```lang file=PATH */
function fileBlocks(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /^```\w*[ \t]+file=(\S+)[ \t]*\n([\s\S]*?)^```[ \t]*$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) out.set(m[1]!, m[2]!);
  return out;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
let work: string;
let project: string;
let env: NodeJS.ProcessEnv;

function sh(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const r = spawnSync(cmd, args, { cwd: opts.cwd ?? project, env: opts.env ?? env, encoding: 'utf8', timeout: 180_000, input: opts.input ?? '' });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

function expectOk(r: ReturnType<typeof sh>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status ?? r.error?.message}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

beforeAll(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), 'outside-agent-'));
  project = join(work, 'pidfile-agent');
  mkdirSync(project);
  mkdirSync(join(work, 'var', 'log'), { recursive: true });
  env = { PATH: process.env.PATH, HOME: process.env.HOME, VCS_LOG: join(work, 'var'), VCS_CONF: join(work, 'etc'), npm_config_update_notifier: 'false' };
  // 1. The project, the package from `npm pack` (what the registry would serve).
  // Packed from the built checkout: npm's prepare would rebuild dist/ under the other test files.
  const packed = packBuilt(work);
  expectOk(sh('npm', ['init', '-y']), 'npm init');
  expectOk(sh('npm', ['pkg', 'set', 'type=module']), 'npm pkg set');
  // The versions this repository pins, which `npm ci` has put in npm's cache.
  expectOk(
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', packed, `typescript@${pkg.devDependencies.typescript}`, `@types/node@${pkg.devDependencies['@types/node']}`]),
    'npm install',
  );
  // The page's files, as they are; only the pid file moves into this test's directory.
  const blocks = fileBlocks(readFileSync(join(ROOT, 'docs', 'writing-agents.md'), 'utf8'));
  expect([...blocks.keys()].sort()).toEqual(['PidFileTypes.cf', 'main.cf', 'src/agent.ts', 'tsconfig.json']);
  for (const [file, text] of blocks) {
    mkdirSync(dirname(join(project, file)), { recursive: true });
    writeFileSync(join(project, file), file === 'main.cf' ? text.replace('/tmp/pf1.pid', join(work, 'pf1.pid')) : text);
  }
}, 240_000);

afterAll(() => {
  // A daemon the steps started and did not stop (a failed run) goes too.
  try {
    process.kill(Number(readFileSync(join(work, 'pf2.pid'), 'utf8')), 'SIGKILL');
  } catch {
    // Not running.
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

const vcsagent = (args: string[], opts: { env?: NodeJS.ProcessEnv } = {}) => sh(join(project, 'node_modules', '.bin', 'vcsagent'), args, opts);

describe('an agent written outside the repository, as docs/writing-agents.md says', () => {
  it('generates its attribute interface from types.cf and type-checks (strict, nodenext)', () => {
    expectOk(vcsagent(['types', 'PidFileTypes.cf', '--out', 'src/PidFileTypes.ts']), 'vcsagent types');
    expect(readFileSync(join(project, 'src', 'PidFileTypes.ts'), 'utf8')).toMatch(/export interface PidFileAttributes \{[\s\S]*PidFile: string;[\s\S]*Command: string;[\s\S]*Arguments: string\[\];\n\}/);
    expectOk(sh(join(project, 'node_modules', '.bin', 'tsc'), []), 'tsc');
    expect(existsSync(join(project, 'dist', 'agent.js'))).toBe(true);
    expect(vcsagent(['types', 'PidFileTypes.cf', '--out', 'src/PidFileTypes.ts', '--check']).status).toBe(0);
  });

  it('a typo in an attribute name is a compile error', () => {
    const src = readFileSync(join(project, 'src', 'agent.ts'), 'utf8');
    writeFileSync(join(project, 'src', 'typo.ts'), src.replace("attributeSchemas: { PidFile:", "attributeSchemas: { PidFil:"));
    try {
      const r = sh(join(project, 'node_modules', '.bin', 'tsc'), ['--noEmit']);
      expect(r.status).not.toBe(0);
      expect(r.stdout).toMatch(/typo\.ts.*'PidFil' does not exist/);
    } finally {
      rmSync(join(project, 'src', 'typo.ts'));
    }
  });

  it('describes itself and passes vcsagent check', () => {
    const help = expectOk(vcsagent(['--module', 'dist/agent.js', 'PidFile', '--help']), 'PidFile --help');
    expect(help).toMatch(/^entry points: monitor online offline clean; actions \(action\/TOKEN\): pid$/m);
    expect(help).toMatch(/^ {2}Arguments +str vector/m);
    const r = vcsagent(['check', '--module', 'dist/agent.js', 'PidFile', 'pf1', '--config', 'main.cf', '--system', 'sysA']);
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.stdout).toMatch(/^note {2}online left 1 process\(es\) running \(pid \d+: \/bin\/sleep 600\)/m);
    expect(r.stdout).toMatch(/^PASS {2}online is idempotent/m);
    expect(r.stdout).toMatch(/^PASS {2}offline stops what online started/m);
    expect(r.stdout).toMatch(/^PASS {2}clean stops what online started/m);
    expect(r.status).toBe(0);
  });

  it('installs and runs from its installed wrappers, precompiled', () => {
    const vcsHome = join(work, 'opt');
    const out = expectOk(vcsagent(['install', '--vcs-home', vcsHome, '--conf-dir', join(work, 'agents-conf'), '--module', 'dist/agent.js', 'PidFile']), 'install');
    expect(out).toMatch(/PidFile: type definition precompiled into .*dist\/\.vcsagent/);
    expect(readdirSync(join(project, 'dist', '.vcsagent')).sort()).toEqual(['PidFile.json', 'PidFile.validate.mjs']);
    const bin = join(vcsHome, 'bin', 'PidFile');
    const pidFile = join(work, 'pf2.pid');
    const argList = ['PidFile', '1', pidFile, 'Command', '1', '/bin/sleep', 'Arguments', '1', '600'];
    const ep = (name: string, lead: string[] = []) => sh(join(bin, name), ['pf2', ...lead, ...argList], { cwd: work });
    expect(ep('monitor').status).toBe(100);
    expect(ep('online')).toMatchObject({ status: 0, stdout: '', stderr: '' });
    expect(ep('monitor').status).toBe(110);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(sh(join(bin, 'actions', 'pid'), ['pf2', ...argList], { cwd: work })).toMatchObject({ status: 0, stdout: `${pid}\n` });
    expect(ep('offline').status).toBe(0);
    expect(ep('monitor').status).toBe(100);
    const log = readFileSync(join(work, 'var', 'log', 'PidFile_A.log'), 'utf8');
    expect(log).toMatch(new RegExp(` VCS NOTICE V-16-50000-1 PidFile:pf2:online:started /bin/sleep \\(pid ${pid}\\)\\n`));
    expect(log).toMatch(new RegExp(` VCS NOTICE V-16-50000-2 PidFile:pf2:offline:stopped pid ${pid}\\n`));
    // A bad value: under VCS (the wrapper) one log line and the failure code, nothing on stderr.
    const bad = sh(join(bin, 'monitor'), ['pf2', 'PidFile', '1', 'relative.pid', 'Command', '1', '/bin/sleep', 'Arguments', '0'], { cwd: work });
    expect(bad).toMatchObject({ status: 99, stderr: '' });
    expect(readFileSync(join(work, 'var', 'log', 'PidFile_A.log'), 'utf8')).toMatch(/ VCS ERROR V-16-50000-\d+ PidFile:pf2:monitor:.*PidFile of pf2: value "relative\.pid" must match pattern/);
  });

  it('the declarations stand alone: no @types/node needed to type-check against the package', () => {
    const bare = join(work, 'bare');
    mkdirSync(join(bare, 'node_modules'), { recursive: true });
    cpSync(join(project, 'node_modules', 'vcs-powervm'), join(bare, 'node_modules', 'vcs-powervm'), { recursive: true });
    writeFileSync(join(bare, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(
      join(bare, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'ES2022', lib: ['ES2022'], types: [], noEmit: true, skipLibCheck: false } }),
    );
    writeFileSync(
      join(bare, 'agent.ts'),
      `import { defineAgent, type ResourceContext } from 'vcs-powervm';
import { loadConfig, type Config } from 'vcs-powervm/cf';
interface A { Name: string; Ports: number[] }
const monitor = (ctx: ResourceContext<A>) => (ctx.signal.aborted || ctx.attributes.Ports.length === 0 ? 'unknown' as const : 'online' as const);
export default defineAgent<A>({ type: 'Bare', typesFile: 'Bare.cf', attributeSchemas: { Name: { minLength: 1 } }, entryPoints: { monitor } });
export const load: (path: string) => Config = (p) => loadConfig(p).config;
`,
    );
    const r = sh(join(project, 'node_modules', '.bin', 'tsc'), ['-p', bare], { cwd: bare });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('require() of the package says that it is ES modules only', () => {
    const r = sh(process.execPath, ['-e', "require('vcs-powervm')"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/vcs-powervm is an ES module: load it with import, not require\(\)/);
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', "import('vcs-powervm').then((m) => console.log(typeof m.defineAgent))"], { cwd: project, encoding: 'utf8' })).toBe('function\n');
  });
});
