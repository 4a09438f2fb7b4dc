/**
 * A real ssh2 Server on loopback for the remote layer's tests, in the manner
 * of ssh2's own test/common.js: ephemeral port, generated host key, password
 * and public-key authentication, exec requests answered by a callback. It
 * owns the TCP listener and hands sockets to ssh2 itself, so a test can make
 * it hang before the banner, freeze live connections, or drop them.
 */
import { spawn } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import type { AuthenticationType, Connection, ParsedKey, ServerChannel } from 'ssh2';
import { generateSshKeyPair } from '../../../../framework/remote/keygen.js';

const { Server, utils } = ssh2;

export interface KeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `type base64 comment` public key line. */
  public: string;
  /** The public key blob. */
  blob: Buffer;
  type: string;
}

export function generateKey(type: 'ed25519' | 'ecdsa' | 'rsa' = 'ed25519', passphrase?: string): KeyPair {
  const pair = generateSshKeyPair(type, passphrase ? { passphrase } : {});
  const pub = utils.parseKey(pair.public) as ParsedKey;
  return { private: pair.private, public: pair.public, blob: pub.getPublicSSH(), type: pub.type };
}

/** What a command handler answers with, or does itself through `channel`. */
export interface CommandReply {
  stdout?: string | Buffer;
  stderr?: string | Buffer;
  code?: number;
  /** Report death by this signal instead of an exit code. */
  signal?: string;
}

export type CommandHandler = (command: string, channel: ServerChannel, server: TestSshServer) => CommandReply | undefined | Promise<CommandReply | undefined>;

export interface TestServerOptions {
  /** Host keys (private). Default: one fresh ed25519 key. */
  hostKeys?: KeyPair[];
  user?: string;
  password?: string;
  /** Public keys accepted for `user`. */
  authorizedKeys?: KeyPair[];
  /** Check the password through keyboard-interactive only (PasswordAuthentication no, PAM). */
  keyboardInteractiveOnly?: boolean;
  /** Sessions allowed open at once per connection (as OpenSSH's MaxSessions). */
  maxSessions?: number;
  onCommand?: CommandHandler;
}

export class TestSshServer {
  readonly host = '127.0.0.1';
  port = 0;
  readonly hostKeys: KeyPair[];
  /** TCP connections accepted. */
  connections = 0;
  /** Successful logins. */
  logins = 0;
  /** Authentication methods seen, in order (`password`, `publickey`, `none`…). */
  readonly authAttempts: string[] = [];
  /** Public key blobs offered for publickey authentication, in order. */
  readonly offeredKeys: Buffer[] = [];
  /** Exec command lines received, in order. */
  readonly commands: string[] = [];
  /** Session channels open now, and the most seen at once. */
  openSessions = 0;
  peakSessions = 0;
  /** Sessions refused because of maxSessions. */
  refusedSessions = 0;
  /**
   * normal: serve SSH. hang: accept TCP and say nothing (no banner).
   * close: accept TCP and close it at once.
   */
  mode: 'normal' | 'hang' | 'close' = 'normal';
  onCommand: CommandHandler;
  private readonly tcp: NetServer;
  private readonly ssh: InstanceType<typeof Server>;
  private readonly sockets = new Set<Socket>();
  private readonly clients = new Set<Connection>();
  private readonly opts: TestServerOptions;

  constructor(opts: TestServerOptions = {}) {
    this.opts = opts;
    this.hostKeys = opts.hostKeys ?? [generateKey('ed25519')];
    this.onCommand = opts.onCommand ?? (() => ({ stdout: '', code: 0 }));
    this.ssh = new Server({ hostKeys: this.hostKeys.map((k) => k.private) }, (client) => this.onClient(client));
    this.tcp = createServer((socket) => {
      this.connections++;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {});
      if (this.mode === 'hang') return;
      if (this.mode === 'close') {
        socket.destroy();
        return;
      }
      this.ssh.injectSocket(socket);
    });
  }

  get hostKey(): KeyPair {
    return this.hostKeys[0]!;
  }

  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.tcp.once('error', reject);
      this.tcp.listen(port, this.host, () => resolve());
    });
    this.port = (this.tcp.address() as { port: number }).port;
    return this;
  }

  /** known_hosts name of this server. */
  get knownHostsName(): string {
    return `[${this.host}]:${this.port}`;
  }

  /** A known_hosts line for this server's (first) host key. */
  knownHostsLine(name = this.knownHostsName, key: KeyPair = this.hostKey): string {
    return `${name} ${key.public.split(' ').slice(0, 2).join(' ')}`;
  }

  /** Stops reading every live connection: the peer looks hung (no keepalive answers). */
  freeze(): void {
    for (const s of this.sockets) s.pause();
  }

  /** Kills every live connection, as a restarted sshd would. */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
  }

  private onClient(client: Connection): void {
    this.clients.add(client);
    client.on('error', () => {});
    client.on('close', () => this.clients.delete(client));
    client.on('authentication', (ctx) => {
      this.authAttempts.push(ctx.method);
      // As sshd does, every failure lists the methods that may still succeed.
      const methods: AuthenticationType[] = ['publickey', this.opts.keyboardInteractiveOnly ? 'keyboard-interactive' : 'password'];
      const user = this.opts.user ?? 'hscroot';
      if (ctx.username !== user) return ctx.reject(methods);
      if (ctx.method === 'keyboard-interactive' && this.opts.keyboardInteractiveOnly) {
        const want = this.opts.password;
        ctx.prompt([{ prompt: 'Password: ', echo: false }], 'hmc', '', (answers) => {
          if (want !== undefined && answers.length === 1 && equal(Buffer.from(answers[0]!), Buffer.from(want))) ctx.accept();
          else ctx.reject(methods);
        });
        return;
      }
      if (ctx.method === 'password' && !this.opts.keyboardInteractiveOnly) {
        const want = this.opts.password;
        if (want !== undefined && equal(Buffer.from(ctx.password), Buffer.from(want))) return ctx.accept();
        return ctx.reject(methods);
      }
      if (ctx.method === 'publickey') {
        this.offeredKeys.push(ctx.key.data);
        const match = (this.opts.authorizedKeys ?? []).find((k) => k.blob.equals(ctx.key.data));
        if (!match) return ctx.reject(methods);
        if (!ctx.signature) return ctx.accept(); // the "would you accept this key" query
        const pub = utils.parseKey(match.public) as ParsedKey;
        if (ctx.blob && pub.verify(ctx.blob, ctx.signature, ctx.hashAlgo) === true) return ctx.accept();
        return ctx.reject(methods);
      }
      ctx.reject(methods);
    });
    client.on('ready', () => {
      this.logins++;
      client.on('session', (accept, reject) => {
        if (this.opts.maxSessions !== undefined && this.openSessions >= this.opts.maxSessions) {
          this.refusedSessions++;
          reject();
          return;
        }
        const session = accept();
        this.openSessions++;
        this.peakSessions = Math.max(this.peakSessions, this.openSessions);
        let closed = false;
        const onClose = (): void => {
          if (closed) return;
          closed = true;
          this.openSessions--;
        };
        session.on('close', onClose);
        session.on('exec', (acceptExec, _rejectExec, info) => {
          const channel = acceptExec();
          channel.on('close', onClose);
          this.commands.push(info.command);
          void this.answer(info.command, channel);
        });
      });
    });
  }

  private async answer(command: string, channel: ServerChannel): Promise<void> {
    let reply: CommandReply | undefined;
    try {
      reply = await this.onCommand(command, channel, this);
    } catch (e) {
      reply = { stderr: `${(e as Error).message}\n`, code: 1 };
    }
    if (!reply) return; // the handler drives the channel itself
    if (reply.stdout !== undefined) channel.write(reply.stdout);
    if (reply.stderr !== undefined) channel.stderr.write(reply.stderr);
    if (reply.signal !== undefined) channel.exit(reply.signal as 'KILL', false, '');
    else channel.exit(reply.code ?? 0);
    channel.end();
  }
}

function equal(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Runs the received command line with a real /bin/bash, where `printargs`
 * prints each of its arguments followed by NUL: what the test reads back is
 * exactly the argv bash parsed out of the line we sent.
 */
export const bashHandler: CommandHandler = (command) =>
  new Promise<CommandReply>((resolve) => {
    const child = spawn('/bin/bash', ['-c', `printargs() { printf '%s\\0' "$@"; }\n${command}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => resolve({ stdout: Buffer.concat(out), stderr: Buffer.concat(err), code: code ?? 1 }));
  });

/** Splits printargs output back into the argument list. */
export function parsePrintargs(stdout: string): string[] {
  const parts = stdout.split('\0');
  parts.pop();
  return parts;
}

export async function startServer(opts: TestServerOptions = {}): Promise<TestSshServer> {
  return new TestSshServer(opts).listen();
}
