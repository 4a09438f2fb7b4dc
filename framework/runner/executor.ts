/**
 * How the runner starts entry points. Production (and the integration
 * tests) run each one as its own process, exactly as VCS's script agent
 * does; the fake-clock schedule tests substitute a scripted executor behind
 * the same interface.
 *
 * An entry point is found, per type, in this order:
 *   1. `$VCS_HOME/bin/<Type>/<entry_point>` (actions: `actions/<token>`),
 *      run by its absolute path: `<path> <resource> <leading args> <ArgList>`
 *      — how VCS runs a script agent, and what `vcsagent install` lays out;
 *   2. `vcsagent <Type> <entry_point> <resource> <leading args> <ArgList>`
 *      for the types the vcsagent registry knows.
 * imf_init and imf_getnotification get the type name in place of the
 * resource; shutdown gets nothing. A call with a `container` runs inside it
 * (RunInContainer: framework/agent/container.ts): `clogin NAME <argv>`, or
 * not at all when the container does not run.
 *
 * Each entry point is the leader of its own process group. When its time is
 * up (or the runner stops) the whole group is killed: whatever it started
 * goes with it. An entry point that finishes leaves its processes alone, as
 * VCS does — an online may start a daemon in the background — and the
 * runner stops reading its output shortly after it exits, even if such a
 * daemon still holds the pipe.
 *
 * IMF entry points talk back to the framework on an extra descriptor, as
 * VCS's "exposed PIPE FD": the runner opens it as file descriptor 3 of the
 * child and names it in VCS_IMF_PIPE_FD. imf_register writes the resource
 * ID there; imf_getnotification writes its events there, one per line.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runCommand } from '../agent/command.js';
import { type ContainerRef, containerPath, enterContainer, runsInside } from '../agent/container.js';
import type { EntryPointName } from '../agent/entrypoints.js';
import { isExecutable } from '../fs.js';

export interface EpCall {
  type: string;
  entryPoint: EntryPointName;
  /** For actions: the token. */
  token?: string;
  /** Resource name; the type name for imf_init/imf_getnotification; '' for shutdown. */
  subject: string;
  /** Leading arguments (clean reason, mswitch rstate, ...) then the flattened ArgList. */
  args: readonly string[];
  /** Aborted by the runner when the entry point's time is up, or when the runner stops. */
  signal: AbortSignal;
  /** Expose the IMF pipe (fd 3) and collect the lines written to it. */
  pipe?: boolean;
  /** The container the resource's entry points run in (RunInContainer, ContainerInfo enabled here). */
  container?: ContainerRef;
}

export interface EpResult {
  /** Exit code; null when the process was killed. */
  exitCode: number | null;
  signal: string | null;
  /** The runner's signal fired before the process finished. */
  aborted: boolean;
  /** The entry point could not be started at all (not found, not executable). */
  spawnError?: string;
  stdout: string;
  stderr: string;
  /** Lines written on the IMF pipe. */
  pipeLines: string[];
}

export interface LongLivedCall extends EpCall {
  /** Called for each line the process writes on the IMF pipe. */
  onPipeLine(line: string): void;
}

export interface LongLivedProcess {
  readonly pid: number | undefined;
  /** Settles when the process has exited (never rejects). */
  readonly exited: Promise<EpResult>;
}

export interface EntryPointExecutor {
  /** Whether the type implements the entry point (VCS skips what an agent does not implement). */
  implements(type: string, entryPoint: EntryPointName, token?: string): boolean;
  /** Runs an entry point to completion (or until `signal` aborts it and it is gone). */
  run(call: EpCall): Promise<EpResult>;
  /** Starts a long-lived entry point (imf_getnotification); `signal` stops it. */
  start(call: LongLivedCall): LongLivedProcess;
}

export interface ProcessExecutorOptions {
  /** $VCS_HOME: agents installed as `bin/<Type>/<entry_point>`. */
  vcsHome?: string;
  /** argv prefix of vcsagent, e.g. [process.execPath, '/opt/vcs-powervm/bin/vcsagent']. */
  vcsagent?: readonly string[];
  /** Entry points the vcsagent registry implements for a type (undefined: type unknown to it). */
  vcsagentEntryPoints?: (type: string) => ReadonlySet<string> | undefined;
  /** Environment of every entry point (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** After the runner's signal: SIGTERM, then SIGKILL this much later. Default 2000 ms. */
  killGraceMs?: number;
  /** Bytes of stdout and of stderr kept (default 64 KiB). */
  maxOutputBytes?: number;
}

const IMF_PIPE_FD = 3;
/** After an entry point exits, how long its output may still take to arrive (a daemon it started may keep the pipe open). */
const OUTPUT_DRAIN_MS = 200;
export const IMF_PIPE_ENV = 'VCS_IMF_PIPE_FD';

function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone.
    }
  }
}

/** Splits a byte stream into lines, calling `onLine` for each complete one. */
function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let buf = '';
  return {
    push(chunk) {
      buf += chunk.toString();
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (line.trim()) onLine(line);
      }
    },
    end() {
      if (buf.trim()) onLine(buf.replace(/\r$/, ''));
      buf = '';
    },
  };
}

export class ProcessExecutor implements EntryPointExecutor {
  private readonly killGraceMs: number;
  private readonly maxOutput: number;
  private readonly live = new Set<number>();

  constructor(private readonly opts: ProcessExecutorOptions) {
    this.killGraceMs = opts.killGraceMs ?? 2000;
    this.maxOutput = opts.maxOutputBytes ?? 64 * 1024;
  }

  private installedPath(type: string, ep: EntryPointName, token?: string): string | undefined {
    if (!this.opts.vcsHome) return undefined;
    const file = ep === 'action' ? join(this.opts.vcsHome, 'bin', type, 'actions', token ?? '') : join(this.opts.vcsHome, 'bin', type, ep);
    return isExecutable(file) ? file : undefined;
  }

  implements(type: string, ep: EntryPointName, token?: string): boolean {
    if (this.installedPath(type, ep, token)) return true;
    const set = this.opts.vcsagentEntryPoints?.(type);
    if (!set || !this.opts.vcsagent) return false;
    return set.has(ep === 'action' ? `action/${token}` : ep);
  }

  /** The argv VCS would use, or undefined when nothing implements it. */
  argv(call: EpCall): string[] | undefined {
    const subject = call.entryPoint === 'shutdown' ? [] : [call.subject];
    const path = this.installedPath(call.type, call.entryPoint, call.token);
    if (path) return [path, ...subject, ...call.args];
    const set = this.opts.vcsagentEntryPoints?.(call.type);
    const name = call.entryPoint === 'action' ? `action/${call.token}` : call.entryPoint;
    if (this.opts.vcsagent && set?.has(name)) return [...this.opts.vcsagent, call.type, name, ...subject, ...call.args];
    return undefined;
  }

  private spawnCall(call: EpCall, onPipeLine?: (line: string) => void, prefix: readonly string[] = []): { pid: number | undefined; exited: Promise<EpResult> } {
    const inner = this.argv(call);
    const argv = inner && [...prefix, ...inner];
    const empty = { exitCode: null, signal: null, aborted: call.signal.aborted, stdout: '', stderr: '', pipeLines: [] as string[] };
    if (!argv) {
      return { pid: undefined, exited: Promise.resolve({ ...empty, spawnError: `${call.type} does not implement ${call.entryPoint}` }) };
    }
    const env = { ...(this.opts.env ?? process.env) };
    if (call.pipe) env[IMF_PIPE_ENV] = String(IMF_PIPE_FD);
    if (prefix.length) env.PATH = containerPath(env);
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: call.pipe ? ['ignore', 'pipe', 'pipe', 'pipe'] : ['ignore', 'pipe', 'pipe'],
      env,
      // Its own process group: a timeout takes down whatever the entry point started.
      detached: true,
    });
    const pid = child.pid;
    if (pid !== undefined) this.live.add(pid);
    let stdout = '';
    let stderr = '';
    const pipeLines: string[] = [];
    const cap = (have: string, chunk: Buffer) => (have.length < this.maxOutput ? (have + chunk.toString()).slice(0, this.maxOutput) : have);
    child.stdout?.on('data', (c: Buffer) => (stdout = cap(stdout, c)));
    child.stderr?.on('data', (c: Buffer) => (stderr = cap(stderr, c)));
    const splitter = lineSplitter((line) => {
      pipeLines.length < 10_000 && pipeLines.push(line);
      onPipeLine?.(line);
    });
    const pipe = call.pipe ? (child.stdio[IMF_PIPE_FD] as NodeJS.ReadableStream | null) : null;
    pipe?.on('data', (c: Buffer) => splitter.push(c));
    pipe?.on('error', () => undefined);

    let aborted = false;
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      killGroup(pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), this.killGraceMs);
      killTimer.unref();
    };
    if (call.signal.aborted) onAbort();
    else call.signal.addEventListener('abort', onAbort, { once: true });

    const exited = new Promise<EpResult>((resolve) => {
      let spawnError: string | undefined;
      let done = false;
      let drainTimer: NodeJS.Timeout | undefined;
      const finish = (code: number | null, sig: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        if (drainTimer) clearTimeout(drainTimer);
        call.signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        if (pid !== undefined) {
          // A timed-out (or stopped) entry point takes what it started with it;
          // one that finished leaves its processes alone, as VCS does: an online
          // may well start a daemon in the background.
          if (aborted) killGroup(pid, 'SIGKILL');
          this.live.delete(pid);
        }
        splitter.end();
        resolve({ exitCode: code, signal: sig, aborted, ...(spawnError ? { spawnError } : {}), stdout, stderr, pipeLines });
      };
      child.on('error', (e) => {
        spawnError = e.message;
        // Never started: no exit event will come.
        if (pid === undefined) finish(null, null);
      });
      child.on('close', (code, sig) => finish(code, sig));
      child.on('exit', (code, sig) => {
        // A background process it started may hold its output open: read what
        // is there, then stop waiting for the rest.
        drainTimer = setTimeout(() => {
          for (const s of child.stdio) s?.destroy();
          finish(code, sig);
        }, OUTPUT_DRAIN_MS);
        drainTimer.unref();
      });
    });
    return { pid, exited };
  }

  async run(call: EpCall): Promise<EpResult> {
    if (!call.container || !runsInside(call.entryPoint) || !this.argv(call)) return this.spawnCall(call).exited;
    const env = this.opts.env ?? process.env;
    const entered = await enterContainer(call.container, call.entryPoint, (argv, o) => runCommand(argv, { ...o, signal: call.signal }), env);
    if ('prefix' in entered) return this.spawnCall(call, undefined, entered.prefix).exited;
    return { exitCode: entered.exitCode, signal: null, aborted: call.signal.aborted, stdout: '', stderr: `${entered.why}\n`, pipeLines: [] };
  }

  start(call: LongLivedCall): LongLivedProcess {
    return this.spawnCall({ ...call, pipe: true }, call.onPipeLine);
  }

  /** Kills every entry point still running (the runner is going away). */
  killAll(): void {
    for (const pid of this.live) killGroup(pid, 'SIGKILL');
    this.live.clear();
  }
}
