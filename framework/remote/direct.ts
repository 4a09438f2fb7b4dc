/**
 * createRemote(): commands on a device reachable over SSH at one of several
 * redundant endpoints (VCS's MCName/MCUser pairs for HMCs).
 *
 * Endpoints are tried in order, the last one that worked first. Connections
 * live in one process-wide pool (one per endpoint and credentials), so any
 * number of Remote objects in a process share them. An endpoint that refuses,
 * is unreachable, or accepts TCP but never completes the SSH handshake is
 * passed over within connectTimeoutMs + readyTimeoutMs. A command the server
 * certainly did not start (the connection had dropped between commands, a
 * channel was refused) is sent again after a reconnect or on the next
 * endpoint; a command that may have started is only sent again elsewhere when
 * the caller marked it idempotent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hostname as osHostname, userInfo } from 'node:os';
import { SshError, VcsPowervmError } from '../errors.js';
import { ExecFailure, SshConnection, reasonText, type ConnectionTarget, type ExecResult } from './connection.js';
import { knownHostsName } from './known-hosts.js';
import { silentLogger, type Logger } from './logger.js';
import { buildCommand } from './quote.js';
import { SshConfig, expandTilde, type LocalContext, type ResolvedHost, type StrictHostKeyChecking } from './ssh-config.js';

export interface Endpoint {
  /** Host name, address, or a Host alias of the ssh config. */
  host: string;
  /** Login user; default: the ssh config's User, else the local user. */
  user?: string;
  /** Default: the ssh config's Port, else 22. */
  port?: number;
}

export interface RemoteOptions {
  /** Tried in order (the last one that worked in this process first). */
  endpoints: readonly Endpoint[] | Endpoint;
  logger?: Logger;
  /** ssh_config file (as `ssh -F`; `'none'` for none). Default ~/.ssh/config then /etc/ssh/ssh_config. */
  sshConfigPath?: string;
  /** A known_hosts file used instead of UserKnownHostsFile and GlobalKnownHostsFile; accept-new appends here. */
  knownHostsPath?: string;
  /** Overrides the ssh config's StrictHostKeyChecking (default yes; `ask` is yes). */
  strictHostKeyChecking?: StrictHostKeyChecking;
  /** Private key files tried before the ssh config's IdentityFile list (as `ssh -i`). */
  identityFiles?: readonly string[];
  /** ssh-agent socket; `false` to use no agent. Default: IdentityAgent, else $SSH_AUTH_SOCK. */
  agent?: string | false;
  /** Password authentication, only when given here. Never logged. */
  password?: string;
  /** TCP connect bound. Default: ConnectTimeout from the ssh config, else 10 s. */
  connectTimeoutMs?: number;
  /** SSH handshake and login bound, after TCP connected. Default 15 s. */
  readyTimeoutMs?: number;
  /** Per-command bound (channel wait, run, output). Default 60 s. */
  commandTimeoutMs?: number;
  /** Per-stream output cap; beyond it output is dropped and `truncated` set. Default 16 MiB. */
  maxOutputBytes?: number;
  /** Concurrent channels per connection (OpenSSH's MaxSessions default is 10). Default 8. */
  maxChannels?: number;
  /** SSH keepalive interval; 0 turns it off. Default: ServerAliveInterval, else 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection is dropped. Default: ServerAliveCountMax, else 3. */
  keepaliveCountMax?: number;
  /** Environment for HOME, USER and SSH_AUTH_SOCK. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  maxOutputBytes?: number;
  /** Safe to run twice: may be sent to the next endpoint after the connection was lost mid-command or it timed out. */
  idempotent?: boolean;
  /** Log `[redacted]` instead of the command line (it carries a secret). */
  sensitive?: boolean;
}

/** The endpoint that ran a command. */
export interface ServedBy {
  /** As given in `endpoints`. */
  host: string;
  /** Where we connected, after the ssh config. */
  hostname: string;
  port: number;
  user: string;
  /** Position in `endpoints`. */
  index: number;
}

export interface RunResult extends ExecResult {
  endpoint: ServedBy;
}

export interface Remote {
  /** Runs `command` (a command line, or argv quoted with buildCommand) on the first endpoint that works. */
  run(command: string | readonly string[], options?: RunOptions): Promise<RunResult>;
  readonly endpoints: readonly Endpoint[];
  /** Releases this Remote's connections; the last user of a connection closes it. */
  close(): Promise<void>;
}

/** Why one endpoint did not serve a command. */
export interface EndpointFailure {
  endpoint: string;
  error: VcsPowervmError;
}

/** Every endpoint failed: `failures` says why each one did, in the order tried. */
export class NoEndpointError extends SshError {
  constructor(readonly failures: EndpointFailure[]) {
    super('VCSPVM_SSH_NO_ENDPOINT', {
      detail: failures.length === 0 ? 'no endpoint configured' : failures.map((f) => `${f.endpoint}: ${f.error.message}`).join('; '),
    });
  }
}

const DEFAULTS = {
  connectTimeoutMs: 10_000,
  readyTimeoutMs: 15_000,
  commandTimeoutMs: 60_000,
  maxOutputBytes: 16 * 1024 * 1024,
  maxChannels: 8,
  keepaliveIntervalMs: 15_000,
  keepaliveCountMax: 3,
};

/* ---------- process-wide state ---------- */

interface PoolEntry {
  connection: SshConnection;
  users: Set<RemoteImpl>;
}

const pool = new Map<string, PoolEntry>();
/** Endpoint list → index of the endpoint that last worked. */
const preferred = new Map<string, number>();
/** Salt for password digests in pool keys: passwords themselves are never kept in keys. */
const keySalt = randomBytes(16);

/** Closes every pooled connection (clean process exit). */
export async function closeAllConnections(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  await Promise.all(entries.map((e) => e.connection.close()));
}

export function createRemote(options: RemoteOptions): Remote {
  return new RemoteImpl(options);
}

interface ResolvedEndpoint {
  index: number;
  endpoint: Endpoint;
  target: ConnectionTarget;
  key: string;
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
}

class RemoteImpl implements Remote {
  readonly endpoints: readonly Endpoint[];
  private readonly log: Logger;
  private readonly listKey: string;
  private resolved: ResolvedEndpoint[] | undefined;
  private closed = false;

  constructor(private readonly options: RemoteOptions) {
    const list = Array.isArray(options.endpoints) ? options.endpoints : [options.endpoints as Endpoint];
    this.endpoints = list.map((e) => ({ ...e }));
    this.log = options.logger ?? silentLogger;
    this.listKey = JSON.stringify(this.endpoints.map((e) => [e.host, e.user ?? null, e.port ?? null]));
    for (const e of this.endpoints) {
      if (typeof e.host !== 'string' || e.host === '' || /[\s\0]/.test(e.host) || e.host.startsWith('-')) {
        throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'SSH host', value: JSON.stringify(String(e.host)), reason: 'not a host name or address' });
      }
      if (e.port !== undefined && !(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535)) {
        throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'SSH port', value: String(e.port), reason: 'expected 1-65535' });
      }
    }
  }

  async run(command: string | readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    if (this.closed) throw new SshError('VCSPVM_SSH_ABORTED', { what: 'command', reason: 'the remote was closed' });
    const line = typeof command === 'string' ? command : buildCommand(command);
    const display = opts.sensitive ? '[redacted]' : shorten(line);
    const o = this.options;
    const timeoutMs = opts.timeoutMs ?? o.commandTimeoutMs ?? DEFAULTS.commandTimeoutMs;
    const maxOutputBytes = opts.maxOutputBytes ?? o.maxOutputBytes ?? DEFAULTS.maxOutputBytes;
    const resolved = this.resolve();
    if (resolved.length === 0) throw new NoEndpointError([]);

    const first = preferred.get(this.listKey) ?? 0;
    const order = [...resolved.slice(first), ...resolved.slice(0, first)];
    const failures: EndpointFailure[] = [];
    const aborted = (): SshError => new SshError('VCSPVM_SSH_ABORTED', { what: `command ${display}`, reason: reasonText(opts.signal?.reason) }, { cause: opts.signal?.reason });

    for (const ep of order) {
      let reconnected = false;
      for (;;) {
        if (opts.signal?.aborted) throw aborted();
        const conn = this.connectionFor(ep);
        try {
          await conn.ensureConnected({ connectTimeoutMs: ep.connectTimeoutMs, readyTimeoutMs: o.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs }, opts.signal);
        } catch (e) {
          if (opts.signal?.aborted) throw aborted();
          const error = asCoded(e, ep);
          failures.push({ endpoint: ep.target.label, error });
          this.log.warn({ endpoint: ep.target.label, code: error.code, reason: error.message }, 'ssh: endpoint unavailable; trying the next one');
          break;
        }
        this.log.debug({ endpoint: ep.target.label, command: display }, 'ssh: run');
        try {
          const r = await conn.exec({ command: line, display, timeoutMs, maxOutputBytes, ...(opts.signal ? { signal: opts.signal } : {}) });
          this.remember(ep);
          const endpoint: ServedBy = { host: ep.endpoint.host, hostname: ep.target.hostname, port: ep.target.port, user: ep.target.user, index: ep.index };
          this.log.debug({ endpoint: ep.target.label, command: display, code: r.code, signal: r.signal, ms: r.durationMs, truncated: r.truncated }, 'ssh: command finished');
          if (r.truncated) this.log.warn({ endpoint: ep.target.label, command: display, maxOutputBytes }, 'ssh: command output truncated');
          return { ...r, endpoint };
        } catch (e) {
          if (!(e instanceof ExecFailure)) throw e;
          if (e.error.code === 'VCSPVM_SSH_ABORTED') throw e.error;
          if (!e.started && e.connectionLost && !reconnected) {
            // The connection dropped between commands: nothing ran; reconnect and send it again.
            reconnected = true;
            this.log.info({ endpoint: ep.target.label, reason: e.error.message }, 'ssh: connection was lost; reconnecting');
            continue;
          }
          failures.push({ endpoint: ep.target.label, error: e.error });
          if (e.started && !opts.idempotent) {
            this.log.error({ endpoint: ep.target.label, command: display, code: e.error.code, reason: e.error.message }, 'ssh: command failed and may have run; not retried (not idempotent)');
            throw e.error;
          }
          this.log.warn({ endpoint: ep.target.label, command: display, code: e.error.code, reason: e.error.message }, 'ssh: command failed on this endpoint; trying the next one');
          if (preferred.get(this.listKey) === ep.index) preferred.delete(this.listKey);
          break;
        }
      }
    }
    const err = new NoEndpointError(failures);
    this.log.error({ command: display, failures: failures.map((f) => `${f.endpoint}: ${f.error.message}`) }, 'ssh: no endpoint could run the command');
    throw err;
  }

  private remember(ep: ResolvedEndpoint): void {
    const before = preferred.get(this.listKey);
    if (before !== ep.index) {
      preferred.set(this.listKey, ep.index);
      if (this.resolved!.length > 1) this.log.info({ endpoint: ep.target.label, index: ep.index }, 'ssh: endpoint in use');
    }
  }

  private connectionFor(ep: ResolvedEndpoint): SshConnection {
    let entry = pool.get(ep.key);
    if (!entry) {
      const o = this.options;
      entry = {
        connection: new SshConnection(ep.target, {
          keepaliveIntervalMs: ep.keepaliveIntervalMs,
          keepaliveCountMax: ep.keepaliveCountMax,
          maxChannels: o.maxChannels ?? DEFAULTS.maxChannels,
          logger: this.log,
        }),
        users: new Set(),
      };
      pool.set(ep.key, entry);
    }
    entry.users.add(this);
    return entry.connection;
  }

  /** Applies the ssh config to every endpoint, once. */
  private resolve(): ResolvedEndpoint[] {
    if (this.resolved) return this.resolved;
    const o = this.options;
    const env = o.env ?? process.env;
    const local = localContext(env);
    const config = new SshConfig({
      ...(o.sshConfigPath !== undefined ? { path: o.sshConfigPath } : {}),
      local,
      onNote: (note) => this.log.debug({ note }, 'ssh: config'),
    });
    this.resolved = this.endpoints.map((endpoint, index) => {
      const h = config.resolve({ host: endpoint.host, ...(endpoint.user !== undefined ? { user: endpoint.user } : {}), ...(endpoint.port !== undefined ? { port: endpoint.port } : {}) });
      return this.toResolved(endpoint, index, h, local, env);
    });
    return this.resolved;
  }

  private toResolved(endpoint: Endpoint, index: number, h: ResolvedHost, local: LocalContext, env: Readonly<Record<string, string | undefined>>): ResolvedEndpoint {
    const o = this.options;
    const explicitIds = (o.identityFiles ?? []).map((f) => expandTilde(f, local.home));
    const identityFiles = [...new Set(o.identityFiles ? [...explicitIds, ...(h.identityFilesConfigured ? h.identityFiles : [])] : h.identityFiles)];
    let agentSocket: string | undefined;
    if (o.agent !== undefined) agentSocket = o.agent === false ? undefined : o.agent;
    else if (h.identityAgent === null) agentSocket = undefined;
    else agentSocket = h.identityAgent ?? env.SSH_AUTH_SOCK;
    if (agentSocket === '') agentSocket = undefined;

    const target: ConnectionTarget = {
      label: `${h.user}@${endpoint.host}${h.port === 22 ? '' : `:${h.port}`}`,
      alias: endpoint.host,
      hostname: h.hostname,
      port: h.port,
      user: h.user,
      hostKeyName: knownHostsName(h.hostKeyAlias ?? h.hostname, h.port),
      userKnownHostsFiles: o.knownHostsPath !== undefined ? [expandTilde(o.knownHostsPath, local.home)] : h.userKnownHostsFiles,
      globalKnownHostsFiles: o.knownHostsPath !== undefined ? [] : h.globalKnownHostsFiles,
      strictHostKeyChecking: o.strictHostKeyChecking ?? h.strictHostKeyChecking,
      hashKnownHosts: h.hashKnownHosts,
      identityFiles,
      identitiesOnly: h.identitiesOnly,
      ...(agentSocket !== undefined ? { agentSocket } : {}),
      ...(o.password !== undefined ? { password: o.password } : {}),
    };
    const keepaliveIntervalMs = o.keepaliveIntervalMs ?? h.serverAliveIntervalMs ?? DEFAULTS.keepaliveIntervalMs;
    const keepaliveCountMax = o.keepaliveCountMax ?? h.serverAliveCountMax ?? DEFAULTS.keepaliveCountMax;
    const { password, ...rest } = target;
    const key = JSON.stringify({
      ...rest,
      label: undefined,
      password: password === undefined ? null : createHash('sha256').update(keySalt).update(password).digest('hex'),
    });
    return {
      index,
      endpoint,
      target,
      key,
      connectTimeoutMs: o.connectTimeoutMs ?? h.connectTimeoutMs ?? DEFAULTS.connectTimeoutMs,
      keepaliveIntervalMs,
      keepaliveCountMax,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing: Promise<void>[] = [];
    for (const [key, entry] of pool) {
      if (!entry.users.delete(this) || entry.users.size > 0) continue;
      pool.delete(key);
      closing.push(entry.connection.close());
    }
    await Promise.all(closing);
  }
}

function localContext(env: Readonly<Record<string, string | undefined>>): LocalContext {
  let info: { username: string; homedir: string; uid: number } | undefined;
  const osInfo = () => (info ??= safeUserInfo());
  return {
    home: env.HOME || osInfo().homedir,
    localUser: env.USER || env.LOGNAME || osInfo().username,
    localHost: osHostname(),
    uid: typeof process.getuid === 'function' ? process.getuid() : osInfo().uid,
    env,
  };
}

function safeUserInfo(): { username: string; homedir: string; uid: number } {
  try {
    const u = userInfo();
    return { username: u.username, homedir: u.homedir, uid: u.uid };
  } catch {
    return { username: 'unknown', homedir: '/', uid: -1 };
  }
}

function asCoded(e: unknown, ep: ResolvedEndpoint): VcsPowervmError {
  if (e instanceof VcsPowervmError) return e;
  return new SshError('VCSPVM_SSH_CONNECT', { host: ep.target.alias, port: ep.target.port, reason: reasonText(e) }, { cause: e });
}

function shorten(line: string): string {
  return line.length > 500 ? `${line.slice(0, 497)}...` : line;
}
