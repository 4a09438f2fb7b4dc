/**
 * serveRemote(): the connection broker. A long-lived process of one user
 * keeps framework/remote's pooled SSH connections and runs commands for the
 * other processes of that user on a Unix socket (broker-protocol.ts), like
 * OpenSSH's ControlMaster with ControlPersist.
 *
 * - One broker per socket: a lock file while it claims the socket, a live
 *   broker is never displaced (VCSPVM_SSH_BROKER_BUSY), a stale socket is
 *   removed.
 * - Owner-only: the socket directory must be ours and 0700 (else refused), the
 *   socket is 0600, and every client first proves it can read the 0600 token
 *   file (Node has no peer-credential call; the token is checked instead).
 * - The same code as a direct connection: hosts are resolved with the ssh
 *   config and verified against known_hosts with the settings the broker was
 *   started with (its profile); a request cannot change them.
 * - Cancellation: a client that closes its connection (timeout, abort, exit)
 *   aborts its command here too.
 * - Lifecycle: exits after idleTimeoutMs without a command, when its socket
 *   is removed or taken over, or when a client of a newer build (or `retire`)
 *   asks; in-flight commands finish first.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, closeSync, lstatSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { SshError } from '../errors.js';
import { checkPrivateDir, filesOfSocket, profileText, type BrokerFiles, type BrokerProfile, type Env } from './broker-paths.js';
import {
  LineReader,
  MAX_LOG_RECORDS,
  MAX_REQUEST_BYTES,
  PROTOCOL_VERSION,
  encodeError,
  parseHello,
  parseRunRequest,
  type ConnectionTunables,
  type Hello,
  type HelloRefusal,
  type HelloReply,
  type LogRecord,
  type PingReply,
  type RunReply,
  type RunRequest,
} from './broker-protocol.js';
import { createDirectRemote, type DirectRemote } from './direct.js';
import { silentLogger, type Logger } from './logger.js';
import { buildCommand } from './quote.js';
import type { Endpoint } from './types.js';
import { isProcessAlive as isAlive } from '../process.js';
import { SSH_HOME_ENV } from './ssh-home.js';

export interface ServeRemoteOptions {
  /** The socket path, `<dir>/<name>.sock`; dir must be ours and 0700 (created so when missing). */
  socket: string;
  /** The security settings every connection of this broker uses. */
  profile: BrokerProfile;
  /** This build's stamp (broker-paths.ts buildStamp); clients of a newer build make it retire. */
  stamp: number;
  /** Exit after this long without a command. */
  idleTimeoutMs: number;
  logger?: Logger;
  /** Environment for ssh config expansion; the SSH home (VCS_REMOTE_HOME), USER, LOGNAME and SSH_AUTH_SOCK come from the profile. Default process.env. */
  env?: Env;
  /** Connect to these endpoints at once, so that the first client finds the connection open. */
  warm?: { endpoints: Endpoint[]; connection: ConnectionTunables };
  /** How often the socket is checked to still be ours. Default 5 s. */
  watchIntervalMs?: number;
}

export type StopReason = 'idle' | 'retired' | 'socket-gone' | 'closed';

export interface RemoteServer {
  readonly socket: string;
  readonly pid: number;
  /** Resolves once the broker has stopped serving and closed its connections. */
  readonly stopped: Promise<StopReason>;
  /** Stops now: refuses new commands, waits for running ones, closes the connections. */
  close(reason?: StopReason): Promise<StopReason>;
}

/** A lock older than this whose holder is gone was left by a crash. */
const LOCK_STALE_MS = 10_000;
/** A client that says nothing is dropped after this. */
const HELLO_TIMEOUT_MS = 10_000;
const MAX_CLIENTS = 512;
/** A broker outlives the processes it serves: back to the first endpoint a minute after moving away from it. */
const BROKER_FAILBACK_MS = 60_000;
/** Remote objects kept, one per endpoint list and connection settings. */
const MAX_REMOTES = 64;

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? String(e);
}

/** True when something accepts connections on `socket`. */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = connect(socket);
    const t = setTimeout(() => {
      c.destroy();
      resolve(true); // accepted TCP-like but silent: a live, busy broker
    }, 2000);
    c.on('connect', () => {
      clearTimeout(t);
      c.destroy();
      resolve(true);
    });
    c.on('error', () => {
      clearTimeout(t);
      resolve(false);
    });
  });
}

/** Takes `<name>.lock` (O_EXCL), breaking one left by a dead holder. */
function takeLock(files: BrokerFiles): () => void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(files.lock, 'wx', 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(files.lock, 'utf8').trim() === String(process.pid)) unlinkSync(files.lock);
        } catch {
          // Already gone.
        }
      };
    } catch (e) {
      if (errno(e) !== 'EEXIST') throw new SshError('VCSPVM_SSH_BROKER_UNSAFE', { path: files.lock, reason: `cannot be created (${errno(e)})` });
    }
    let holder = 0;
    let age = 0;
    let ino = 0;
    try {
      const st = statSync(files.lock);
      holder = Number(readFileSync(files.lock, 'utf8').trim());
      age = Date.now() - st.mtimeMs;
      ino = st.ino;
    } catch {
      continue; // released meanwhile: try again
    }
    // An empty lock is one its holder has created but not yet written: it is
    // live until it is old. Only a dead holder's lock, or an old one, is broken.
    const dead = Number.isInteger(holder) && holder > 0 && !isAlive(holder);
    if (!dead && age < LOCK_STALE_MS) throw new SshError('VCSPVM_SSH_BROKER_BUSY', { socket: files.socket });
    removeIfSame(files.lock, ino); // not a lock another starter took meanwhile
  }
  throw new SshError('VCSPVM_SSH_BROKER_BUSY', { socket: files.socket });
}

function removeIfSame(path: string, ino: number | undefined): void {
  if (ino === undefined) return;
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch {
    // Already gone.
  }
}

export async function serveRemote(o: ServeRemoteOptions): Promise<RemoteServer> {
  const log = o.logger ?? silentLogger;
  const files = filesOfSocket(o.socket);
  checkPrivateDir(files.dir, true);
  const profile = profileText(o.profile);

  const release = takeLock(files);
  let server: Server;
  let socketIno: number | undefined;
  let tokenIno: number | undefined;
  const token = randomBytes(32).toString('hex');
  try {
    let st;
    try {
      st = lstatSync(files.socket);
    } catch {
      st = undefined;
    }
    if (st) {
      if (!st.isSocket()) throw new SshError('VCSPVM_SSH_BROKER_UNSAFE', { path: files.socket, reason: 'exists and is not a socket' });
      if (await answers(files.socket)) throw new SshError('VCSPVM_SSH_BROKER_BUSY', { socket: files.socket });
      log.info({ socket: files.socket }, 'broker: removing a stale socket');
      unlinkSync(files.socket);
    }
    // The token first (atomically), then the socket: a client that reaches the socket finds the token.
    const tmp = `${files.token}.${process.pid}`;
    writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'w' });
    renameSync(tmp, files.token);
    tokenIno = lstatSync(files.token).ino;
    server = createServer();
    await new Promise<void>((resolve, reject) => {
      // Another broker bound the socket first: it serves, this one gives way.
      const failed = (e: Error) => reject(errno(e) === 'EADDRINUSE' ? new SshError('VCSPVM_SSH_BROKER_BUSY', { socket: files.socket }) : e);
      server.once('error', failed);
      server.listen(files.socket, () => {
        server.off('error', failed);
        resolve();
      });
    });
    // The directory already keeps others out; the mode says so too.
    try {
      chmodSync(files.socket, 0o600);
    } catch {
      // Some systems do not let a socket's mode be changed; the directory is what protects it.
    }
    socketIno = lstatSync(files.socket).ino;
  } catch (e) {
    // Leave no token (or socket) of a broker that does not serve.
    removeIfSame(files.token, tokenIno);
    throw e;
  } finally {
    release();
  }
  for (const done of [files.failed, files.starting]) {
    try {
      unlinkSync(done);
    } catch {
      // Not there.
    }
  }
  return new Broker(o, files, profile, token, server, socketIno, tokenIno, log).start();
}

/** Log records of the command being served, for the client's own log. */
const requestLogs = new AsyncLocalStorage<LogRecord[]>();

function routingLogger(base: Logger): Logger {
  const at =
    (level: LogRecord['level']) =>
    (fields: Record<string, unknown>, message: string): void => {
      base[level](fields, message);
      const records = requestLogs.getStore();
      if (records && records.length < MAX_LOG_RECORDS) records.push({ level, message, fields });
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

class Broker implements RemoteServer {
  readonly pid = process.pid;
  readonly socket: string;
  readonly stopped: Promise<StopReason>;
  private resolveStopped!: (r: StopReason) => void;
  private readonly remotes = new Map<string, DirectRemote>();
  private readonly clients = new Set<Socket>();
  private readonly routed: Logger;
  private readonly env: Env;
  private active = 0;
  private served = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private stopping: StopReason | undefined;
  private readonly tokenBuf: Buffer;

  constructor(
    private readonly o: ServeRemoteOptions,
    private readonly files: BrokerFiles,
    private readonly profile: string,
    token: string,
    private readonly server: Server,
    private readonly socketIno: number | undefined,
    private readonly tokenIno: number | undefined,
    private readonly log: Logger,
  ) {
    this.socket = files.socket;
    this.tokenBuf = Buffer.from(token);
    this.routed = routingLogger(log);
    const p = o.profile;
    const base = o.env ?? process.env;
    const env: Record<string, string | undefined> = { ...base };
    for (const [k, v] of [[SSH_HOME_ENV, p.home], ['USER', p.user], ['LOGNAME', p.logname], ['SSH_AUTH_SOCK', p.sshAuthSock]] as const) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    this.env = env;
    this.stopped = new Promise((r) => (this.resolveStopped = r));
  }

  start(): this {
    this.server.on('connection', (c) => this.accept(c));
    this.server.on('error', (e) => this.log.error({ reason: e.message }, 'broker: socket error'));
    this.armIdle();
    const every = this.o.watchIntervalMs ?? 5000;
    this.watchTimer = setInterval(() => this.watchSocket(), every);
    this.log.info({ socket: this.files.socket, pid: this.pid, stamp: this.o.stamp, idleSeconds: Math.round(this.o.idleTimeoutMs / 1000) }, 'broker: serving');
    if (this.o.warm) void this.warm(this.o.warm);
    return this;
  }

  private async warm(w: NonNullable<ServeRemoteOptions['warm']>): Promise<void> {
    try {
      const ok = await this.remoteFor(w.endpoints, w.connection).connect();
      this.log.info({ endpoints: w.endpoints.map((e) => e.host) }, ok ? 'broker: connected ahead of the first command' : 'broker: no endpoint accepted a connection ahead of the first command');
    } catch (e) {
      this.log.warn({ reason: (e as Error).message }, 'broker: cannot connect ahead of the first command');
    }
  }

  /** Our socket must still be there, and still ours: otherwise nobody can reach us any more. */
  private watchSocket(): void {
    let ino: number | undefined;
    try {
      ino = lstatSync(this.files.socket).ino;
    } catch {
      ino = undefined;
    }
    if (ino !== this.socketIno) {
      this.log.info({ socket: this.files.socket }, 'broker: the socket was removed or replaced; exiting');
      void this.close('socket-gone');
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    if (this.active > 0 || this.stopping) return;
    this.idleTimer = setTimeout(() => {
      this.log.info({ idleSeconds: Math.round(this.o.idleTimeoutMs / 1000), served: this.served }, 'broker: idle; exiting');
      void this.close('idle');
    }, this.o.idleTimeoutMs);
  }

  private remoteFor(endpoints: Endpoint[], connection: ConnectionTunables): DirectRemote {
    const key = JSON.stringify([endpoints.map((e) => [e.host, e.user ?? null, e.port ?? null]), connection]);
    let r = this.remotes.get(key);
    if (r) {
      // Most recently used last: the oldest goes first when there are too many.
      this.remotes.delete(key);
      this.remotes.set(key, r);
      return r;
    }
    const p = this.o.profile;
    r = createDirectRemote({
      endpoints,
      logger: this.routed,
      env: this.env,
      ...(p.sshConfigPath !== null ? { sshConfigPath: p.sshConfigPath } : {}),
      ...(p.knownHostsPath !== null ? { knownHostsPath: p.knownHostsPath } : {}),
      ...(p.strictHostKeyChecking !== null ? { strictHostKeyChecking: p.strictHostKeyChecking as 'yes' } : {}),
      ...(p.identityFiles !== null ? { identityFiles: p.identityFiles } : {}),
      ...(p.agent !== null ? { agent: p.agent } : {}),
      ...connection,
      failbackMs: connection.failbackMs ?? BROKER_FAILBACK_MS,
    });
    this.remotes.set(key, r);
    if (this.remotes.size > MAX_REMOTES) {
      const [oldKey, old] = this.remotes.entries().next().value as [string, DirectRemote];
      this.remotes.delete(oldKey);
      void old.close();
    }
    return r;
  }

  private accept(c: Socket): void {
    if (this.clients.size >= MAX_CLIENTS || this.stopping) {
      c.destroy();
      return;
    }
    this.clients.add(c);
    c.on('error', () => undefined);
    c.on('close', () => this.clients.delete(c));
    const reader = new LineReader(MAX_REQUEST_BYTES);
    const lines: string[] = [];
    const timer = setTimeout(() => c.destroy(), HELLO_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      try {
        lines.push(...reader.push(chunk));
      } catch {
        c.destroy();
        return;
      }
      if (lines.length < 2) return;
      clearTimeout(timer);
      c.off('data', onData);
      void this.handle(c, lines[0]!, lines[1]!);
    };
    c.on('data', onData);
  }

  private helloReply(ok: boolean, reason?: HelloRefusal): string {
    const r: HelloReply = { op: 'hello', ok, protocol: PROTOCOL_VERSION, stamp: this.o.stamp, pid: this.pid, ...(reason ? { reason } : {}) };
    return `${JSON.stringify(r)}\n`;
  }

  private refuse(c: Socket, reason: HelloRefusal, detail: string): void {
    this.log.warn({ reason, detail }, 'broker: client refused');
    c.end(this.helloReply(false, reason));
  }

  private async handle(c: Socket, helloLine: string, requestLine: string): Promise<void> {
    let hello: Hello | string;
    let request: unknown;
    try {
      hello = parseHello(JSON.parse(helloLine));
      request = JSON.parse(requestLine);
    } catch {
      return this.refuse(c, 'protocol', 'not JSON');
    }
    if (typeof hello === 'string') return this.refuse(c, 'protocol', hello);
    const given = Buffer.from(hello.token);
    if (given.length !== this.tokenBuf.length || !timingSafeEqual(given, this.tokenBuf)) return this.refuse(c, 'token', 'the token does not match');
    const op = (request as { op?: unknown } | null)?.op;
    if (op === 'ping' || op === 'retire') {
      c.write(this.helloReply(true));
      c.end(`${JSON.stringify(this.pong())}\n`);
      if (op === 'retire') {
        this.log.info({}, 'broker: asked to retire');
        void this.close('retired');
      }
      return;
    }
    if (this.stopping) return this.refuse(c, 'retiring', `stopping (${this.stopping})`);
    if (hello.stamp > this.o.stamp) {
      this.refuse(c, 'older', `a client of a newer build (stamp ${hello.stamp} > ${this.o.stamp})`);
      void this.close('retired');
      return;
    }
    if (hello.protocol !== PROTOCOL_VERSION) return this.refuse(c, 'protocol', `protocol ${hello.protocol}, not ${PROTOCOL_VERSION}`);
    if (hello.profile !== this.profile) return this.refuse(c, 'profile', 'the client uses other SSH settings');
    const req = parseRunRequest(request);
    if (typeof req === 'string') {
      c.write(this.helloReply(true));
      const reply: RunReply = { op: 'error', error: encodeError(new SshError('VCSPVM_SSH_BROKER_PROTOCOL', { socket: this.files.socket, detail: req })), logs: [] };
      c.end(`${JSON.stringify(reply)}\n`);
      return;
    }
    c.write(this.helloReply(true));
    await this.run(c, req);
  }

  private pong(): PingReply {
    return { op: 'pong', pid: this.pid, stamp: this.o.stamp, protocol: PROTOCOL_VERSION, active: this.active, served: this.served, socket: this.files.socket };
  }

  private async run(c: Socket, req: RunRequest): Promise<void> {
    this.active++;
    this.served++;
    this.armIdle();
    const ac = new AbortController();
    const gone = (): void => ac.abort(new Error('the client went away'));
    c.once('close', gone);
    const logs: LogRecord[] = [];
    let reply: RunReply;
    try {
      const command = req.argv ? buildCommand(req.argv) : req.command!;
      const remote = this.remoteFor(req.endpoints, req.connection);
      const result = await requestLogs.run(logs, () =>
        remote.run(command, {
          signal: ac.signal,
          ...(req.timeoutMs !== undefined ? { timeoutMs: req.timeoutMs } : {}),
          ...(req.maxOutputBytes !== undefined ? { maxOutputBytes: req.maxOutputBytes } : {}),
          ...(req.idempotent !== undefined ? { idempotent: req.idempotent } : {}),
          ...(req.sensitive !== undefined ? { sensitive: req.sensitive } : {}),
        }),
      );
      reply = { op: 'result', result, logs };
    } catch (e) {
      reply = { op: 'error', error: encodeError(e), logs };
    } finally {
      c.off('close', gone);
      this.active--;
    }
    if (!c.destroyed) c.end(`${JSON.stringify(reply)}\n`);
    this.armIdle();
    if (this.stopping && this.active === 0) this.finishClose();
  }

  private closing: Promise<StopReason> | undefined;

  close(reason: StopReason = 'closed'): Promise<StopReason> {
    if (this.stopping) return this.stopped;
    this.stopping = reason;
    clearTimeout(this.idleTimer);
    clearInterval(this.watchTimer);
    // Nobody new reaches us; a successor may bind the path at once.
    this.server.close();
    removeIfSame(this.files.socket, this.socketIno);
    removeIfSame(this.files.token, this.tokenIno);
    if (this.active === 0) this.finishClose();
    return this.stopped;
  }

  private finishClose(): void {
    if (this.closing) return;
    const reason = this.stopping ?? 'closed';
    this.closing = (async () => {
      for (const c of this.clients) c.destroy();
      // The last user of a pooled connection closes it.
      await Promise.all([...this.remotes.values()].map((r) => r.close()));
      this.log.info({ reason, served: this.served }, 'broker: stopped');
      this.resolveStopped(reason);
      return reason;
    })();
  }
}
