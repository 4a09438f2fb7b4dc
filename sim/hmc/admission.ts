/**
 * Who may wait at the login prompt, as OpenSSH's sshd decides it: a
 * connection that has not authenticated within the login grace time is
 * dropped (LoginGraceTime), and at most `maxStartups` unauthenticated
 * connections wait at once (MaxStartups). When one more arrives, the waiting
 * connection that has been quiet longest is dropped: a flood of idle
 * connections goes first, a client in the middle of its handshake stays.
 */
import type { Socket } from 'node:net';

export interface AdmissionOptions {
  /** Milliseconds an unauthenticated connection may wait; 0: no limit. */
  loginGraceMs: number;
  maxStartups: number;
}

export const DEFAULT_ADMISSION: AdmissionOptions = { loginGraceMs: 30_000, maxStartups: 100 };

interface Waiting {
  lastActivity: number;
  timer: NodeJS.Timeout | null;
}

export class Admission {
  private readonly waiting = new Map<Socket, Waiting>();

  constructor(
    private readonly opts: AdmissionOptions,
    /** Told of each connection dropped: at the grace time, or to make room for a new one. */
    private readonly dropped: (why: 'grace' | 'startups') => void = () => undefined,
  ) {}

  /** A new connection, waiting until it authenticates or goes. */
  admit(socket: Socket): void {
    if (this.waiting.size >= this.opts.maxStartups) this.evictQuietest();
    const entry: Waiting = { lastActivity: Date.now(), timer: null };
    if (this.opts.loginGraceMs > 0) {
      entry.timer = setTimeout(() => {
        if (!this.waiting.has(socket)) return;
        this.dropped('grace');
        this.forget(socket);
        socket.destroy();
      }, this.opts.loginGraceMs);
      entry.timer.unref();
    }
    this.waiting.set(socket, entry);
    socket.on('data', () => {
      const w = this.waiting.get(socket);
      if (w) w.lastActivity = Date.now();
    });
    socket.once('close', () => this.forget(socket));
  }

  /** The connection logged in: no limit applies to it any more. */
  authenticated(socket: Socket): void {
    this.forget(socket);
  }

  get count(): number {
    return this.waiting.size;
  }

  private forget(socket: Socket): void {
    const w = this.waiting.get(socket);
    if (!w) return;
    if (w.timer) clearTimeout(w.timer);
    this.waiting.delete(socket);
  }

  private evictQuietest(): void {
    let victim: Socket | null = null;
    let quietSince = Infinity;
    for (const [socket, w] of this.waiting) {
      if (w.lastActivity < quietSince) {
        quietSince = w.lastActivity;
        victim = socket;
      }
    }
    if (!victim) return;
    this.dropped('startups');
    this.forget(victim);
    victim.destroy();
  }
}
