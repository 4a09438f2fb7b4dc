/**
 * The package as users get it, from a copy of this checkout (the worktree's
 * own dist/ is left alone: other test files run it meanwhile):
 *
 * - `npm pack` builds and ships what runs, not tests;
 * - the tarball installs into an empty prefix with no registry reachable
 *   (dependencies from npm's cache, as `npm ci` left it) and its three
 *   commands run from there, man pages linked;
 * - `npm run bundle` makes the offline bundle, which installs with the
 *   network off and an empty npm cache — unpacked under a stable prefix with
 *   `bin/vcsagent install`, and with `npm install -g` — and the LPAR
 *   wrappers it installs work against the bundle's own hmcsim.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBundle, pack } from '../../scripts/bundle.js';
import { type HmcsimProcess, launchHmcsim } from '../../sim/hmc/launch.js';
import { NODE_A, SEED_LPAR, SEED_MAINCF, seedArgList } from '../agents/lpar/helpers/harness.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
const MINUTES = 60_000;

/**
 * npm with the network off: offline mode, and (noRegistry) a registry on a
 * port nothing listens on. npm's cache is keyed by registry, so the
 * tarball's install, which takes its dependencies from the cache `npm ci`
 * filled, keeps the configured registry name.
 */
function offlineEnv(extra: NodeJS.ProcessEnv = {}, noRegistry = true): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, npm_config_offline: 'true', ...(noRegistry ? { npm_config_registry: 'http://127.0.0.1:9/' } : {}), npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

function sh(cmd: string, args: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const r = spawnSync(cmd, args, { cwd: o.cwd, env: o.env ?? process.env, encoding: 'utf8', timeout: 5 * MINUTES, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

function ok(r: { status: number | null; stdout: string; stderr: string }, what: string): string {
  if (r.status !== 0) throw new Error(`${what}: exit ${r.status}\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

let work: string;
let tarball: string;
let entries: string[];

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'release-test-'));
  // The checkout's files as a clone has them (tests aside), with this checkout's dev dependencies.
  const src = join(work, 'src');
  const files = ok(sh('git', ['ls-files', '-co', '--exclude-standard'], { cwd: ROOT }), 'git ls-files').split('\n').filter((f) => f && !f.startsWith('test/'));
  for (const f of files) if (existsSync(join(ROOT, f))) cpSync(join(ROOT, f), join(src, f));
  symlinkSync(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  tarball = pack(src, join(work, 'out'));
  entries = ok(sh('tar', ['-tzf', tarball]), 'tar -t').split('\n').filter(Boolean);
}, 10 * MINUTES);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', { timeout: 5 * MINUTES }, () => {
  it('ships dist/ and what runs — commands, types, the DLPAR script, simulated AIX commands, docs, man pages, LICENSE — and no tests', () => {
    for (const f of [
      'package/dist/vcsagent/cli.js',
      'package/dist/framework/cf/cli.js',
      'package/dist/sim/hmc/cli.js',
      'package/dist/typedefs/LPAR.json',
      'package/dist/framework/index.d.ts',
      'package/bin/vcsagent',
      'package/types-cf/types.cf',
      'package/agents/lpar/dlpar/vcs_blockmigrate.sh',
      'package/sim/aix/bin/hasys',
      'package/docs/install.md',
      'package/docs/rules/VCF001.md',
      'package/man/vcscf.1',
      'package/man/vcsagent.1',
      'package/man/hmcsim.1',
      'package/LICENSE',
      'package/CHANGELOG.md',
      'package/README.md',
    ]) {
      expect(entries, f).toContain(f);
    }
    expect(entries.filter((e) => /^package\/(test|bench|scripts|\.ci|coverage|node_modules|dist\/bench)\//.test(e))).toEqual([]);
    expect(entries.filter((e) => e.endsWith('.ts') && !e.endsWith('.d.ts'))).toEqual([]);
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  });

  it('installs into an empty prefix with no registry, and runs vcscf, vcsagent and hmcsim from there', () => {
    const prefix = join(work, 'global');
    mkdirSync(prefix);
    // Offline, from npm's cache. `npm ci` caches the dependencies' tarballs but not always their
    // registry metadata, which resolving them by version needs: then the metadata only is fetched.
    let install = sh('npm', ['install', '--global', '--prefix', prefix, tarball], { cwd: work, env: offlineEnv({}, false) });
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      const { npm_config_offline: _, ...online } = offlineEnv({}, false);
      install = sh('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', tarball], { cwd: work, env: online });
    }
    ok(install, 'npm install -g TARBALL');
    const bin = (name: string) => join(prefix, 'bin', name);
    const installed = join(prefix, 'lib', 'node_modules', 'vcs-powervm');

    expect(sh(bin('vcsagent'), ['--version'])).toMatchObject({ status: 0, stdout: `${PKG.version}\n` });
    expect(sh(bin('vcscf'), ['--version'])).toMatchObject({ status: 0, stdout: `${PKG.version}\n` });
    expect(sh(bin('hmcsim'), ['--version'])).toMatchObject({ status: 0, stdout: `${PKG.version}\n` });
    expect(sh(bin('vcsagent'), ['--help']).stdout).toMatch(/^usage:\n {2}vcsagent TYPE ENTRY_POINT RESOURCE/);
    const verify = sh(bin('vcscf'), ['verify', '--format', 'json', join(installed, 'sim', 'configs', 'seed-lpar', 'main.cf')]);
    expect(verify.status, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toBeTruthy();
    expect(sh(bin('vcsagent'), ['LPAR', '--help']).stdout).toMatch(/^LPAR: registered agent/);

    // The container image's command (Dockerfile: the same global install, then ENTRYPOINT and CMD).
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)![1]!) as string[];
    expect(dockerfile).toMatch(/^RUN npm install --global .*\/tmp\/vcs-powervm-\*\.tgz/m);
    expect(sh(bin(entrypoint[0]!), [...entrypoint.slice(1), ...cmd]).stdout).toMatch(/^Usage: vcscf COMMAND/);
    expect(sh(bin(entrypoint[0]!), [...entrypoint.slice(1), 'verify', join(installed, 'sim', 'configs', 'wpar', 'main.cf')]).status).toBe(0);

    // `man vcscf` after a global install: npm links the pages where man looks (PREFIX/share/man).
    for (const page of ['vcscf', 'vcsagent', 'hmcsim']) expect(readFileSync(join(prefix, 'share', 'man', 'man1', `${page}.1`), 'utf8')).toMatch(new RegExp(`^\\.TH ${page.toUpperCase()} 1 `, 'm'));
    // The production install is the runtime dependencies only.
    const deps = readdirSync(join(installed, 'node_modules'));
    for (const d of Object.keys(PKG.dependencies)) expect(deps).toContain(d);
    for (const d of Object.keys(PKG.devDependencies)) expect(deps, d).not.toContain(d.split('/')[0]);
  });
});

describe('the offline bundle (npm run bundle)', { timeout: 5 * MINUTES }, () => {
  let bundle: ReturnType<typeof makeBundle>;
  let hmcsim: HmcsimProcess | undefined;

  beforeAll(() => {
    bundle = makeBundle({ out: join(work, 'bundle'), tarball, root: ROOT });
  }, 5 * MINUTES);
  afterAll(async () => {
    await hmcsim?.stop(3000);
  });

  it('is one tar.gz of the package with its production dependencies, nothing built for one platform', () => {
    expect(bundle.path).toMatch(new RegExp(`vcs-powervm-${PKG.version.replace(/\./g, '\\.')}-offline\\.tar\\.gz$`));
    const list = ok(sh('tar', ['-tzf', bundle.path]), 'tar -t').split('\n').filter(Boolean);
    const top = `vcs-powervm-${PKG.version}/`;
    expect(list.every((e) => e.startsWith(top))).toBe(true);
    for (const d of Object.keys(PKG.dependencies)) expect(list).toContain(`${top}node_modules/${d}/package.json`);
    expect(list.filter((e) => /\.node$|\/cpu-features\/|\/build\/Release\//.test(e))).toEqual([]);
    expect(list.filter((e) => /node_modules\/(typescript|vitest|esbuild|tsx|marked)\//.test(e))).toEqual([]);
  });

  it('installs with the network off under a stable prefix, and its LPAR wrappers work against its own hmcsim', async () => {
    const node = join(work, 'node-host');
    const opt = join(node, 'opt');
    mkdirSync(opt, { recursive: true });
    const emptyCache = join(node, 'npm-cache');
    mkdirSync(emptyCache);
    const env = offlineEnv({ npm_config_cache: emptyCache });
    // As docs/install.md says: gunzip -c FILE | (cd /opt && tar -xf -); ln -s vcs-powervm-VERSION /opt/vcs-powervm.
    ok(sh('sh', ['-c', `gunzip -c '${bundle.path}' | (cd '${opt}' && tar -xf -)`], { env }), 'unpack');
    symlinkSync(`vcs-powervm-${PKG.version}`, join(opt, 'vcs-powervm'));
    const prefix = join(opt, 'vcs-powervm');

    const vcsHome = join(node, 'VRTSvcs');
    const install = sh(process.execPath, [join(prefix, 'bin', 'vcsagent'), 'install', '--vcs-home', vcsHome, '--node', process.execPath, 'LPAR'], { env });
    expect(install.status, install.stderr).toBe(0);
    const monitorWrapper = readFileSync(join(vcsHome, 'bin', 'LPAR', 'monitor'), 'utf8');
    // The wrappers name the stable prefix: switching the link upgrades them.
    expect(monitorWrapper).toContain(`'${join(prefix, 'bin', 'vcsagent')}' 'LPAR' 'monitor' "$@"`);

    // A cluster node's VCS: sysname, main.cf, logs; its HMCs are the bundle's hmcsim over SSH.
    const vcsConf = join(node, 'etc', 'VRTSvcs');
    const vcsLog = join(node, 'var', 'VRTSvcs');
    const home = join(node, 'root');
    mkdirSync(join(vcsConf, 'conf', 'config'), { recursive: true });
    mkdirSync(join(vcsLog, 'log'), { recursive: true });
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    mkdirSync(join(node, 'aix'));
    writeFileSync(join(vcsConf, 'conf', 'sysname'), `${NODE_A}\n`);
    const mainCf = join(vcsConf, 'conf', 'config', 'main.cf');
    writeFileSync(mainCf, SEED_MAINCF);
    const keygen = (file: string) => ok(sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]), 'ssh-keygen');
    keygen(join(node, 'hostkey'));
    keygen(join(home, '.ssh', 'id_ed25519'));
    writeFileSync(join(node, 'authorized_keys'), readFileSync(join(home, '.ssh', 'id_ed25519.pub')));
    hmcsim = await launchHmcsim(
      join(prefix, 'bin', 'hmcsim'),
      ['--from-maincf', mainCf, '--host-key', join(node, 'hostkey'), '--authorized-keys', join(node, 'authorized_keys'), '--speed', '20', '--listen', '127.0.0.1:0', '--listen', '127.0.0.1:0'],
      { ports: 2, timeoutMs: 60_000 },
    );
    const hostKey = readFileSync(join(node, 'hostkey.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(join(home, '.ssh', 'known_hosts'), hmcsim.ports.map((p) => `[127.0.0.1]:${p} ${hostKey}\n`).join(''));
    writeFileSync(
      join(home, '.ssh', 'config'),
      ['hmc6', 'hmc7'].map((h, i) => `Host ${h}\n  HostName 127.0.0.1\n  Port ${hmcsim!.ports[i]}\n  User hscroot\n  IdentityFile ${join(home, '.ssh', 'id_ed25519')}\n  StrictHostKeyChecking yes\n`).join('\n'),
      { mode: 0o600 },
    );
    const vcsEnv: NodeJS.ProcessEnv = {
      // VCS's environment: the bundle's simulated AIX commands (hasys, drmgr) stand in for the node's.
      PATH: `${join(prefix, 'sim', 'aix', 'bin')}:/usr/bin:/bin`,
      VCS_HOME: vcsHome,
      VCS_CONF: vcsConf,
      VCS_LOG: vcsLog,
      VCS_REMOTE_HOME: home,
      VCS_REMOTE_PERSIST: 'no',
      AIXSIM_ROOT: join(node, 'aix'),
      ...Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('npm_config_'))),
    };
    const args = seedArgList(['aixnode55vio1', 'aixnode55vio2']);
    const wrapper = (ep: string) => sh(join(vcsHome, 'bin', 'LPAR', ep), [SEED_LPAR, ...args], { env: vcsEnv });

    expect(wrapper('monitor').status).toBe(100);
    expect(wrapper('online').status).toBe(0);
    const end = Date.now() + 2 * MINUTES;
    let state = wrapper('monitor').status;
    while (state !== 110 && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 500));
      state = wrapper('monitor').status;
    }
    expect(state, readFileSync(join(vcsLog, 'log', 'LPAR_A.log'), 'utf8')).toBe(110);
  });

  it('installs with npm install -g, offline and with an empty cache (its dependencies are in it)', () => {
    const prefix = join(work, 'bundle-global');
    const emptyCache = join(work, 'bundle-cache');
    mkdirSync(prefix);
    mkdirSync(emptyCache);
    ok(sh('npm', ['install', '--global', '--prefix', prefix, bundle.path], { cwd: work, env: offlineEnv({ npm_config_cache: emptyCache }) }), 'npm install -g BUNDLE');
    expect(sh(join(prefix, 'bin', 'vcscf'), ['--version'])).toMatchObject({ status: 0, stdout: `${PKG.version}\n` });
    expect(sh(join(prefix, 'bin', 'vcsagent'), ['--version'])).toMatchObject({ status: 0, stdout: `${PKG.version}\n` });
  });
});
