/**
 * One SSH connection to one endpoint, shared by every command sent there.
 *
 * - Connecting is bounded twice: the TCP connect (connectTimeoutMs) and the
 *   SSH handshake through login (readyTimeoutMs), so a host that accepts TCP
 *   but never speaks is given up in bounded time.
 * - The host key is checked against known_hosts during key exchange, before
 *   any credential is sent.
 * - Commands run on their own channels, at most maxChannels at a time; more
 *   wait their turn. A server that refuses a channel while others are open
 *   has told us its limit (OpenSSH MaxSessions): the limit drops to what it
 *   accepted and the refused command waits instead of failing.
 * - Keepalives (keepalive@openssh.com, as ssh's ServerAliveInterval) find a
 *   dead peer; our timer never holds the event loop, and the socket is
 *   unref'd whenever no command is running, so a short-lived process exits
 *   when its work is done even if it forgot close().
 */
import { createConnection, type Socket } from 'node:net';
import type { AnyAuthMethod, AuthHandlerMiddleware, BaseAgent, Client, ClientChannel, ConnectConfig, ServerHostKeyAlgorithm } from 'ssh2';
import { SshError } from '../errors.js';
import { createAgent, loadIdentities, type LoadedIdentities } from './identities.js';
import { appendKnownHost, checkHostKey, keyTypeOf, knownKeyTypes, loadKnownHosts, type HostKeyVerdict, type KnownHosts } from './known-hosts.js';
import type { Logger } from './logger.js';
import type { StrictHostKeyChecking } from './ssh-config.js';
import type { ExecResult } from './types.js';
import { loadSsh2 } from './ssh2-lib.js';

export interface ConnectionTarget {
  /** `user@host:port` as the caller named the host, for logs and errors. */
  label: string;
  /** The name the caller gave. */
  alias: string;
  /** Where to connect. */
  hostname: string;
  port: number;
  user: string;
  /** The known_hosts name to look up (HostKeyAlias or hostname, `[h]:port` off 22). */
  hostKeyName: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  strictHostKeyChecking: StrictHostKeyChecking;
  hashKnownHosts: boolean;
  identityFiles: string[];
  identitiesOnly: boolean;
  /** ssh-agent socket, when one is to be used. */
  agentSocket?: string;
  password?: string;
}

export interface ConnectionSettings {
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  maxChannels: number;
  logger: Logger;
}

export interface ConnectTimeouts {
  connectTimeoutMs: number;
  readyTimeoutMs: number;
}

export interface ExecRequest {
  command: string;
  /** What logs and errors show for the command. */
  display: string;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
}

export type { ExecResult };

/**
 * Why a command did not complete, and whether it may have run: `started` is
 * false only when the server certainly did not start it.
 */
export class ExecFailure extends Error {
  constructor(
    readonly error: SshError,
    readonly started: boolean,
    /** The connection went away (the endpoint may still be fine after a reconnect). */
    readonly connectionLost: boolean,
  ) {
    super(error.message);
  }
}

/** Server host key algorithms ssh2 offers by default, most preferred first. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

/** Algorithms that prove possession of a key of this known_hosts type. */
function algorithmsForKeyType(type: string): string[] {
  return type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type];
}

/**
 * Channel-open failure reasons (RFC 4254 §5.1) that, while other channels are
 * open, mean "not now": OpenSSH answers MaxSessions with administratively
 * prohibited, ssh2-based servers with connect failed.
 */
const BUSY_REASONS = new Set([1, 2, 4]);

interface Waiter {
  resolve: () => void;
  reject: (e: ExecFailure) => void;
}

export class SshConnection {
  private client: Client | undefined;
  private socket: Socket | undefined;
  private connecting: Promise<void> | undefined;
  private identities: LoadedIdentities | undefined;
  private up = false;
  /** Set when a command timed out: the next user first checks that the peer answers. */
  private suspect = false;
  private lostReason = '';
  private active = 0;
  private limit: number;
  private readonly waiters: Waiter[] = [];
  private keepaliveTimer: NodeJS.Timeout | undefined;
  private keepalivesUnanswered = 0;
  private closed = false;
  /** Logins made by this connection object (a reconnect is a new login). */
  logins = 0;

  constructor(
    readonly target: ConnectionTarget,
    private readonly settings: ConnectionSettings,
  ) {
    this.limit = Math.max(1, settings.maxChannels);
  }

  get isUp(): boolean {
    return this.up;
  }

  /** Connects unless already connected; concurrent callers share one attempt. */
  async ensureConnected(timeouts: ConnectTimeouts, signal?: AbortSignal): Promise<void> {
    if (this.up && this.suspect) {
      const alive = await this.probe(Math.min(timeouts.readyTimeoutMs, Math.max(1000, this.settings.keepaliveIntervalMs)));
      if (alive) this.suspect = false;
      else this.drop('no answer to a keepalive after a command timed out');
    }
    if (this.up) return;
    this.connecting ??= this.connect(timeouts).finally(() => {
      this.connecting = undefined;
    });
    await raceAbort(this.connecting, signal, () => this.abortedError('connecting'));
  }

  private abortedError(what: string, reason?: unknown): SshError {
    return new SshError('VCSPVM_SSH_ABORTED', {
      what: `${what} to ${this.target.label}`,
      reason: reasonText(reason),
    });
  }

  private async connect(timeouts: ConnectTimeouts): Promise<void> {
    const { target, settings } = this;
    const log = settings.logger;
    const ssh2 = await loadSsh2();
    this.identities ??= await loadIdentities(target.identityFiles, log);
    const knownHosts = loadKnownHosts([...target.userKnownHostsFiles, ...target.globalKnownHostsFiles]);
    for (const s of knownHosts.skipped) log.debug({ file: s.file, line: s.line, reason: s.reason }, 'ssh: known_hosts line ignored');

    const socket = await tcpConnect(target, timeouts.connectTimeoutMs);
    const client = new ssh2.Client();
    let hostKeyError: SshError | undefined;

    const known = knownKeyTypes(knownHosts.entries, target.hostKeyName);
    const preferred = known.flatMap(algorithmsForKeyType).filter((a) => (HOST_KEY_ALGORITHMS as readonly string[]).includes(a));
    const serverHostKey = [...new Set([...preferred, ...HOST_KEY_ALGORITHMS])] as ServerHostKeyAlgorithm[];

    const hostVerifier = (key: Buffer, verify: (ok: boolean) => void): void => {
      this.verifyHostKey(key, knownHosts)
        .then(() => verify(true))
        .catch((e: unknown) => {
          hostKeyError = e instanceof SshError ? e : new SshError('VCSPVM_SSH_CONNECT', { host: target.alias, port: target.port, reason: reasonText(e) });
          verify(false);
        });
    };

    const auth = this.authMethods(await this.agentFor());
    if (auth.length === 0) {
      log.warn({ endpoint: target.label, identityFiles: target.identityFiles }, 'ssh: no usable identity, no agent and no password: authentication will fail');
    }
    let authExhausted = false;
    // ssh2 passes null before the server has listed its methods.
    const authHandler: AuthHandlerMiddleware = (methodsLeft: string[] | null, _partial, next): void => {
      while (auth.length > 0) {
        const m = auth.shift()!;
        const method = m.type === 'agent' ? 'publickey' : m.type;
        if (methodsLeft === null || methodsLeft.includes(method)) {
          log.debug({ endpoint: target.label, method: m.type, ...(m.type === 'publickey' ? { file: m.file } : {}) }, 'ssh: trying authentication');
          next(m.method);
          return;
        }
      }
      // false ends authentication (ssh2 accepts it; the typings do not say so).
      authExhausted = true;
      (next as (m: AnyAuthMethod | false) => void)(false);
    };

    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (e: SshError): void => {
        if (settled) return;
        settled = true;
        socket.destroy();
        reject(e);
      };
      client.on('error', (err: Error & { level?: string }) => {
        if (!settled) {
          // ssh2 reports an unusable agent or key and goes on with the next method: not fatal.
          if (err.level === 'agent' || (err.level === 'client-authentication' && !authExhausted)) {
            log.warn({ endpoint: target.label, reason: err.message }, err.level === 'agent' ? 'ssh: SSH agent unusable; trying other methods' : 'ssh: authentication method failed; trying the next one');
            return;
          }
          fail(hostKeyError ?? this.mapConnectError(err, timeouts));
          return;
        }
        this.lostReason = err.message;
        log.debug({ endpoint: target.label, reason: err.message }, 'ssh: connection error');
      });
      client.on('close', () => {
        if (!settled) fail(hostKeyError ?? new SshError('VCSPVM_SSH_CONNECT', { host: target.alias, port: target.port, reason: 'connection closed during the SSH handshake' }));
        this.onClosed(client);
      });
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        resolve();
      });
      const config: ConnectConfig = {
        sock: socket,
        username: target.user,
        readyTimeout: timeouts.readyTimeoutMs,
        keepaliveInterval: 0,
        hostVerifier,
        algorithms: { serverHostKey },
        authHandler,
      };
      try {
        client.connect(config);
      } catch (e) {
        fail(new SshError('VCSPVM_SSH_CONNECT', { host: target.alias, port: target.port, reason: reasonText(e) }));
      }
    });

    this.client = client;
    this.socket = socket;
    this.up = true;
    this.closed = false;
    this.suspect = false;
    this.lostReason = '';
    this.logins++;
    socket.setKeepAlive(true, Math.max(1000, settings.keepaliveIntervalMs || 15_000));
    this.startKeepalive();
    this.updateRef();
    log.info({ endpoint: target.label, address: `${socket.remoteAddress}:${socket.remotePort}` }, 'ssh: connected');
  }

  private mapConnectError(err: Error & { level?: string }, timeouts: ConnectTimeouts): SshError {
    const { alias: host, port, user } = this.target;
    if (err.level === 'client-timeout') {
      return new SshError('VCSPVM_SSH_TIMEOUT', { what: 'SSH handshake and login', host, port, ms: timeouts.readyTimeoutMs });
    }
    if (err.level === 'client-authentication') return new SshError('VCSPVM_SSH_AUTH', { user, host, port }, { cause: err });
    return new SshError('VCSPVM_SSH_CONNECT', { host, port, reason: err.message }, { cause: err });
  }

  private async agentFor(): Promise<BaseAgent | undefined> {
    const sock = this.target.agentSocket;
    if (!sock) return undefined;
    try {
      return await createAgent(sock, this.target.identitiesOnly ? this.identities!.publicBlobs : undefined);
    } catch (e) {
      this.settings.logger.warn({ agent: sock, reason: reasonText(e) }, 'ssh: cannot use the SSH agent');
      return undefined;
    }
  }

  /** The order ssh uses, roughly: identity files, then the agent, then a password if one was given. */
  private authMethods(agent: BaseAgent | undefined): Array<{ type: string; file?: string; method: AnyAuthMethod }> {
    const username = this.target.user;
    const list: Array<{ type: string; file?: string; method: AnyAuthMethod }> = [];
    for (const id of this.identities!.keys) {
      list.push({ type: 'publickey', file: id.file, method: { type: 'publickey', username, key: id.key } });
    }
    if (agent) list.push({ type: 'agent', method: { type: 'agent', username, agent } });
    const password = this.target.password;
    if (password !== undefined) {
      list.push({ type: 'password', method: { type: 'password', username, password } });
      // Servers that check passwords through PAM offer only keyboard-interactive: answer its
      // hidden prompts with the password, as sshpass does; never echo it into a visible one.
      let rounds = 0;
      list.push({
        type: 'keyboard-interactive',
        method: {
          type: 'keyboard-interactive',
          username,
          prompt: (_name, _instructions, _lang, prompts, finish) => {
            const hidden = prompts.filter((p) => p.echo !== true);
            // A second round with a hidden prompt is a new question (a rejected password):
            // answering it again would only count as another failed attempt.
            if (hidden.length > 0 && rounds++ > 0) return finish(prompts.map(() => ''));
            finish(prompts.map((p) => (p.echo === true ? '' : password)));
          },
        },
      });
    }
    return list;
  }

  private async verifyHostKey(key: Buffer, knownHosts: KnownHosts): Promise<void> {
    const { target } = this;
    const log = this.settings.logger;
    const type = keyTypeOf(key) ?? 'unknown';
    const knownHostsText =
      knownHosts.files.length > 0 ? knownHosts.files.join(', ') : `${target.userKnownHostsFiles[0] ?? 'known_hosts'} (no such file)`;
    const params = { host: target.alias, port: target.port, knownHosts: knownHostsText };
    const verdict = checkHostKey(knownHosts.entries, target.hostKeyName, key);
    const where = (v: HostKeyVerdict): Record<string, unknown> => ('entry' in v ? { file: v.entry.file, line: v.entry.line } : {});
    switch (verdict.status) {
      case 'known':
        log.debug({ endpoint: target.label, keyType: type, ...where(verdict) }, 'ssh: host key matches known_hosts');
        return;
      case 'revoked':
        log.error({ endpoint: target.label, keyType: type, ...where(verdict) }, 'ssh: host key is revoked in known_hosts; refusing to connect');
        throw new SshError('VCSPVM_SSH_HOSTKEY_REVOKED', { ...params, knownHosts: `${verdict.entry.file}:${verdict.entry.line}` });
      case 'changed':
        log.error(
          { endpoint: target.label, keyType: type, ...where(verdict) },
          'ssh: HOST KEY CHANGED: the key presented differs from the one recorded (possible man-in-the-middle); refusing to connect',
        );
        throw new SshError('VCSPVM_SSH_HOSTKEY_CHANGED', { ...params, knownHosts: `${verdict.entry.file}:${verdict.entry.line}` });
    }
    // Unknown key.
    const why = verdict.certAuthorityOnly
      ? 'only @cert-authority lines match this host, and host certificates are not supported'
      : verdict.otherTypes.length > 0
        ? `known_hosts records ${verdict.otherTypes.join(', ')} for this host, not ${type}`
        : 'no entry for this host';
    const mode = target.strictHostKeyChecking;
    if (mode === 'no') {
      log.warn({ endpoint: target.label, keyType: type, reason: why }, 'ssh: host key not verified (StrictHostKeyChecking=no)');
      return;
    }
    if (mode === 'accept-new' && verdict.otherTypes.length === 0 && !verdict.certAuthorityOnly) {
      const file = target.userKnownHostsFiles[0];
      if (file) {
        const outcome = await appendKnownHost(file, target.hostKeyName, key, target.hashKnownHosts);
        if (outcome === 'added' || outcome === 'already-known') {
          log.warn({ endpoint: target.label, keyType: type, file, hashed: target.hashKnownHosts }, 'ssh: new host key recorded in known_hosts (StrictHostKeyChecking=accept-new)');
          return;
        }
        // Another process recorded a different key meanwhile: judge against it.
        if (outcome.status === 'changed' || outcome.status === 'revoked') {
          log.error({ endpoint: target.label, keyType: type, file }, 'ssh: host key differs from the one just recorded by another process; refusing to connect');
          throw new SshError(outcome.status === 'changed' ? 'VCSPVM_SSH_HOSTKEY_CHANGED' : 'VCSPVM_SSH_HOSTKEY_REVOKED', { ...params, knownHosts: file });
        }
      }
    }
    log.error({ endpoint: target.label, keyType: type, reason: why, strictHostKeyChecking: mode }, 'ssh: unknown host key; refusing to connect');
    throw new SshError('VCSPVM_SSH_HOSTKEY_UNKNOWN', params);
  }

  private onClosed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.socket = undefined;
    const wasUp = this.up;
    this.up = false;
    this.stopKeepalive();
    if (wasUp && !this.closed) {
      this.settings.logger.info({ endpoint: this.target.label, reason: this.lostReason || 'closed by the server' }, 'ssh: connection closed');
    }
  }

  /** Drops the connection now (a broken peer); running commands fail as connection lost. */
  private drop(reason: string): void {
    this.lostReason = reason;
    this.settings.logger.warn({ endpoint: this.target.label, reason }, 'ssh: dropping connection');
    const client = this.client;
    this.up = false;
    this.stopKeepalive();
    client?.destroy();
  }

  /* ---------- commands ---------- */

  async exec(req: ExecRequest): Promise<ExecResult> {
    const started = Date.now();
    const deadline = started + req.timeoutMs;
    const timeoutError = (): SshError =>
      new SshError('VCSPVM_SSH_TIMEOUT', { what: `command ${req.display}`, host: this.target.alias, port: this.target.port, ms: req.timeoutMs });

    for (;;) {
      await this.acquireSlot(deadline, req.signal, timeoutError, req.display);
      // The slot is held until the server has closed the channel, not just until we gave up on it.
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        this.releaseSlot();
      };
      try {
        return await this.execOnChannel(req, deadline, started, timeoutError, release);
      } catch (e) {
        if (!(e instanceof ChannelRefused)) throw e;
        this.settings.logger.debug({ endpoint: this.target.label, limit: this.limit }, 'ssh: server refused a channel; lowering the channel limit');
      }
    }
  }

  private execOnChannel(
    req: ExecRequest,
    deadline: number,
    started: number,
    timeoutError: () => SshError,
    release: () => void,
  ): Promise<ExecResult> {
    const { alias: host, port } = this.target;
    const client = this.client;
    return new Promise<ExecResult>((resolve, reject) => {
      let done = false;
      let stream: ClientChannel | undefined;
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      let truncated = false;
      let exitCode: number | null = null;
      let exitSignal: string | null = null;
      let exited = false;

      const finish = (f: () => void): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
        f();
      };
      const stop = (failure: ExecFailure): void => {
        finish(() => reject(failure));
        if (stream) {
          try {
            stream.signal('KILL');
          } catch {
            /* the channel may already be closing */
          }
          stream.close();
        }
      };
      const onTimeout = (): void => {
        this.suspect = true;
        stop(new ExecFailure(timeoutError(), true, false));
      };
      const onAbort = (): void => {
        stop(new ExecFailure(this.abortedError(`command ${req.display}`, req.signal?.reason), true, false));
      };
      const timer = setTimeout(onTimeout, Math.max(0, deadline - Date.now()));
      if (req.signal?.aborted) {
        release();
        finish(() => reject(new ExecFailure(this.abortedError(`command ${req.display}`, req.signal?.reason), false, false)));
        return;
      }
      req.signal?.addEventListener('abort', onAbort, { once: true });

      if (!client || !this.up) {
        release();
        finish(() => reject(new ExecFailure(this.lostError('channel open'), false, true)));
        return;
      }
      try {
        client.exec(req.command, (e, ch) => {
          if (e) {
            const reason = (e as Error & { reason?: number }).reason;
            if (typeof reason === 'number' && BUSY_REASONS.has(reason) && this.active > 1 && !done) {
              // The server caps sessions per connection below our limit: keep to its cap.
              this.limit = Math.max(1, this.active - 1);
              release();
              finish(() => reject(new ChannelRefused()));
              return;
            }
            release();
            if (done) return;
            if (typeof reason === 'number' || reason === '') {
              finish(() => reject(new ExecFailure(new SshError('VCSPVM_SSH_CHANNEL', { host, port, reason: e.message }), false, false)));
            } else if (e.message === 'No response from server' || !this.up) {
              // The connection went away: before the channel opened nothing ran; after, the exec may have.
              const maybeStarted = e.message !== 'No response from server';
              finish(() => reject(new ExecFailure(this.lostError(`command ${req.display}`), maybeStarted, true)));
            } else {
              finish(() => reject(new ExecFailure(new SshError('VCSPVM_SSH_CHANNEL', { host, port, reason: `exec request refused: ${e.message}` }), false, false)));
            }
            return;
          }
          stream = ch;
          ch.once('close', release);
          if (done) {
            ch.close();
            return;
          }
          const collect = (chunks: Buffer[], which: 'out' | 'err') => (data: Buffer) => {
            const have = which === 'out' ? outBytes : errBytes;
            const room = req.maxOutputBytes - have;
            if (room <= 0) {
              truncated = true;
              return;
            }
            const piece = data.length > room ? data.subarray(0, room) : data;
            if (piece.length < data.length) truncated = true;
            chunks.push(piece);
            if (which === 'out') outBytes += piece.length;
            else errBytes += piece.length;
          };
          ch.on('data', collect(out, 'out'));
          ch.stderr.on('data', collect(err, 'err'));
          ch.on('exit', (code: number | null, signal?: string) => {
            exited = true;
            exitCode = typeof code === 'number' ? code : null;
            exitSignal = signal ?? null;
          });
          ch.on('close', () => {
            if (!exited && !this.up) {
              finish(() => reject(new ExecFailure(this.lostError(`command ${req.display}`), true, true)));
              return;
            }
            finish(() =>
              resolve({
                stdout: decode(out),
                stderr: decode(err),
                code: exitCode,
                signal: exitSignal,
                truncated,
                durationMs: Date.now() - started,
              }),
            );
          });
        });
      } catch {
        // ssh2 throws synchronously when the socket is already gone.
        release();
        finish(() => reject(new ExecFailure(this.lostError('channel open'), false, true)));
      }
    });
  }

  private lostError(what: string): SshError {
    return new SshError('VCSPVM_SSH_CONNECTION_LOST', {
      host: this.target.alias,
      port: this.target.port,
      what,
      reason: this.lostReason || 'connection closed',
    });
  }

  private acquireSlot(deadline: number, signal: AbortSignal | undefined, timeoutError: () => SshError, display: string): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      this.updateRef();
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: () => {
          cleanup();
          resolve();
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        remove();
        reject(new ExecFailure(timeoutError(), false, false));
      }, Math.max(0, deadline - Date.now()));
      const onAbort = (): void => {
        remove();
        reject(new ExecFailure(this.abortedError(`command ${display}`, signal?.reason), false, false));
      };
      const remove = (): void => {
        cleanup();
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        this.updateRef();
      };
      const cleanup = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.updateRef();
    });
  }

  private releaseSlot(): void {
    this.active--;
    while (this.active < this.limit && this.waiters.length > 0) {
      this.active++;
      this.waiters.shift()!.resolve();
    }
    this.updateRef();
  }

  /** The socket holds the event loop only while a command runs or waits. */
  private updateRef(): void {
    const s = this.socket;
    if (!s) return;
    if (this.active > 0 || this.waiters.length > 0) s.ref();
    else s.unref();
  }

  /* ---------- keepalive ---------- */

  private startKeepalive(): void {
    const every = this.settings.keepaliveIntervalMs;
    if (!(every > 0)) return;
    this.keepalivesUnanswered = 0;
    this.keepaliveTimer = setInterval(() => {
      if (this.keepalivesUnanswered >= this.settings.keepaliveCountMax) {
        this.drop(`no answer to ${this.keepalivesUnanswered} keepalives`);
        return;
      }
      this.keepalivesUnanswered++;
      const sent = this.client && sendKeepalive(this.client, () => {
        this.keepalivesUnanswered = 0;
      });
      if (!sent) this.stopKeepalive();
    }, every);
    this.keepaliveTimer.unref();
  }

  private stopKeepalive(): void {
    if (this.keepaliveTimer) clearInterval(this.keepaliveTimer);
    this.keepaliveTimer = undefined;
  }

  /** True when the peer answers a keepalive within `ms`. */
  private probe(ms: number): Promise<boolean> {
    const client = this.client;
    if (!client || !this.up) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      const sent = sendKeepalive(client, () => {
        clearTimeout(timer);
        resolve(true);
      });
      if (!sent) {
        clearTimeout(timer);
        resolve(true);
      }
    });
  }

  /** Ends the connection politely; waits briefly for the server to close. */
  async close(): Promise<void> {
    this.closed = true;
    this.stopKeepalive();
    for (const w of this.waiters.splice(0)) {
      w.reject(new ExecFailure(new SshError('VCSPVM_SSH_CONNECTION_LOST', { host: this.target.alias, port: this.target.port, what: 'queued command', reason: 'connection closed by the caller' }), false, false));
    }
    const client = this.client;
    const socket = this.socket;
    if (!client || !socket) return;
    this.up = false;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        client.destroy();
        resolve();
      }, 1000);
      timer.unref();
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }
}

class ChannelRefused extends Error {}

/**
 * Sends keepalive@openssh.com and calls `onReply` on the server's answer
 * (success or failure: either proves the peer alive). ssh2 only sends it from
 * its own keepalive timer, which holds the event loop, so we send it through
 * the same internal path ssh2 uses (pinned version); false if unavailable.
 */
function sendKeepalive(client: Client, onReply: () => void): boolean {
  const c = client as unknown as { _protocol?: { ping?: () => void }; _callbacks?: Array<(e: unknown) => void> };
  if (typeof c._protocol?.ping !== 'function' || !Array.isArray(c._callbacks)) return false;
  try {
    // A reply is (had_error: boolean); a lost connection flushes the queue with an Error.
    c._callbacks.push((e) => {
      if (!(e instanceof Error)) onReply();
    });
    c._protocol.ping();
    return true;
  } catch {
    return false;
  }
}

/** TCP connect bounded by `ms`; errors become coded SSH errors. */
function tcpConnect(target: ConnectionTarget, ms: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: target.hostname, port: target.port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new SshError('VCSPVM_SSH_TIMEOUT', { what: 'TCP connect', host: target.alias, port: target.port, ms }));
    }, ms);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      // ssh2 reports socket errors from here on; this keeps one from being unhandled meanwhile.
      socket.on('error', () => {});
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      const reason = e.code === 'ECONNREFUSED' ? 'connection refused' : e.code === 'ENOTFOUND' ? `host name ${target.hostname} not found` : e.code ? `${e.code} ${e.message}` : e.message;
      reject(new SshError('VCSPVM_SSH_CONNECT', { host: target.alias, port: target.port, reason }, { cause: e }));
    });
  });
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal | undefined, error: () => Error): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(error());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(error());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function decode(chunks: Buffer[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

export function reasonText(e: unknown): string {
  if (e === undefined) return 'aborted';
  if (e instanceof Error) return e.message;
  return String(e);
}
