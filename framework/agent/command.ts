/**
 * The command runner entry points use for local commands: an argv array run
 * without a shell (so no attribute value is ever parsed by one), a time
 * limit, a cap on captured output, and the entry point's AbortSignal. Each
 * command runs in its own process group so that a timeout or an abort stops
 * everything it started, not just the first process.
 */
import { spawn } from 'node:child_process';
import { AgentError } from '../errors.js';
import type { CommandRunner, RunOptions, RunResult } from './command-types.js';
import type { AgentLogger } from './log.js';

export type { CommandRunner, RunOptions, RunResult } from './command-types.js';

const DEFAULT_MAX_OUTPUT = 1024 * 1024;
const KILL_GRACE_MS = 2000;
const DRAIN_AFTER_EXIT_MS = 500;

/** Process groups still running, so that an exiting entry point can take them down with it. */
const live = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Already gone.
  }
}

/** Kills every command still running (called when the entry point times out or exits). */
export function killRunningCommands(): void {
  for (const pid of live) killGroup(pid, 'SIGKILL');
  live.clear();
}

function describe(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

export interface RunnerDefaults {
  signal?: AbortSignal;
  log?: AgentLogger;
  maxOutputBytes?: number;
}

export function createCommandRunner(defaults: RunnerDefaults = {}): CommandRunner {
  return (argv, opts = {}) => runCommand(argv, { ...opts, maxOutputBytes: opts.maxOutputBytes ?? defaults.maxOutputBytes }, defaults);
}

export function runCommand(argv: readonly string[], opts: RunOptions = {}, defaults: RunnerDefaults = {}): Promise<RunResult> {
  if (argv.length === 0 || argv.some((a) => typeof a !== 'string' || a.includes('\0'))) {
    return Promise.reject(new AgentError('VCSPVM_UNSAFE_ARGUMENT', { what: 'command', value: describe(argv.map(String)), reason: 'argv must be non-empty strings without NUL bytes' }));
  }
  if (!exitHookInstalled) {
    process.on('exit', killRunningCommands);
    exitHookInstalled = true;
  }
  const cap = opts.maxOutputBytes ?? defaults.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  const signals = [opts.signal, defaults.signal].filter((s): s is AbortSignal => s !== undefined);
  const started = Date.now();
  const text = describe(argv);
  defaults.log?.debug({ dbg: 'AGDEBUG' }, 'running %s', text);

  return new Promise<RunResult>((resolve, reject) => {
    if (signals.some((s) => s.aborted)) {
      reject(new AgentError('VCSPVM_AGENT_COMMAND', { command: argv[0], detail: 'not started: the entry point was aborted' }));
      return;
    }
    const child = spawn(argv[0]!, argv.slice(1), {
      shell: false,
      detached: true,
      stdio: [opts.input !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let errBytes = 0;
    let truncated = false;
    let timedOut = false;
    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    let timer: NodeJS.Timeout | undefined;

    const collect = (chunks: Buffer[], which: 'out' | 'err') => (chunk: Buffer) => {
      const used = which === 'out' ? outBytes : errBytes;
      const room = cap - used;
      if (room <= 0) {
        truncated = true;
        return;
      }
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (part.length < chunk.length) truncated = true;
      chunks.push(part);
      if (which === 'out') outBytes += part.length;
      else errBytes += part.length;
    };
    child.stdout!.on('data', collect(out, 'out'));
    child.stderr!.on('data', collect(err, 'err'));
    if (opts.input !== undefined) {
      child.stdin!.on('error', () => undefined); // A command that does not read its input is not an error.
      child.stdin!.end(opts.input);
    }

    const onAbort = () => {
      aborted = true;
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
    };
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    if (child.pid !== undefined) live.add(child.pid);

    if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
      timer = setTimeout(() => {
        timedOut = true;
        if (child.pid === undefined) return;
        killGroup(child.pid, 'SIGTERM');
        killTimer = setTimeout(() => killGroup(child.pid!, 'SIGKILL'), KILL_GRACE_MS);
      }, opts.timeoutMs);
    }

    const cleanup = () => {
      if (timer) clearTimeout(timer);
      if (drainTimer) clearTimeout(drainTimer);
      if (killTimer) clearTimeout(killTimer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
      if (child.pid !== undefined) live.delete(child.pid);
    };

    // A daemon started by the command (in a group of its own) may hold our pipes open forever:
    // once the command itself has exited, give its output a moment, then stop waiting for it.
    let drainTimer: NodeJS.Timeout | undefined;
    child.on('exit', () => {
      drainTimer = setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, DRAIN_AFTER_EXIT_MS);
    });
    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      const detail = e.code === 'ENOENT' ? 'not found' : e.code === 'EACCES' ? 'permission denied' : e.message;
      reject(new AgentError('VCSPVM_AGENT_COMMAND', { command: argv[0], detail }, { cause: e }));
    });
    child.on('close', (code, signal) => {
      cleanup();
      const result: RunResult = {
        argv,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        truncated,
        timedOut,
        aborted,
        durationMs: Date.now() - started,
      };
      defaults.log?.debug({ dbg: 'AGDEBUG' }, '%s exited %s after %d ms', text, code ?? signal, result.durationMs);
      if (opts.check && (code !== 0 || timedOut || aborted)) {
        const why = timedOut
          ? `timed out after ${opts.timeoutMs} ms`
          : aborted
            ? 'aborted'
            : `exited ${code ?? signal}${result.stderr.trim() ? `: ${result.stderr.trim().split('\n')[0]}` : ''}`;
        reject(new AgentError('VCSPVM_AGENT_COMMAND', { command: text, detail: why }));
        return;
      }
      resolve(result);
    });
  });
}
