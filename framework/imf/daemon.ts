/**
 * The long-lived part of IMF: what imf_getnotification runs for one type on
 * one system. It serves registrations from imf_register processes on an
 * owner-only Unix socket, keeps them on disk, feeds them to a notification
 * source, and writes to the framework's pipe:
 *   READY                          once it serves the socket
 *   RECOVERED <id> <res> <state>   each registration it had before a restart
 *   NOTIFY <id> <res> <state>      when a resource is seen in another state than registered
 * (protocol.ts). A second instance refuses to start; a stale socket left by
 * a dead one is removed.
 */
import { existsSync, lstatSync, chmodSync, unlinkSync } from 'node:fs';
import { type Server, type Socket, createServer } from 'node:net';
import { imfRequest } from './client.js';
import { ImfError } from './errors.js';
import { ensurePrivateDir, socketPath, statePath } from './paths.js';
import { MAX_LINE_BYTES, type ObservedState, type Registration, type Request, type Response, formatPipeEvent, validateRequest } from './protocol.js';
import type { NotificationSource, SourceLogger } from './source.js';
import { loadStore, saveStore } from './store.js';

export interface DaemonOptions {
  type: string;
  dir: string;
  source: NotificationSource;
  /** Writes one line to the framework's pipe. */
  write(line: string): void;
  log: SourceLogger;
  now?: () => number;
}

interface Held extends Registration {
  /** The last state notified for it (not repeated until it changes again). */
  notified?: ObservedState;
}

export class ImfDaemon {
  readonly socket: string;
  private readonly storePath: string;
  private server: Server | undefined;
  private readonly regs = new Map<string, Held>();
  private nextId = 1;
  private readonly conns = new Set<Socket>();
  private stopped = false;

  constructor(private readonly opts: DaemonOptions) {
    this.socket = socketPath(opts.dir, opts.type);
    this.storePath = statePath(opts.dir, opts.type);
  }

  registrations(): Registration[] {
    return [...this.regs.values()].map(({ notified: _n, ...r }) => r);
  }

  /** Removes a socket nobody serves; refuses when another instance answers on it. */
  private async clearStaleSocket(): Promise<void> {
    if (!existsSync(this.socket)) return;
    const st = lstatSync(this.socket);
    if (!st.isSocket()) throw new ImfError('VCSPVM_IMF_UNSAFE_DIR', { dir: this.opts.dir, reason: `holds ${this.socket}, which is not a socket` });
    try {
      await imfRequest(this.socket, this.opts.type, { op: 'ping' }, { timeoutMs: 2000 });
    } catch {
      this.opts.log.warn({ socket: this.socket }, 'removing the stale socket of an imf_getnotification that is gone');
      unlinkSync(this.socket);
      return;
    }
    throw new ImfError('VCSPVM_IMF_ALREADY_RUNNING', { type: this.opts.type, socket: this.socket });
  }

  async start(): Promise<void> {
    const { type, log } = this.opts;
    ensurePrivateDir(this.opts.dir);
    await this.clearStaleSocket();
    const stored = loadStore(this.storePath, type);
    if (stored.problem) log.warn({ file: this.storePath }, 'ignoring registrations: %s', stored.problem);
    this.nextId = stored.nextId;
    await this.opts.source.start((resource, state) => this.observe(resource, state));
    for (const r of stored.registrations) {
      this.regs.set(r.resource, { ...r });
      this.opts.source.add(r);
    }
    this.server = createServer((c) => this.serve(c));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.socket, () => {
        this.server!.off('error', reject);
        resolve();
      });
    });
    chmodSync(this.socket, 0o600);
    this.opts.write(formatPipeEvent({ event: 'READY' }));
    for (const r of this.regs.values()) this.opts.write(formatPipeEvent({ event: 'RECOVERED', id: r.id, resource: r.resource, state: r.state }));
    log.info({ socket: this.socket, recovered: this.regs.size }, 'imf_getnotification serving %s (%d registrations recovered)', this.socket, this.regs.size);
  }

  private observe(resource: string, state: ObservedState): void {
    const r = this.regs.get(resource);
    if (!r || this.stopped) return;
    if (state === r.state) {
      r.notified = undefined;
      return;
    }
    // Unknown is no news: the framework's next traditional monitor deals with it.
    if (state === 'unknown' || r.notified === state) return;
    r.notified = state;
    this.opts.log.info({ resource, state, registered: r.state }, '%s is %s (registered %s): notifying', resource, state, r.state);
    this.opts.write(formatPipeEvent({ event: 'NOTIFY', id: r.id, resource, state }));
  }

  private persist(): void {
    saveStore(this.storePath, this.opts.type, { nextId: this.nextId, registrations: this.registrations() });
  }

  private handle(req: Request): Response {
    switch (req.op) {
      case 'ping':
        return { ok: true, pid: process.pid, type: this.opts.type };
      case 'list':
        return { ok: true, registrations: this.registrations() };
      case 'register': {
        const old = this.regs.get(req.resource);
        const id = old?.id ?? String(this.nextId++);
        const reg: Held = { id, resource: req.resource, state: req.state, target: req.target, since: (this.opts.now ?? Date.now)() };
        if (old) this.opts.source.remove(req.resource);
        this.regs.set(req.resource, reg);
        this.persist();
        this.opts.source.add(reg);
        this.opts.log.info({ resource: req.resource, state: req.state, group: req.target.group }, 'registered %s for %s monitoring (id %s)', req.resource, req.state, id);
        return { ok: true, id };
      }
      case 'unregister': {
        const old = this.regs.get(req.resource);
        if (!old) return { ok: true };
        this.regs.delete(req.resource);
        this.persist();
        this.opts.source.remove(req.resource);
        this.opts.log.info({ resource: req.resource }, 'unregistered %s', req.resource);
        return { ok: true, id: old.id };
      }
    }
  }

  private serve(c: Socket): void {
    this.conns.add(c);
    let buf = '';
    c.on('data', (chunk) => {
      buf += chunk.toString();
      if (buf.length > MAX_LINE_BYTES) {
        c.end(`${JSON.stringify({ ok: false, error: 'request too long' })}\n`);
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        let res: Response;
        try {
          const req = validateRequest(JSON.parse(line));
          res = typeof req === 'string' ? { ok: false, error: req } : this.handle(req);
        } catch (e) {
          res = { ok: false, error: e instanceof SyntaxError ? 'request is not JSON' : e instanceof Error ? e.message : String(e) };
        }
        c.write(`${JSON.stringify(res)}\n`);
      }
    });
    c.on('error', () => undefined);
    c.on('close', () => this.conns.delete(c));
  }

  /** Stops serving and watching; the registrations stay on disk for the next instance. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const c of this.conns) c.destroy();
    if (this.server) {
      await new Promise<void>((r) => this.server!.close(() => r()));
      this.server = undefined;
    }
    try {
      unlinkSync(this.socket);
    } catch {
      // Already gone (close removes it on some platforms).
    }
    await this.opts.source.close();
  }
}
