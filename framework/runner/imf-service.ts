/**
 * The agent framework's side of IMF for one type: imf_init once, then
 * imf_getnotification kept running as the long-lived process that holds the
 * type's registrations; its pipe lines become resource notifications. When
 * it dies every registered resource falls back to traditional monitoring,
 * and it is started again after a delay; what it recovers on restart is
 * adopted where it still matches the resource, and dropped otherwise.
 * imf_register runs as its own short process per (un)registration.
 */
import { parsePipeEvent, parseRegisterId } from '../imf/protocol.js';
import type { Clock } from '../clock.js';
import type { EntryPointExecutor, LongLivedProcess } from './executor.js';
import type { EventBody, ImfService, Resource } from './resource.js';

export interface ImfServiceOptions {
  /** Wait before starting imf_getnotification again after it exited (ms of the runner's clock). */
  restartDelayMs?: number;
  /** Give up (IMF off for the type) after this many exits without ever becoming ready in between. */
  maxFailedStarts?: number;
}

export interface ImfServiceHost {
  clock: Clock;
  executor: EntryPointExecutor;
  stopSignal: AbortSignal;
  emit(e: EventBody): void;
  resource(name: string): Resource | undefined;
  resourcesOf(type: string): Resource[];
  /** imf_register's time limit, seconds (the type's MonitorTimeout). */
  timeoutOf(type: string): number;
  /** Runs imf_register for a resource: mswitch, rstate, then its ArgList. */
  exec(res: Resource, leading: string[], timeoutSeconds: number): Promise<{ exitCode: number | null; timedOut: boolean; error?: string; pipeLines: string[] }>;
}

export class TypeImfService implements ImfService {
  private proc: LongLivedProcess | undefined;
  private ready = false;
  private stopping = false;
  private failedStarts = 0;
  private becameReady = false;
  private readonly restartDelayMs: number;
  private readonly maxFailedStarts: number;
  private daemonAbort = new AbortController();
  private exitWaiters: (() => void)[] = [];
  /** Resolves each time imf_getnotification says READY (for tests and the bench). */
  private readyWaiters: (() => void)[] = [];

  constructor(
    readonly type: string,
    private readonly host: ImfServiceHost,
    opts: ImfServiceOptions = {},
  ) {
    this.restartDelayMs = opts.restartDelayMs ?? 5000;
    this.maxFailedStarts = opts.maxFailedStarts ?? 5;
  }

  available(): boolean {
    return this.ready && !this.stopping;
  }

  pid(): number | undefined {
    return this.proc?.pid;
  }

  /** imf_init, then imf_getnotification. False when IMF cannot be used for this type. */
  async start(): Promise<boolean> {
    const { executor } = this.host;
    if (!executor.implements(this.type, 'imf_register') || !executor.implements(this.type, 'imf_getnotification')) {
      this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'init-failed', detail: 'the agent has no imf_register/imf_getnotification: traditional monitoring' });
      return false;
    }
    if (executor.implements(this.type, 'imf_init')) {
      const ac = new AbortController();
      const limit = this.host.timeoutOf(this.type);
      const timer = limit > 0 ? this.host.clock.setTimer(limit * 1000, () => ac.abort()) : undefined;
      const onStop = () => ac.abort();
      this.host.stopSignal.addEventListener('abort', onStop, { once: true });
      const r = await executor.run({ type: this.type, entryPoint: 'imf_init', subject: this.type, args: [], signal: ac.signal });
      timer?.cancel();
      this.host.stopSignal.removeEventListener('abort', onStop);
      if (r.exitCode !== 0) {
        const why = r.aborted ? 'timed out' : r.spawnError ?? `exited ${r.exitCode ?? r.signal}`;
        this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'init-failed', detail: `imf_init ${why}: traditional monitoring` });
        return false;
      }
    }
    this.spawn();
    return true;
  }

  private spawn(): void {
    if (this.stopping || this.host.stopSignal.aborted) return;
    this.daemonAbort = new AbortController();
    this.becameReady = false;
    const proc = this.host.executor.start({
      type: this.type,
      entryPoint: 'imf_getnotification',
      subject: this.type,
      args: [],
      signal: this.daemonAbort.signal,
      onPipeLine: (line) => this.onLine(line),
    });
    this.proc = proc;
    this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'started', ...(proc.pid !== undefined ? { pid: proc.pid } : {}) });
    void proc.exited.then((r) => {
      if (this.proc !== proc) return;
      this.proc = undefined;
      this.ready = false;
      const how = r.spawnError ?? (r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`);
      this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'exited', detail: how });
      // Registrations lived in that process: traditional monitoring until it is back.
      for (const res of this.host.resourcesOf(this.type)) res.imfLost();
      for (const w of this.exitWaiters.splice(0)) w();
      if (this.stopping) return;
      if (!this.becameReady) this.failedStarts++;
      else this.failedStarts = 0;
      if (this.failedStarts >= this.maxFailedStarts) {
        this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'gave-up', detail: `${this.failedStarts} starts without becoming ready: traditional monitoring` });
        return;
      }
      const cancel = () => t.cancel();
      const t = this.host.clock.setTimer(this.restartDelayMs, () => {
        this.host.stopSignal.removeEventListener('abort', cancel);
        this.spawn();
      });
      this.host.stopSignal.addEventListener('abort', cancel, { once: true });
    });
  }

  private onLine(line: string): void {
    const e = parsePipeEvent(line);
    if (!e) return;
    switch (e.event) {
      case 'READY':
        this.ready = true;
        this.becameReady = true;
        this.host.emit({ kind: 'imf-daemon', type: this.type, action: 'ready', ...(this.proc?.pid !== undefined ? { pid: this.proc.pid } : {}) });
        for (const w of this.readyWaiters.splice(0)) w();
        return;
      case 'NOTIFY': {
        const res = this.host.resource(e.resource);
        if (res && res.type === this.type) void res.imfNotification(e.id, e.state);
        return;
      }
      case 'RECOVERED': {
        const res = this.host.resource(e.resource);
        if (res && res.type === this.type) void res.imfRecovered(e.id, e.state);
        return;
      }
    }
  }

  async register(res: Resource, state: 'online' | 'offline'): Promise<{ ok: true; id: string } | { ok: false; detail: string }> {
    const r = await this.host.exec(res, ['VCSAgIMFMonitorStart', state === 'online' ? 'VCSAgIMFResOnline' : 'VCSAgIMFResOffline'], this.host.timeoutOf(this.type));
    if (r.timedOut) return { ok: false, detail: 'imf_register timed out' };
    if (r.error !== undefined) return { ok: false, detail: r.error };
    if (r.exitCode !== 0) return { ok: false, detail: `imf_register exited ${r.exitCode}` };
    const id = parseRegisterId(r.pipeLines);
    if (!id) return { ok: false, detail: 'imf_register wrote no resource ID' };
    return { ok: true, id };
  }

  async unregister(res: Resource, state: 'online' | 'offline'): Promise<void> {
    await this.host.exec(res, ['VCSAgIMFMonitorStop', state === 'online' ? 'VCSAgIMFResOnline' : 'VCSAgIMFResOffline'], this.host.timeoutOf(this.type));
  }

  /** Resolves at the next READY (or at once when ready). */
  whenReady(): Promise<void> {
    if (this.available()) return Promise.resolve();
    return new Promise((r) => this.readyWaiters.push(r));
  }

  /** Stops imf_getnotification and waits for it to exit. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.ready = false;
    if (!this.proc) return;
    const gone = new Promise<void>((r) => this.exitWaiters.push(r));
    this.daemonAbort.abort();
    await gone;
  }
}
