/**
 * The simulated AIX host: everything these commands keep lives under
 * $AIXSIM_ROOT, laid out as on AIX (usr/lib/dr/scripts, var/...), so a test
 * can inspect it with plain file reads.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';

export class SimUsageError extends Error {}

export function simRoot(env: NodeJS.ProcessEnv = process.env): string {
  const root = env.AIXSIM_ROOT;
  if (!root) throw new SimUsageError('AIXSIM_ROOT is not set: it names the directory that holds the simulated host');
  return root;
}

export function simPath(...parts: string[]): string {
  return join(simRoot(), ...parts);
}

/**
 * Where a path of the simulated host lives: an AIX path (/wpars/w1,
 * /tmp/spec) is taken under $AIXSIM_ROOT, so the simulator never writes
 * outside it; a path already under $AIXSIM_ROOT (what lswpar shows, what a
 * caller got from it) is kept. A relative path is refused.
 */
export function hostPath(path: string): string {
  if (!isAbsolute(path)) throw new SimUsageError(`${path}: an absolute path is required`);
  const root = resolve(simRoot());
  const p = resolve(path);
  return p === root || !relative(root, p).startsWith('..') ? p : join(root, p);
}

/** The AIX path a host path stands for (its part under $AIXSIM_ROOT), for files and messages. */
export function aixPath(path: string): string {
  const rel = relative(resolve(simRoot()), resolve(path));
  return rel.startsWith('..') ? path : `/${rel}`;
}

/** Appends one JSON line: what a command was asked to do, for tests to read. */
export function record(file: string, entry: Record<string, unknown>): void {
  mkdirSync(dirname(file), { recursive: true });
  appendFileSync(file, `${JSON.stringify({ time: new Date().toISOString(), pid: process.pid, ...entry })}\n`);
}

export function readJson<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback;
    throw e;
  }
}

/** Atomic: a concurrent reader sees the old or the new file, never half of one. */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`, { backup: false, fsync: false });
}

/** Runs a command's main and turns a usage error into a message and exit 2, as the real commands do. */
export async function runMain(name: string, main: (argv: string[]) => Promise<number> | number, argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (e) {
    if (e instanceof SimUsageError) {
      process.stderr.write(`${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
