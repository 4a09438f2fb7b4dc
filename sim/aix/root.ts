/**
 * The simulated AIX host: everything these commands keep lives under
 * $AIXSIM_ROOT, laid out as on AIX (usr/lib/dr/scripts, var/...), so a test
 * can inspect it with plain file reads.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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
