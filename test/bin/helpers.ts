/** Running bin/vcsagent as VCS does: a real process, argv as VCS builds it, VCS_LOG/VCS_CONF in a temporary tree. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const VCSAGENT = join(ROOT, 'bin', 'vcsagent');
export const FIXTURES = join(ROOT, 'test', 'bin', 'fixtures');
export const PROBE = join(FIXTURES, 'probe', 'agent.mjs');

export function requireBuild(): void {
  if (!existsSync(join(ROOT, 'dist', 'vcsagent', 'cli.js')) || !existsSync(join(ROOT, 'dist', 'typedefs', 'SampleFile.json'))) {
    throw new Error('run `npm run build` first: these tests run the compiled vcsagent');
  }
}

export interface VcsTree {
  root: string;
  log: string;
  conf: string;
  env: NodeJS.ProcessEnv;
  /** Lines of $VCS_LOG/log/<type>_A.log. */
  logLines(type: string): string[];
  cleanup(): void;
}

export function vcsTree(opts: { sysname?: string } = {}): VcsTree {
  const root = mkdtempSync(join(tmpdir(), 'vcsagent-test-'));
  const log = join(root, 'var');
  const conf = join(root, 'etc');
  mkdirSync(join(log, 'log'), { recursive: true });
  mkdirSync(join(conf, 'conf'), { recursive: true });
  if (opts.sysname) writeFileSync(join(conf, 'conf', 'sysname'), `${opts.sysname}\n`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, VCS_LOG: log, VCS_CONF: conf, VCS_HOME: join(root, 'opt') };
  return {
    root,
    log,
    conf,
    env,
    logLines: (type) => {
      const f = join(log, 'log', `${type}_A.log`);
      return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command to its end; `timeoutMs` only bounds a hung one (a busy machine makes a second's work take many). */
/**
 * The children's temporary directory: never one that holds this checkout. A
 * clone under /tmp would otherwise make every `vcsagent install` warn that the
 * package may be cleaned away.
 */
const CHILD_TMPDIR = join(tmpdir(), 'vcspvm-test-children');

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 90_000): Run {
  const started = Date.now();
  const childTmp = resolve(env.TMPDIR ?? tmpdir());
  if (`${ROOT}/`.startsWith(`${childTmp}/`)) {
    mkdirSync(CHILD_TMPDIR, { recursive: true });
    env = { ...env, TMPDIR: CHILD_TMPDIR };
  }
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', timeout: timeoutMs });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

export function vcsagent(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Run {
  return run(VCSAGENT, args, env, timeoutMs);
}

/** The Probe type's ArgList, flattened by hand the way the Agent Developer's Guide shows it. */
const PROBE_ARGLIST = ['Dir', 'Count', 'Flag', 'Items', 'Ports', 'Map', 'Keys', 'Password', 'SleepIn', 'ThrowIn', 'Broken', 'Confidence', 'WaitSeconds'];
const PROBE_DEFAULTS: Record<string, string[]> = { Count: ['1'], Flag: ['0'], Password: [''], Confidence: ['100'], WaitSeconds: ['0'] };

export function probeArgs(values: Record<string, string[]>): string[] {
  return PROBE_ARGLIST.flatMap((name) => {
    const items = values[name] ?? PROBE_DEFAULTS[name] ?? [];
    return [name, String(items.length), ...items];
  });
}

export function readJson(path: string): any {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** A VCS log line: time, VCS, severity, UMI, Type:resource:entry point:message. */
export const VCS_LINE = /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d VCS (CRITICAL|ERROR|WARNING|NOTICE|INFO|DBG_\w+) V-16-\d+-\d+ [A-Za-z_]\w*:[^:]*:[a-z_/A-Z0-9]+:.+$/;

/** Anything that looks like a JavaScript stack trace. */
export const STACK = /^\s+at .+[:(]/m;
