/**
 * `npm run bundle`: the offline bundle for cluster nodes without network
 * access — the package as `npm pack` makes it, with its production
 * dependencies in node_modules/, in one tar.gz:
 *
 *   vcs-powervm-VERSION/            bin/ dist/ docs/ man/ types-cf/ ... node_modules/
 *
 * On the node (docs/install.md): `gunzip -c FILE | tar -xf -` under /opt,
 * a symlink /opt/vcs-powervm to it, then `/opt/vcs-powervm/bin/vcsagent
 * install --vcs-home /opt/VRTSvcs`. Nothing in it is built for one
 * platform: the optional native parts of ssh2 (cpu-features, its crypto
 * binding) are left out, and ssh2 runs on its JavaScript code, so the same
 * file serves AIX and Linux. The archive is plain ustar, which AIX's tar
 * reads. It is also an npm tarball with its dependencies bundled:
 * `npm install -g --offline FILE` works without a registry.
 *
 *   tsx scripts/bundle.ts [--out DIR] [--tarball vcs-powervm-VERSION.tgz]
 *
 * --tarball takes a package npm pack already made (else this runs npm pack,
 * which builds). Needs npm, tar and gzip on the build machine, and the
 * dependencies in npm's cache or a reachable registry.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export interface BundleResult {
  path: string;
  bytes: number;
  /** The directory name inside the archive. */
  top: string;
}

/** npm and the build tools without the npm_* settings of an `npm run` that started us (they would steer the inner npm). */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) || /^npm_config_(cache|registry|offline|prefer_offline|userconfig)$/i.test(k)));
}

function sh(cmd: string, args: string[], cwd: string, what: string): string {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${what} failed (${cmd} ${args.join(' ')}): ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-5).join('\n')}`);
  return r.stdout;
}

/** `npm pack` of the checkout at `root` into `dir` (npm's prepare builds dist/ and man/). */
export function pack(root: string, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = sh('npm', ['pack', '--json', '--pack-destination', dir], root, 'npm pack');
  const [info] = JSON.parse(out.slice(out.indexOf('['))) as { filename: string }[];
  return join(dir, info!.filename);
}

export function makeBundle(o: { out: string; tarball?: string; root?: string }): BundleResult {
  const root = o.root ?? ROOT;
  const work = mkdtempSync(join(tmpdir(), 'vcs-powervm-bundle-'));
  try {
    const tarball = o.tarball ? resolve(o.tarball) : pack(root, work);
    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    sh('tar', ['-xzf', tarball, '-C', unpacked], work, 'unpacking the package');
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8')) as { name: string; version: string; dependencies?: Record<string, string> };
    const top = `${pkg.name}-${pkg.version}`;
    const dir = join(work, top);
    renameSync(join(unpacked, 'package'), dir);

    // Exactly the versions of package-lock.json, production only, nothing compiled: the same bundle for AIX and Linux.
    copyFileSync(join(root, 'package-lock.json'), join(dir, 'package-lock.json'));
    sh('npm', ['ci', '--omit=dev', '--omit=optional', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], dir, 'installing the production dependencies');
    rmSync(join(dir, 'package-lock.json'));
    rmSync(join(dir, 'node_modules', '.package-lock.json'), { force: true });

    // `npm install -g FILE` takes node_modules/ from the archive instead of from a registry.
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
    manifest.bundleDependencies = Object.keys(pkg.dependencies ?? {});
    // Its scripts build a checkout (prepare, build, test): nothing to run in the bundle, and npm warns of them.
    delete manifest.scripts;
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

    mkdirSync(o.out, { recursive: true });
    const path = join(resolve(o.out), `${top}-offline.tar.gz`);
    const tar = join(work, `${top}.tar`);
    // ustar: what AIX's tar reads (no GNU long-name records); a path too long for it fails here, not on the node.
    sh('tar', ['--format=ustar', '-cf', tar, top], work, 'archiving');
    sh('gzip', ['-9', '-n', tar], work, 'compressing');
    const tmp = `${path}.tmp`;
    copyFileSync(`${tar}.gz`, tmp);
    renameSync(tmp, path);
    return { path, bytes: statSync(path).size, top };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { out: { type: 'string' }, tarball: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      process.stdout.write('usage: npm run bundle [-- --out DIR] [--tarball vcs-powervm-VERSION.tgz]\nwrites DIR/vcs-powervm-VERSION-offline.tar.gz (default DIR: the current directory); see docs/install.md\n');
      process.exit(0);
    }
    if (values.tarball && !existsSync(values.tarball)) throw new Error(`--tarball ${values.tarball}: no such file`);
    const r = makeBundle({ out: values.out ?? process.env.INIT_CWD ?? process.cwd(), ...(values.tarball ? { tarball: values.tarball } : {}) });
    process.stdout.write(`${r.path} (${(r.bytes / 1024 / 1024).toFixed(1)} MiB): on the node, gunzip -c ${basename(r.path)} | (cd /opt && tar -xf -), then see docs/install.md\n`);
  } catch (e) {
    process.stderr.write(`bundle: ${(e as Error).message}\n`);
    process.exit(1);
  }
}
