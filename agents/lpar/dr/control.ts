/**
 * Starting and stopping the responder from entry points. It is a detached
 * process (its own session and process group), so it survives online's exit
 * and the framework's kill of an entry point's commands; its pid file, written
 * once it listens, is how offline and clean find it again.
 * It listens on the management LPAR's VLAN 123 address only
 * (MANAGEMENT_ADDRESS:DEFAULT_PORT, agents/reconfig/protocol.ts), which
 * online configures before starting it.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VcsPowervmError } from '../../../framework/errors.js';
import { ensureDrDirs, readJsonFile, type DrPaths, type ResponderInfo } from './paths.js';
import { isProcessAlive as alive } from '../../../framework/process.js';

const START_WAIT_MS = 5_000;
const STOP_WAIT_MS = 3_000;

/**
 * The command line of pid: /proc/PID/cmdline on Linux; elsewhere `ps -p PID
 * -o args=` (POSIX: AIX has a /proc, but no cmdline file in it). '' when no
 * such process runs; undefined when neither can tell.
 */
export function commandLineOf(pid: number, proc = '/proc'): string | undefined {
  try {
    return readFileSync(`${proc}/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    // No /proc/PID/cmdline: ask ps.
  }
  const r = spawnSync('ps', ['-p', String(pid), '-o', 'args='], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status === null) return undefined;
  return r.status === 0 ? r.stdout.trim() : '';
}

/** Whether pid is our responder: a recycled pid is never signalled. */
export function isResponder(pid: number, proc = '/proc'): boolean {
  const args = commandLineOf(pid, proc);
  return args === undefined ? alive(pid) : args.includes('responder-main');
}

/** The running responder, if any. */
export function runningResponder(p: DrPaths): ResponderInfo | undefined {
  const info = readJsonFile<ResponderInfo>(p.pid);
  return info && alive(info.pid) && isResponder(info.pid) ? info : undefined;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Starts the responder unless one runs; returns the one that serves. */
export async function ensureResponder(p: DrPaths, where: { management: string; keys: string }, env: NodeJS.ProcessEnv = process.env): Promise<ResponderInfo & { started: boolean }> {
  ensureDrDirs(p);
  const running = runningResponder(p);
  if (running) return { ...running, started: false };

  // Two onlines at once start one responder: the one that creates the claim file starts it.
  let claimed = false;
  try {
    closeSync(openSync(p.starting, 'wx', 0o600));
    claimed = true;
  } catch {
    let age = 0;
    try {
      age = Date.now() - statSync(p.starting).mtimeMs;
    } catch {
      // The other entry point has just finished starting it: wait for its pid file below.
    }
    if (age > START_WAIT_MS * 2) {
      rmSync(p.starting, { force: true });
      return ensureResponder(p, where, env);
    }
  }
  try {
    if (claimed) {
      const { spawn } = await import('node:child_process');
      const script = fileURLToPath(new URL('./responder-main.js', import.meta.url));
      const args = [script, '--dir', p.dir, '--keys', where.keys, '--management', where.management];
      const err = openSync(p.log, 'a', 0o600);
      const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', err], cwd: '/', env });
      closeSync(err);
      child.unref();
    }
    const end = Date.now() + START_WAIT_MS;
    while (Date.now() < end) {
      const info = runningResponder(p);
      if (info) return { ...info, started: claimed };
      await sleep(50);
    }
  } finally {
    if (claimed) rmSync(p.starting, { force: true });
  }
  const tail = existsSync(p.log) ? readFileSync(p.log, 'utf8').trim().split('\n').slice(-1)[0] : '';
  throw new VcsPowervmError('VCSPVM_LPAR_DR', { detail: `the DR responder did not start within ${START_WAIT_MS / 1000} s${tail ? ` (${tail})` : ''}` });
}

/** Stops the responder (SIGTERM, then SIGKILL); its pid, or undefined when none ran. */
export async function stopResponder(p: DrPaths): Promise<number | undefined> {
  const info = runningResponder(p);
  if (!info) {
    rmSync(p.pid, { force: true });
    return undefined;
  }
  process.kill(info.pid, 'SIGTERM');
  const end = Date.now() + STOP_WAIT_MS;
  while (alive(info.pid) && Date.now() < end) await sleep(50);
  if (alive(info.pid)) {
    try {
      process.kill(info.pid, 'SIGKILL');
    } catch {
      // Gone between the check and the kill.
    }
  }
  rmSync(p.pid, { force: true });
  return info.pid;
}
