/**
 * One simulated HMC: an SSH server on one address, sharing the world with
 * the other endpoints (redundant HMCs). Owns its TCP listener so that faults
 * can act below SSH: `down` refuses connections and drops sessions, `hang`
 * accepts TCP but never answers, `slow` delays every command.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2 from './ssh2-limits.js';
import type { Connection, ParsedKey, Session } from 'ssh2';
import { Admission, DEFAULT_ADMISSION, type AdmissionOptions } from './admission.js';
import { runExec, ShellSession, type SessionInfo } from './session.js';
import { serveSftp } from './sftp.js';
import type { World } from './world.js';

const { Server: SshServer, utils } = ssh2;

export interface EndpointStats {
  /** TCP connections accepted (refused ones are not counted). */
  connections: number;
  logins: number;
  authFailures: number;
  /** Unauthenticated connections dropped at the login grace time, and to stay within max-startups. */
  loginTimeouts: number;
  startupsDropped: number;
  openSessions: number;
  commands: Record<string, number>;
}

export interface EndpointOptions {
  host: string;
  port: number;
  name: string;
  world: World;
  hostKey: string | Buffer;
  /** Keys from --authorized-keys: accepted for every user. */
  authorizedKeys: string[];
  /** --login-grace-time and --max-startups (defaults: 30 s and 100, as DEFAULT_ADMISSION). */
  admission?: AdmissionOptions;
}

/** Connections beyond this many are refused, so a flood cannot exhaust the process. */
const MAX_CONNECTIONS = 512;
const METHODS = ['publickey', 'password', 'keyboard-interactive'] as const;

function samePassword(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && expected !== '';
}

export class Endpoint {
  readonly name: string;
  readonly host: string;
  port: number;
  state: 'up' | 'down' | 'hung' = 'up';
  latencyMs = 0;
  stats: EndpointStats = { connections: 0, logins: 0, authFailures: 0, loginTimeouts: 0, startupsDropped: 0, openSessions: 0, commands: {} };

  private readonly world: World;
  private readonly ssh: InstanceType<typeof SshServer>;
  private net: NetServer | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly parsedKeys = new Map<string, ParsedKey | null>();
  private readonly globalKeys: string[];
  /** Commands waiting for a hung HMC to come back (or to fail when it goes down). */
  private held: Array<{ resume: () => void; abort: (e: Error) => void }> = [];
  /** Sockets accepted while hung: they get their SSH session when the HMC comes back. */
  private readonly waiting = new Set<Socket>();
  /** Connections waiting to log in (grace time, max-startups). */
  private readonly admission: Admission;
  /** Sockets by `address|port`, to find the socket of a connection that logs in. */
  private readonly socketsByPeer = new Map<string, Socket>();

  constructor(opts: EndpointOptions) {
    this.name = opts.name;
    this.host = opts.host;
    this.port = opts.port;
    this.world = opts.world;
    this.globalKeys = opts.authorizedKeys;
    this.admission = new Admission(opts.admission ?? DEFAULT_ADMISSION, (why) => (why === 'grace' ? this.stats.loginTimeouts++ : this.stats.startupsDropped++));
    this.ssh = new SshServer({ hostKeys: [opts.hostKey], ident: 'OpenSSH_8.0' }, (client, info) => this.onClient(client, info.ip, info.port));
  }

  /** `HOST:PORT`, with an IPv6 host in brackets as --listen takes it. */
  get address(): string {
    return this.host.includes(':') ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  listen(): Promise<void> {
    const server = createServer({ pauseOnConnect: false }, (socket) => this.onSocket(socket));
    server.maxConnections = MAX_CONNECTIONS;
    this.net = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.host, () => {
        server.off('error', reject);
        server.on('error', () => undefined);
        const addr = server.address();
        if (addr && typeof addr === 'object') this.port = addr.port;
        resolve();
      });
    });
  }

  private onSocket(socket: Socket): void {
    socket.on('error', () => undefined);
    socket.setNoDelay(true);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
    this.stats.connections++;
    if (this.state === 'hung') {
      // Accepts TCP, never sends the SSH banner.
      socket.pause();
      this.waiting.add(socket);
      socket.once('close', () => this.waiting.delete(socket));
      return;
    }
    this.startSsh(socket);
  }

  private startSsh(socket: Socket): void {
    // The replies to one incoming batch of packets leave in one write: an exec request
    // answers with data, exit status, EOF and close, which would otherwise be four syscalls.
    let corked = false;
    socket.on('data', () => {
      if (corked) return;
      corked = true;
      socket.cork();
      setImmediate(() => {
        corked = false;
        socket.uncork();
      });
    });
    const key = `${socket.remoteAddress}|${socket.remotePort}`;
    this.socketsByPeer.set(key, socket);
    socket.once('close', () => this.socketsByPeer.delete(key));
    this.admission.admit(socket);
    this.ssh.injectSocket(socket);
  }

  private keyFor(line: string): ParsedKey | null {
    if (!this.parsedKeys.has(line)) {
      const k = utils.parseKey(line);
      this.parsedKeys.set(line, k instanceof Error ? null : Array.isArray(k) ? (k[0] ?? null) : k);
    }
    return this.parsedKeys.get(line)!;
  }

  private onClient(client: Connection, ip: string, port: number): void {
    let user = '';
    let counted = false;
    // Running command lines of the connection stop when it goes (ssh2 does not always close their channels then).
    const disconnected: Array<() => void> = [];
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      const account = this.world.users.get(ctx.username);
      const reject = () => {
        this.stats.authFailures++;
        ctx.reject([...METHODS]);
      };
      switch (ctx.method) {
        case 'password':
          if (account && samePassword(ctx.password, account.password)) {
            user = ctx.username;
            return ctx.accept();
          }
          return reject();
        case 'keyboard-interactive':
          return ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers) => {
            if (account && samePassword(answers[0] ?? '', account.password)) {
              user = ctx.username;
              ctx.accept();
            } else {
              reject();
            }
          });
        case 'publickey': {
          const lines = account ? [...this.globalKeys, ...account.authorizedKeys] : [];
          const key = lines.map((l) => this.keyFor(l)).find((k) => k && k.type === ctx.key.algo && k.getPublicSSH().equals(ctx.key.data));
          if (!key) return ctx.reject([...METHODS]);
          if (ctx.signature && ctx.blob && key.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return reject();
          if (ctx.signature) user = ctx.username;
          return ctx.accept();
        }
        default:
          return ctx.reject([...METHODS]);
      }
    });
    client.on('ready', () => {
      this.stats.logins++;
      this.stats.openSessions++;
      counted = true;
      const socket = this.socketsByPeer.get(`${ip}|${port}`);
      if (socket) this.admission.authenticated(socket);
      client.on('session', (accept) => this.onSession(accept(), user, ip, (fn) => disconnected.push(fn)));
    });
    client.on('close', () => {
      for (const fn of disconnected.splice(0)) fn();
      if (counted) this.stats.openSessions--;
      counted = false;
    });
  }

  private onSession(session: Session, user: string, ip: string, onDisconnect: (fn: () => void) => void): void {
    let pty = false;
    const info: SessionInfo = {
      world: this.world,
      user,
      hmcName: this.name,
      remoteAddress: ip,
      hooks: { beforeCommand: (name) => this.beforeCommand(name) },
      onDisconnect,
    };
    session.on('pty', (accept) => {
      pty = true;
      accept?.();
    });
    session.on('env', (accept) => accept?.());
    session.on('window-change', (accept) => accept?.());
    session.on('signal', (accept) => accept?.());
    session.on('auth-agent', (_accept, reject) => reject?.());
    session.on('x11', (_accept, reject) => reject?.());
    session.on('sftp', (accept) => serveSftp(accept(), this.world, user));
    session.on('subsystem', (_accept, reject) => reject?.());
    session.on('exec', (accept, _reject, req) => {
      const channel = accept();
      channel.on('error', () => undefined);
      runExec(channel, info, req.command, pty).catch(() => channel.destroy());
    });
    session.on('shell', (accept) => {
      const channel = accept();
      channel.on('error', () => undefined);
      new ShellSession(channel, info, pty).start();
    });
  }

  private beforeCommand(name: string): Promise<void> | void {
    this.stats.commands[name] = (this.stats.commands[name] ?? 0) + 1;
    const wait = this.state === 'hung' ? new Promise<void>((resume, abort) => this.held.push({ resume, abort })) : null;
    if (this.latencyMs > 0) {
      const ms = this.latencyMs;
      return (wait ?? Promise.resolve()).then(() => new Promise<void>((r) => setTimeout(r, ms).unref()));
    }
    return wait ?? undefined;
  }

  resetStats(): void {
    this.stats = { connections: 0, logins: 0, authFailures: 0, loginTimeouts: 0, startupsDropped: 0, openSessions: this.stats.openSessions, commands: {} };
  }

  /** The HMC goes away: the port refuses connections and every session drops. */
  async down(): Promise<void> {
    this.state = 'down';
    this.releaseHeld(false);
    const server = this.net;
    this.net = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  /** The HMC stops answering: TCP is accepted, nothing more happens. */
  hang(): void {
    this.state = 'hung';
    for (const s of this.sockets) s.pause();
  }

  /** Back to normal from down or hung. */
  async up(): Promise<void> {
    const was = this.state;
    this.state = 'up';
    if (was === 'down' || !this.net) await this.listen();
    if (was === 'hung') {
      for (const s of this.sockets) if (!this.waiting.has(s)) s.resume();
      for (const s of [...this.waiting]) {
        this.waiting.delete(s);
        s.resume();
        this.startSsh(s);
      }
      // What clients sent meanwhile is read first: a held command whose session was closed is not run.
      await new Promise((r) => setTimeout(r, 50));
      this.releaseHeld(this.state === 'up');
    }
  }

  /** Held commands run (the HMC answers again) or fail (it went down). */
  private releaseHeld(run: boolean): void {
    const held = this.held;
    this.held = [];
    for (const h of held) {
      if (run) h.resume();
      else h.abort(new Error('HMC went down'));
    }
  }

  async close(): Promise<void> {
    const server = this.net;
    this.net = null;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
