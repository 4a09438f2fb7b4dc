/**
 * createRemote(): commands on a device reachable over SSH at one of several
 * redundant endpoints (VCS's MCName/MCUser pairs for HMCs).
 *
 * Without `persist`, commands run from this process (direct.ts: ssh2, one
 * pooled connection per endpoint, loaded on the first command). With it,
 * a command first goes to the user's connection broker for these SSH
 * settings (broker-client.ts), which holds the connections for every process
 * (ControlMaster/ControlPersist): no ssh2, no handshake, no login here. When
 * no broker serves, the command runs directly and a broker is started for
 * the next process; a broker that goes away during a command costs a direct
 * run only when the command is idempotent (else VCSPVM_SSH_BROKER_LOST).
 */
import { closeSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SshError } from '../errors.js';
import { brokerLostError, brokerRetire, brokerRun, type BrokerAttempt, type BrokerTarget } from './broker-client.js';
import {
  DEFAULT_IDLE_MS,
  MAX_SOCKET_PATH,
  PROFILE_ENV,
  WARM_ENV,
  brokerFiles,
  brokerName,
  brokerProfile,
  buildStamp,
  checkPrivateDir,
  defaultBrokerDir,
  failbackSetting,
  persistSetting,
  profileText,
  type BrokerFiles,
  type Env,
} from './broker-paths.js';
import { decodeError, type ConnectionTunables, type RunRequest } from './broker-protocol.js';
import type { DirectRemote } from './direct.js';
import { silentLogger, type Logger } from './logger.js';
import { buildCommand } from './quote.js';
import { endpointList, type Endpoint, type Remote, type RemoteOptions, type RunOptions, type RunResult } from './types.js';

export { NoEndpointError } from './types.js';
export type { Endpoint, EndpointFailure, PersistOptions, Remote, RemoteOptions, RunOptions, RunResult, ServedBy } from './types.js';

type DirectModule = typeof import('./direct.js');
let directModule: Promise<DirectModule> | undefined;
const loadDirect = (): Promise<DirectModule> => (directModule ??= import('./direct.js'));

/** Closes every connection this process holds (clean process exit). Brokers keep theirs. */
export async function closeAllConnections(): Promise<void> {
  if (directModule) await (await directModule).closeAllConnections();
}

/** Options the environment sets where the caller leaves them open: VCS_REMOTE_FAILBACK (seconds), VCS_REMOTE_SSH_CONFIG (as ssh -F). */
function withEnvDefaults<O extends Omit<RemoteOptions, 'endpoints'>>(options: O): O {
  const env = options.env ?? process.env;
  const failbackMs = options.failbackMs ?? failbackSetting(env);
  const sshConfigPath = options.sshConfigPath ?? (env.VCS_REMOTE_SSH_CONFIG || undefined);
  return { ...options, ...(failbackMs !== undefined ? { failbackMs } : {}), ...(sshConfigPath !== undefined ? { sshConfigPath } : {}) };
}

export function createRemote(options: RemoteOptions): Remote {
  return new FrontRemote(withEnvDefaults(options));
}

/** The broker files and profile text a Remote with these options uses. */
function brokerTargetOf(o: Omit<RemoteOptions, 'endpoints'>, env: Env): { files: BrokerFiles; profile: string } {
  const p = typeof o.persist === 'object' ? o.persist : {};
  const profile = profileText(brokerProfile({ ...o, endpoints: [] }, env));
  return { files: brokerFiles(p.dir ?? defaultBrokerDir(env), brokerName(profile), p.logFile), profile };
}

/**
 * Asks the connection broker that a Remote with these options would use to
 * exit (after the commands it is running), as `ssh -O exit` does for a
 * ControlMaster. Resolves with its pid, or undefined when none served.
 */
export async function retireBroker(options: Omit<RemoteOptions, 'endpoints'>): Promise<number | undefined> {
  const { files } = brokerTargetOf(withEnvDefaults(options), options.env ?? process.env);
  return (await brokerRetire(files))?.pid;
}

/** How this Remote uses a broker. */
interface BrokerUse {
  target: BrokerTarget;
  script: string;
  idleMs: number;
  env: Env;
}

/** Sockets whose refusal was already logged by this process (once is enough). */
const warned = new Set<string>();
/** When this process last started a broker for a socket (one start at a time is enough). */
const started = new Map<string, number>();
/** After a failed start, no new attempt for this long. */
const FAILED_BACKOFF_MS = 60_000;
/** A start announced less than this ago is left to finish. */
const STARTING_FRESH_MS = 10_000;

function defaultBrokerScript(): string {
  return fileURLToPath(new URL('./broker-main.js', import.meta.url));
}

class FrontRemote implements Remote {
  readonly endpoints: readonly Endpoint[];
  private readonly log: Logger;
  private direct: DirectRemote | undefined;
  private broker: BrokerUse | null | undefined;
  private closed = false;

  constructor(private readonly options: RemoteOptions) {
    this.endpoints = endpointList(options.endpoints);
    this.log = options.logger ?? silentLogger;
  }

  async run(command: string | readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (this.closed) throw new SshError('VCSPVM_SSH_ABORTED', { what: 'command', reason: 'the remote was closed' });
    // Checked here as a direct run would (NUL in an argument), before anything is sent.
    const line = typeof command === 'string' ? command : buildCommand(command);
    const use = this.brokerUse();
    let start = false;
    if (use) {
      const display = opts.sensitive ? '[redacted]' : line.length > 500 ? `${line.slice(0, 497)}...` : line;
      const aborted = (): SshError => new SshError('VCSPVM_SSH_ABORTED', { what: `command ${display}`, reason: reasonOf(opts.signal?.reason) });
      if (opts.signal?.aborted) throw aborted();
      const attempt = await brokerRun(use.target, this.request(command, opts), { guardMs: this.guardMs(opts), signal: opts.signal, onAbort: aborted });
      const outcome = this.settle(attempt, use, display, opts);
      if (outcome !== 'direct' && outcome !== 'start') return outcome;
      start = outcome === 'start';
    }
    const starting = start && use ? this.startBroker(use) : undefined;
    try {
      return await (await this.directRemote()).run(typeof command === 'string' ? line : command, opts);
    } finally {
      // The broker must be spawned before this process may exit.
      if (starting) await starting;
    }
  }

  /** What a broker attempt means: the result, an error thrown, or a direct run (and whether to start a broker). */
  private settle(attempt: BrokerAttempt, use: BrokerUse, display: string, opts: RunOptions): RunResult | 'direct' | 'start' {
    const socket = use.target.files.socket;
    switch (attempt.kind) {
      case 'reply': {
        for (const r of attempt.reply.logs ?? []) {
          const fn = this.log[r.level];
          if (typeof fn === 'function') fn.call(this.log, { ...r.fields, broker: attempt.pid }, r.message);
        }
        if (attempt.reply.op === 'result') return attempt.reply.result;
        throw decodeError(attempt.reply.error);
      }
      case 'lost':
        if (!opts.idempotent) {
          const e = brokerLostError(use.target.files, `command ${display}`, attempt.reason);
          this.log.error({ socket, broker: attempt.pid, command: display, reason: attempt.reason }, 'ssh: the connection broker went away during a command that is not idempotent; not sent again');
          throw e;
        }
        this.log.warn({ socket, broker: attempt.pid, command: display, reason: attempt.reason }, 'ssh: the connection broker went away during the command; running it directly');
        return 'start';
      case 'older':
        this.log.info({ socket, broker: attempt.pid }, 'ssh: a connection broker of an older build retires; starting one of this build');
        return 'start';
      case 'absent':
        this.log.debug({ socket, reason: attempt.reason }, 'ssh: no connection broker; running directly');
        return 'start';
      case 'unusable':
        if (!warned.has(socket)) {
          warned.add(socket);
          this.log.warn({ socket, reason: attempt.reason }, 'ssh: connection broker not used; running directly');
        }
        return 'direct';
    }
  }

  private tunables(): ConnectionTunables {
    const o = this.options;
    const t: ConnectionTunables = {};
    for (const k of ['connectTimeoutMs', 'readyTimeoutMs', 'maxChannels', 'keepaliveIntervalMs', 'keepaliveCountMax', 'failbackMs'] as const) {
      const v = o[k];
      if (typeof v === 'number' && Number.isFinite(v)) t[k] = Math.max(0, Math.round(v));
    }
    return t;
  }

  private request(command: string | readonly string[], opts: RunOptions): RunRequest {
    const o = this.options;
    const timeoutMs = opts.timeoutMs ?? o.commandTimeoutMs;
    const maxOutputBytes = opts.maxOutputBytes ?? o.maxOutputBytes;
    return {
      op: 'run',
      endpoints: [...this.endpoints],
      connection: this.tunables(),
      ...(typeof command === 'string' ? { command } : { argv: [...command] }),
      ...(timeoutMs !== undefined ? { timeoutMs: Math.max(1, Math.ceil(timeoutMs)) } : {}),
      ...(maxOutputBytes !== undefined ? { maxOutputBytes: Math.max(0, Math.floor(maxOutputBytes)) } : {}),
      ...(opts.idempotent !== undefined ? { idempotent: opts.idempotent } : {}),
      ...(opts.sensitive !== undefined ? { sensitive: opts.sensitive } : {}),
    };
  }

  /** How long to wait for a broker that says nothing: the command's own bounds, and then some. */
  private guardMs(opts: RunOptions): number {
    const o = this.options;
    // Generous: the ssh config may set a longer ConnectTimeout than we know of here.
    const perEndpoint = (o.connectTimeoutMs ?? 60_000) + (o.readyTimeoutMs ?? 15_000);
    return (opts.timeoutMs ?? o.commandTimeoutMs ?? 60_000) * (opts.idempotent ? this.endpoints.length : 1) + perEndpoint * this.endpoints.length + 5_000;
  }

  /** Whether and how to use a broker (decided once per Remote). */
  private brokerUse(): BrokerUse | null {
    if (this.broker !== undefined) return this.broker;
    this.broker = null;
    const o = this.options;
    if (!o.persist || o.password !== undefined) return null;
    const env = o.env ?? process.env;
    const setting = persistSetting(env);
    if (setting.off) return null;
    const p = typeof o.persist === 'object' ? o.persist : {};
    const { files, profile } = brokerTargetOf(o, env);
    if (files.socket.length > MAX_SOCKET_PATH) {
      if (!warned.has(files.socket)) {
        warned.add(files.socket);
        this.log.warn({ socket: files.socket }, `ssh: connection broker not used: the socket path is longer than ${MAX_SOCKET_PATH} bytes (set VCS_REMOTE_DIR to a shorter directory)`);
      }
      return null;
    }
    const script = p.brokerScript ?? defaultBrokerScript();
    const stamp = buildStamp(script);
    if (stamp === undefined) {
      this.log.debug({ script }, 'ssh: no connection broker program here; commands run directly');
      return null;
    }
    this.broker = { target: { files, profile, stamp }, script, idleMs: p.idleTimeoutMs ?? setting.idleMs ?? DEFAULT_IDLE_MS, env };
    return this.broker;
  }

  /** Starts a detached broker for the next process (at most one per socket at a time). */
  private async startBroker(use: BrokerUse): Promise<void> {
    const f = use.target.files;
    if (Date.now() - (started.get(f.socket) ?? -Infinity) < STARTING_FRESH_MS) return;
    started.set(f.socket, Date.now());
    try {
      checkPrivateDir(f.dir, true);
      if (ageMs(f.failed) < FAILED_BACKOFF_MS) {
        this.log.debug({ socket: f.socket, file: f.failed }, 'ssh: a connection broker failed to start less than a minute ago; not trying again yet');
        return;
      }
      if (!claim(f.starting)) return;
      const { spawn } = await import('node:child_process');
      const warm = JSON.stringify({ endpoints: this.endpoints, connection: this.tunables() });
      const idle = String(Math.max(1, Math.round(use.idleMs / 1000)));
      // The profile and the endpoints go in the environment, which only this user can read (ps shows argv to all).
      const child = spawn(process.execPath, [use.script, '--socket', f.socket, '--stamp', String(use.target.stamp), '--idle', idle, '--log', f.log], {
        detached: true,
        stdio: 'ignore',
        env: { ...(use.env as NodeJS.ProcessEnv), [PROFILE_ENV]: use.target.profile, [WARM_ENV]: warm },
        cwd: '/',
      });
      child.on('error', (e) => this.log.warn({ socket: f.socket, reason: e.message }, 'ssh: cannot start a connection broker'));
      child.unref();
      this.log.info({ socket: f.socket, pid: child.pid, idleSeconds: Number(idle) }, 'ssh: started a connection broker');
    } catch (e) {
      this.log.warn({ socket: f.socket, reason: e instanceof Error ? e.message : String(e) }, 'ssh: cannot start a connection broker; commands run directly');
    }
  }

  private async directRemote(): Promise<DirectRemote> {
    if (!this.direct) {
      const { persist: _persist, ...rest } = this.options;
      this.direct = (await loadDirect()).createDirectRemote(rest);
    }
    return this.direct;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.direct?.close();
  }
}

function reasonOf(e: unknown): string {
  if (e === undefined) return 'aborted';
  return e instanceof Error ? e.message : String(e);
}

/** Milliseconds since `path` was modified; Infinity when it does not exist. */
function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

/** Creates `path` exclusively (an announcement that we start the broker); false when a fresh one exists. */
function claim(path: string): boolean {
  for (let i = 0; i < 2; i++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    if (ageMs(path) < STARTING_FRESH_MS) return false;
    try {
      unlinkSync(path);
    } catch {
      // Someone else cleared it.
    }
  }
  return false;
}
