/**
 * Commands over SSH from this process (ssh2): what createRemote() runs when
 * no connection broker is used, and what the broker itself runs. Loaded on
 * first use, so a process served by a broker never loads it.
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
import { ExecFailure, SshConnection, reasonText, type ConnectionTarget } from './connection.js';
import { knownHostsName } from './known-hosts.js';
import { silentLogger, type Logger } from './logger.js';
import { buildCommand } from './quote.js';
import { SshConfig, expandTilde, type LocalContext, type ResolvedHost } from './ssh-config.js';
import { sshHome } from './ssh-home.js';
import { NoEndpointError, endpointList, type Endpoint, type EndpointFailure, type Remote, type RemoteOptions, type RunOptions, type RunResult, type ServedBy } from './types.js';

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
/** Endpoint list → the endpoint that last worked, and since when it is preferred. */
const preferred = new Map<string, { index: number; since: number }>();
/** Salt for password digests in pool keys: passwords themselves are never kept in keys. */
const keySalt = randomBytes(16);

/** Closes every pooled connection (clean process exit). */
export async function closeAllConnections(): Promise<void> {
  const entries = [...pool.values()];
  pool.clear();
  await Promise.all(entries.map((e) => e.connection.close()));
}

/** A Remote that connects from this process (never through a broker). */
export function createDirectRemote(options: RemoteOptions): DirectRemote {
  return new RemoteImpl(options);
}

export interface DirectRemote extends Remote {
  /** Connects to the first endpoint that accepts (in run()'s order) without running anything; false when none did. */
  connect(signal?: AbortSignal): Promise<boolean>;
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

class RemoteImpl implements DirectRemote {
  readonly endpoints: readonly Endpoint[];
  private readonly log: Logger;
  private readonly listKey: string;
  private resolved: ResolvedEndpoint[] | undefined;
  private closed = false;

  constructor(private readonly options: RemoteOptions) {
    this.endpoints = endpointList(options.endpoints);
    this.log = options.logger ?? silentLogger;
    this.listKey = JSON.stringify(this.endpoints.map((e) => [e.host, e.user ?? null, e.port ?? null]));
  }

  async connect(signal?: AbortSignal): Promise<boolean> {
    if (this.closed) return false;
    const resolved = this.resolve();
    const first = this.preferredIndex();
    for (const ep of [...resolved.slice(first), ...resolved.slice(0, first)]) {
      if (signal?.aborted) return false;
      try {
        await this.connectionFor(ep).ensureConnected({ connectTimeoutMs: ep.connectTimeoutMs, readyTimeoutMs: this.options.readyTimeoutMs ?? DEFAULTS.readyTimeoutMs }, signal);
        this.remember(ep);
        return true;
      } catch (e) {
        const error = asCoded(e, ep);
        this.log.warn({ endpoint: ep.target.label, code: error.code, reason: error.message }, 'ssh: endpoint unavailable; trying the next one');
      }
    }
    return false;
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

    const first = this.preferredIndex();
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
          if (preferred.get(this.listKey)?.index === ep.index) preferred.delete(this.listKey);
          break;
        }
      }
    }
    const err = new NoEndpointError(failures);
    this.log.error({ command: display, failures: failures.map((f) => `${f.endpoint}: ${f.error.message}`) }, 'ssh: no endpoint could run the command');
    throw err;
  }

  /** Where to start: the endpoint that last worked, until failbackMs has passed since we moved to it. */
  private preferredIndex(): number {
    const p = preferred.get(this.listKey);
    if (!p) return 0;
    const failback = this.options.failbackMs;
    if (p.index !== 0 && failback !== undefined && Date.now() - p.since >= failback) {
      preferred.delete(this.listKey);
      this.log.debug({ endpoint: this.endpoints[0]?.host, after: failback }, 'ssh: trying the endpoints in their configured order again');
      return 0;
    }
    return p.index;
  }

  private remember(ep: ResolvedEndpoint): void {
    const before = preferred.get(this.listKey);
    if (before?.index !== ep.index) {
      preferred.set(this.listKey, { index: ep.index, since: Date.now() });
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
    home: sshHome(env),
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
