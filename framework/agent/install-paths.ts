/**
 * What the wrappers `vcsagent install` writes will run, years from now:
 * which node, which vcsagent. Both must be paths that survive a Node
 * upgrade, an upgrade of this package and npm's cache cleaning.
 *
 * - node: `--node PATH`, else the `node` found on PATH *as named there*
 *   (/usr/bin/node, /opt/freeware/bin/node: the link a package manager
 *   moves on upgrade), when it is the node running install; else the
 *   running node, with a warning. Never the resolved target
 *   (/opt/nodejs-20.11.1/bin/node) where a stable name exists.
 * - vcsagent: by the path it was run as when that is the package's own
 *   bin/vcsagent through a stable prefix (/opt/vcs-powervm -> /opt/vcs-powervm-0.1.0),
 *   so switching the link upgrades every wrapper; else the package's own file.
 * - refused: a package in npm's cache (`npx vcs-powervm ...`), which npm may
 *   clear at any time; a warning for one under the temporary directory.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { AgentError } from '../errors.js';

/** The oldest Node the package runs on (package.json engines). */
const MIN_NODE_MAJOR = 20;

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A path segment that names a release (v20.11.1, node-20.11.1, 20.11.1): gone after an upgrade. */
const VERSIONED = /(^|[/\\-])v?\d+\.\d+\.\d+([/\\-]|$)/;

export interface NodeChoice {
  node: string;
  warnings: string[];
}

/**
 * The node the wrappers run. `given` (--node) is checked: an executable
 * that runs and is Node ≥ 20 (a wrapper with a broken node fails every
 * entry point VCS runs).
 */
export function chooseNode(given: string | undefined, env: NodeJS.ProcessEnv = process.env, running = process.execPath): NodeChoice {
  const warnings: string[] = [];
  if (given !== undefined) {
    const node = resolve(given);
    if (!isExecutableFile(node)) throw new AgentError('VCSPVM_AGENT_INSTALL', { path: node, reason: '--node: not an executable file' });
    const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8', timeout: 30_000 });
    const version = r.status === 0 ? r.stdout.trim() : '';
    if (!/^\d+\./.test(version)) throw new AgentError('VCSPVM_AGENT_INSTALL', { path: node, reason: `--node: does not run as Node.js${r.stderr ? ` (${r.stderr.trim().split('\n')[0]})` : ''}` });
    if (Number(version.split('.')[0]) < MIN_NODE_MAJOR) throw new AgentError('VCSPVM_AGENT_INSTALL', { path: node, reason: `--node: Node.js ${version}; the package needs ${MIN_NODE_MAJOR} or later` });
    if (VERSIONED.test(node)) warnings.push(`warning: --node ${node} names one Node release; a Node upgrade that removes it breaks every wrapper (a link such as /usr/bin/node survives upgrades)`);
    return { node, warnings };
  }
  const target = real(running);
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, 'node');
    if (isExecutableFile(candidate) && real(candidate) === target) {
      if (VERSIONED.test(candidate)) break;
      return { node: candidate, warnings };
    }
  }
  warnings.push(
    `warning: the wrappers run ${running}, the node running this install${VERSIONED.test(running) ? ', which names one Node release' : ''}: a Node upgrade that removes it breaks every wrapper; reinstall with --node PATH naming a node that stays (e.g. /usr/bin/node, /opt/freeware/bin/node)`,
  );
  return { node: running, warnings };
}

export interface PackagePaths {
  /** The vcsagent the wrappers run. */
  self: string;
  /** The package root the trigger wrappers point into. */
  root: string;
}

/**
 * vcsagent and the package root by the path this process was started as
 * (argv[1]), when that is bin/vcsagent of this very package reached
 * through links: /opt/vcs-powervm/bin/vcsagent, not /opt/vcs-powervm-0.1.0/bin/vcsagent.
 */
export function stablePackagePaths(self: string, root: string, invoked = process.argv[1]): PackagePaths {
  if (!invoked) return { self, root };
  const asRun = resolve(invoked);
  const asRunRoot = dirname(dirname(asRun));
  if (asRun !== self && real(asRun) === real(self) && real(asRunRoot) === real(root)) return { self: asRun, root: asRunRoot };
  return { self, root };
}

/** npm's cache: npx and `npm exec` unpack packages there, and npm may clear it at any time. */
function cacheDirs(env: NodeJS.ProcessEnv): string[] {
  const dirs = [join(homedir(), '.npm'), join(homedir(), '.cache')];
  if (env.npm_config_cache) dirs.push(env.npm_config_cache);
  return dirs.map((d) => real(d));
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

/**
 * Refuses a package that lives in npm's cache (the wrappers would vanish
 * with it); a warning for one under the temporary directory.
 */
export function checkPackageHome(root: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const where = real(root);
  const inCache = where.split(sep).some((s) => s === '_npx' || s === '_cacache') || cacheDirs(env).some((d) => under(where, d));
  if (inCache) {
    throw new AgentError('VCSPVM_AGENT_INSTALL', {
      path: where,
      reason:
        "the package is in npm's cache (npx runs it from there), which npm may clear at any time, and the wrappers VCS runs would go with it. " +
        'Install the package where it stays — npm install -g vcs-powervm, or the offline bundle under /opt/vcs-powervm (docs/install.md) — and run that vcsagent install',
    });
  }
  if (under(where, real(tmpdir()))) return [`warning: the package is under ${real(tmpdir())} (${where}), which may be cleaned; the wrappers need it to stay`];
  return [];
}
