/**
 * One resource as VCS's agent framework drives it (Agent Developer's Guide;
 * research/vcs-facts.md §1.2, §2, §3):
 *
 *   - one entry point at a time: every piece of work is an operation in this
 *     resource's queue, and operations run one after another;
 *   - probe, then monitor every MonitorInterval (online) or
 *     OfflineMonitorInterval (offline; 0 = not monitored);
 *   - online/offline, then monitors after the wait the entry point asked
 *     for, up to OnlineWaitLimit / OfflineWaitLimit more intervals, else
 *     clean (reason 3 / 1) — without a clean entry point the online wait
 *     goes on, one monitor every MonitorInterval, until the resource comes
 *     online; an entry point that outlives OnlineTimeout /
 *     OfflineTimeout is killed and cleaned (reason 2 / 0);
 *   - an ONLINE resource reported OFFLINE: ToleranceLimit reports are
 *     tolerated, then clean (reason 4) and RestartLimit restarts within
 *     ConfInterval (never less than (MI + MT) × TL + MI + 10), then
 *     FAULTED; OnlineRetryLimit retries of a failed online;
 *   - FaultOnMonitorTimeouts consecutive monitor timeouts of an ONLINE
 *     resource: clean (reason 5), then as above;
 *   - monitor exit 200 with IntentionalOffline 1: OFFLINE, no fault;
 *   - ManageFaults NONE: ADMIN_WAIT instead of clean; a failed clean is
 *     retried every MonitorInterval (CleanRetryLimit times, 0 = always);
 *   - migrate: wait exit × 10 s, then monitor (MigrateWaitLimit intervals);
 *   - info every InfoInterval seconds while ONLINE (resinfo_op 1, then 2),
 *     InfoTimeout capped at MonitorInterval / 2;
 *   - IMF: registration after two equal monitor results; a notification is
 *     confirmed by a traditional monitor; every MonitorFreq-th interval a
 *     traditional monitor anyway; RegisterRetryLimit, then polling.
 */
import type { CleanReason } from '../agent/define.js';
import { CLEAN_REASONS } from '../agent/define.js';
import type { EntryPointName } from '../agent/entrypoints.js';
import { interpretMonitorExit, interpretWaitExit } from '../agent/exitcodes.js';
import { entryPointTimeout } from '../agent/typeinfo.js';
import type { Clock, Timer } from '../clock.js';
import type { AgentState, ResourceState, RunnerEvent, StateCause } from './events.js';
import { type ResourceSettings, effectiveConfInterval, imfCovers } from './settings.js';

type EventBody = RunnerEvent extends infer E ? (E extends unknown ? Omit<E, 'time' | 'system'> : never) : never;

export interface EpOutcome {
  exitCode: number | null;
  timedOut: boolean;
  /** Could not be started, or killed by something other than its timeout. */
  error?: string;
  pipeLines: string[];
  /** What it printed (info's ResourceInfo text). */
  stdout?: string;
}

export type MonitorResultKind = 'online' | 'offline' | 'unknown' | 'intentional-offline' | 'timeout';

export interface MonitorResult {
  result: MonitorResultKind;
  confidence: number;
}

const isOffline = (m: MonitorResult) => m.result === 'offline' || m.result === 'intentional-offline';

/** What the resource needs from the runner. */
export interface ResourceHost {
  clock: Clock;
  /** Aborts every wait when the runner stops. */
  stopSignal: AbortSignal;
  emit(e: EventBody): void;
  implements(type: string, ep: EntryPointName): boolean;
  /** Runs an entry point with its time limit (seconds). */
  exec(res: Resource, ep: EntryPointName, leading: string[], timeoutSeconds: number, opts?: { vcsInfo?: Record<string, string>; pipe?: boolean }): Promise<EpOutcome>;
  /** The resource's engine state changed (the group recomputes). */
  stateChanged(res: Resource): void;
  /** The type's IMF service, when the type has one. */
  imf(type: string): ImfService | undefined;
}

/** The runner's view of one type's imf_getnotification. */
export interface ImfService {
  /** imf_getnotification is up and said READY. */
  available(): boolean;
  register(res: Resource, state: 'online' | 'offline'): Promise<{ ok: true; id: string } | { ok: false; detail: string }>;
  unregister(res: Resource, state: 'online' | 'offline'): Promise<void>;
}

export interface ResourceSpec {
  name: string;
  type: string;
  group: string;
  critical: boolean;
  enabled: boolean;
  /** OnOff, OnOnly (never taken offline) or None (persistent: only monitored). */
  operations: 'OnOff' | 'OnOnly' | 'None';
  /** MonitorOnly 1: VCS never onlines or offlines it. */
  monitorOnly: boolean;
  /** The group's ManageFaults. */
  manageFaults: 'ALL' | 'NONE';
  /** CleanRetryLimit (0: retry a failed clean for ever). */
  cleanRetryLimit: number;
  settings: ResourceSettings;
}

class Stopped extends Error {}

interface ImfStatus {
  status: 'none' | 'registered' | 'disabled';
  id?: string;
  state?: 'online' | 'offline';
  failures: number;
  /** Intervals since registration, to run every MonitorFreq-th traditional monitor. */
  intervals: number;
}

interface PendingClean {
  reason: CleanReason;
  failures: number;
  /** What to do once clean finally succeeds. */
  resume: () => Promise<void>;
}

export class Resource {
  readonly name: string;
  readonly type: string;
  readonly group: string;
  settings: ResourceSettings;

  state: ResourceState = 'unknown';
  agentState: AgentState = 'detached';
  /** VCS means it to be online (brought online, or found online): an OFFLINE report is then a fault. */
  expectOnline = false;
  /** Online by intention of the application (monitor 200 with IntentionalOffline 1). */
  intentionalOffline = false;
  confidence = 0;

  toleranceCount = 0;
  restartCount = 0;
  monitorTimeouts = 0;
  private stableSince = 0;
  private lastProblemAt = 0;
  private history: MonitorResultKind[] = [];
  readonly imfStatus: ImfStatus = { status: 'none', failures: 0, intervals: 0 };
  private pendingClean: PendingClean | undefined;
  /** Online without clean, past OnlineWaitLimit: the callers of online() wait for the resource to come up. */
  private onlineWaiters: ((r: 'online' | 'failed') => void)[] = [];
  private infoTimer: Timer | undefined;
  /** info has run (resinfo_op 1) since the resource last came online. */
  private infoInitialized = false;

  private queue: (() => Promise<void>)[] = [];
  private running = false;
  private idleWaiters: (() => void)[] = [];
  private timer: Timer | undefined;
  private stopped = false;

  constructor(
    readonly spec: ResourceSpec,
    private readonly host: ResourceHost,
  ) {
    this.name = spec.name;
    this.type = spec.type;
    this.group = spec.group;
    this.settings = spec.settings;
  }

  /* ------------------------------------------------------------------ queue */

  /**
   * Runs `fn` after the operations already queued: one entry point per
   * resource at a time. An operation restarts the monitor cadence from its
   * end, unless `keepCadence` (light work: a notification, an attribute).
   */
  private enqueue<T>(fn: () => Promise<T>, keepCadence = false): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push(async () => {
        try {
          resolve(await fn());
        } catch (e) {
          reject(e);
        }
      });
      if (!keepCadence) this.cancelTimer();
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const op = this.queue.shift()!;
        await op();
      }
    } finally {
      this.running = false;
    }
    if (!this.stopped && !this.timer) this.schedule();
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves when no operation is running or queued. */
  idle(): Promise<void> {
    if (!this.running && this.queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  get busy(): boolean {
    return this.running || this.queue.length > 0;
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** Catches the runner stopping inside an operation. */
  private guard(fn: () => Promise<void>): () => Promise<void> {
    return async () => {
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof Stopped)) {
          this.host.emit({ kind: 'error', resource: this.name, detail: e instanceof Error ? e.message : String(e) });
        }
      }
    };
  }

  /** The next periodic tick, from the state the resource is in now. */
  private schedule(): void {
    this.cancelTimer();
    if (this.stopped || this.agentState === 'detached' || this.agentState === 'admin-wait') return;
    const s = this.settings;
    let seconds: number;
    if (this.pendingClean || this.agentState === 'probing' || this.agentState === 'going-online-waiting') seconds = s.MonitorInterval;
    else if (this.state === 'online' || (this.state === 'unknown' && this.expectOnline)) seconds = s.MonitorInterval;
    else seconds = s.OfflineMonitorInterval;
    if (this.imfStatus.status === 'registered' && s.IMF.MonitorFreq === 0) return;
    if (seconds <= 0) return;
    this.timer = this.host.clock.setTimer(seconds * 1000, () => {
      this.timer = undefined;
      void this.enqueue(this.guard(() => this.tick()), true);
    });
  }

  /* ------------------------------------------------------- state reporting */

  private setAgent(to: AgentState): void {
    if (to === this.agentState) return;
    const from = this.agentState;
    this.agentState = to;
    this.host.emit({ kind: 'agent-state', resource: this.name, from, to });
  }

  private setState(to: ResourceState, cause: StateCause): void {
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    if (this.imfStatus.status === 'disabled') this.imfStatus.status = 'none';
    this.imfStatus.failures = 0;
    this.host.emit({
      kind: 'resource-state',
      resource: this.name,
      type: this.type,
      group: this.group,
      from,
      to,
      cause,
      ...(cause === 'intentional-offline' ? { intentional: true } : {}),
    });
    this.host.stateChanged(this);
    if (to === 'online') {
      this.infoInitialized = false;
      this.scheduleInfo();
    } else {
      this.infoTimer?.cancel();
      this.infoTimer = undefined;
    }
  }

  /** The next info run, every InfoInterval seconds while ONLINE (0: never). */
  private scheduleInfo(): void {
    this.infoTimer?.cancel();
    this.infoTimer = undefined;
    const every = this.settings.InfoInterval;
    if (this.stopped || every <= 0 || this.state !== 'online' || !this.host.implements(this.type, 'info')) return;
    this.infoTimer = this.host.clock.setTimer(every * 1000, () => {
      this.infoTimer = undefined;
      void this.enqueue(this.guard(() => this.info()), true);
    });
  }

  /** info: resinfo_op 1 the first time after coming online (initialize), 2 afterwards (update). */
  private async info(): Promise<void> {
    if (this.state !== 'online' || this.agentState !== 'online') return this.scheduleInfo();
    const op = this.infoInitialized ? 2 : 1;
    // InfoTimeout is capped at MonitorInterval / 2, as ActionTimeout.
    const timeout = entryPointTimeout('info', this.settings as unknown as Record<string, number>);
    const r = await this.host.exec(this, 'info', [String(op)], timeout);
    if (this.stopped) throw new Stopped();
    const ok = !r.timedOut && r.error === undefined && r.exitCode === 0;
    if (ok) this.infoInitialized = true;
    this.host.emit({ kind: 'info', resource: this.name, op, ok, ...(ok ? { text: r.stdout ?? '' } : {}), ...(r.timedOut ? { timedOut: true } : {}) });
    this.scheduleInfo();
  }

  private async sleep(seconds: number): Promise<void> {
    if (seconds > 0) await this.host.clock.sleep(seconds * 1000, this.host.stopSignal);
    if (this.stopped) throw new Stopped();
  }

  private get now(): number {
    return this.host.clock.now();
  }

  /* ----------------------------------------------------------- entry points */

  /** After an online, offline or migrate: monitors now and then every MonitorInterval, `waitLimit` more times at most, until `reached`. */
  private async monitorUntil(waitLimit: number, reached: (m: MonitorResult) => boolean): Promise<boolean> {
    for (let i = 0; i <= waitLimit; i++) {
      if (i > 0) await this.sleep(this.settings.MonitorInterval);
      if (reached(await this.monitor('wait'))) return true;
    }
    return false;
  }

  private async monitor(via: 'poll' | 'imf' | 'wait' | 'probe'): Promise<MonitorResult> {
    const r = await this.host.exec(this, 'monitor', [], this.settings.MonitorTimeout);
    if (this.stopped) throw new Stopped();
    let out: MonitorResult;
    if (r.timedOut) out = { result: 'timeout', confidence: 0 };
    else if (r.error !== undefined) out = { result: 'unknown', confidence: 0 };
    else {
      const m = interpretMonitorExit(r.exitCode);
      out = { result: m.state, confidence: m.confidence };
    }
    if (out.result === 'online') this.confidence = out.confidence;
    // IMF's steady state: the last two results.
    this.history.push(out.result);
    if (this.history.length > 2) this.history.shift();
    this.host.emit({ kind: 'monitor', resource: this.name, result: out.result, confidence: out.confidence, via });
    return out;
  }

  private get hasClean(): boolean {
    return this.host.implements(this.type, 'clean');
  }

  private async clean(reason: CleanReason): Promise<boolean> {
    const code = CLEAN_REASONS.indexOf(reason);
    const before = this.agentState;
    this.setAgent('cleaning');
    const r = await this.host.exec(this, 'clean', [String(code)], this.settings.CleanTimeout);
    if (this.stopped) throw new Stopped();
    const ok = !r.timedOut && r.error === undefined && r.exitCode === 0;
    this.host.emit({ kind: 'clean', resource: this.name, reason, code, ok });
    if (!ok) this.setAgent(before);
    return ok;
  }

  /* ---------------------------------------------------------------- IMF */

  private get imf(): ImfService | undefined {
    return this.settings.IMF.Mode > 0 ? this.host.imf(this.type) : undefined;
  }

  private async imfUnregister(why: string): Promise<void> {
    const st = this.imfStatus;
    if (st.status !== 'registered') return;
    const state = st.state ?? 'online';
    st.status = 'none';
    st.id = undefined;
    st.state = undefined;
    this.history = [];
    this.host.emit({ kind: 'imf-unregistered', resource: this.name, why });
    const svc = this.host.imf(this.type);
    if (svc?.available()) await svc.unregister(this, state);
  }

  /** After a traditional monitor in a steady state: register once two results agree. */
  private async imfSteady(result: MonitorResultKind): Promise<void> {
    const svc = this.imf;
    const st = this.imfStatus;
    if (!svc || st.status !== 'none' || !svc.available() || this.recoveries > 0) return;
    if (this.history.length < 2 || this.history[0] !== this.history[1]) return;
    if (result !== 'online' && result !== 'offline') return;
    if (!imfCovers(this.settings.IMF.Mode, result)) return;
    if (this.pendingClean || this.state === 'faulted') return;
    const r = await svc.register(this, result);
    if (this.stopped) throw new Stopped();
    if (r.ok) {
      st.status = 'registered';
      st.id = r.id;
      st.state = result;
      st.intervals = 0;
      st.failures = 0;
      this.host.emit({ kind: 'imf-registered', resource: this.name, state: result, id: r.id });
      return;
    }
    st.failures++;
    const limit = this.settings.IMF.RegisterRetryLimit;
    this.host.emit({ kind: 'imf-register-failed', resource: this.name, attempt: st.failures, limit, detail: r.detail });
    if (st.failures > limit) {
      st.status = 'disabled';
      this.host.emit({ kind: 'imf-disabled', resource: this.name, why: `RegisterRetryLimit ${limit} reached; polling until the state or IMF Mode changes` });
    }
  }

  /** imf_getnotification reported a change: confirm with a traditional monitor. */
  imfNotification(id: string, state: string): Promise<void> {
    return this.enqueue(
      this.guard(async () => {
        if (this.imfStatus.status !== 'registered' || (this.imfStatus.id !== undefined && this.imfStatus.id !== id)) return;
        this.host.emit({ kind: 'imf-notification', resource: this.name, state, id });
        const m = await this.monitor('imf');
        await this.handleSteady(m);
      }),
      true,
    );
  }

  /** imf_getnotification died: its registrations went with it; poll until it is back. */
  imfLost(): void {
    const st = this.imfStatus;
    if (st.status !== 'registered') return;
    st.status = 'none';
    st.id = undefined;
    st.state = undefined;
    this.host.emit({ kind: 'imf-unregistered', resource: this.name, why: 'imf_getnotification exited; traditional monitoring' });
    // MonitorFreq 0 left no timer running: monitoring resumes on the usual cadence.
    if (!this.timer && !this.busy) this.schedule();
  }

  /** Recovered registrations waiting for their turn in the queue: no new registration meanwhile. */
  private recoveries = 0;

  /** A restarted imf_getnotification still holds this registration. */
  imfRecovered(id: string, state: 'online' | 'offline'): Promise<void> {
    this.recoveries++;
    return this.enqueue(
      this.guard(async () => {
        this.recoveries--;
        const st = this.imfStatus;
        const steady = (this.agentState === 'online' || this.agentState === 'offline') && !this.pendingClean;
        const svc = this.host.imf(this.type);
        if (st.status === 'registered') return;
        if (steady && this.state === state && this.imf && imfCovers(this.settings.IMF.Mode, state) && st.status === 'none') {
          st.status = 'registered';
          st.id = id;
          st.state = state;
          st.intervals = 0;
          this.host.emit({ kind: 'imf-registered', resource: this.name, state, id });
          return;
        }
        // The registration no longer matches what the resource is: drop it.
        if (svc?.available()) await svc.unregister(this, state);
      }),
      true,
    );
  }

  /* ------------------------------------------------------------ lifecycle */

  /** open, then probe. */
  start(): Promise<void> {
    if (!this.spec.enabled) return Promise.resolve();
    return this.enqueue(
      this.guard(async () => {
        this.setAgent('probing');
        await this.host.exec(this, 'open', [], this.settings.OpenTimeout);
        await this.probeOnce();
      }),
    );
  }

  private async probeOnce(): Promise<void> {
    const m = await this.monitor('probe');
    if (m.result === 'online') {
      this.expectOnline = true;
      this.setAgent('online');
      this.stableSince = this.now;
      this.setState('online', 'probe');
    } else if (m.result === 'offline' || m.result === 'intentional-offline') {
      this.setAgent('offline');
      this.setState('offline', 'probe');
    }
    // unknown or timed out: still probing; the next tick probes again.
  }

  /** One periodic interval. */
  private async tick(): Promise<void> {
    if (this.pendingClean) return this.retryPendingClean();
    if (this.agentState === 'probing') return this.probeOnce();
    const st = this.imfStatus;
    if (st.status === 'registered') {
      st.intervals++;
      const freq = this.settings.IMF.MonitorFreq;
      if (freq === 0 || st.intervals % freq !== 0) return;
    }
    const m = await this.monitor('poll');
    await this.handleSteady(m);
  }

  /** Interprets a monitor result outside online/offline/migrate. */
  private async handleSteady(m: MonitorResult): Promise<void> {
    const s = this.settings;
    if (this.state === 'faulted') {
      // A fault stays until it is cleared (hares -clear); monitoring goes on.
      return;
    }
    if (this.agentState === 'going-online-waiting') return this.continueOnlineWait(m);
    if (this.expectOnline && m.result === 'intentional-offline' && s.IntentionalOffline === 1) {
      // Stopped on purpose outside VCS (monitor 200): OFFLINE, not a fault.
      this.monitorTimeouts = 0;
      await this.imfUnregister('intentional offline');
      this.expectOnline = false;
      this.intentionalOffline = true;
      this.setAgent('offline');
      this.setState('offline', 'intentional-offline');
      return;
    }
    if (this.expectOnline) {
      switch (m.result) {
        case 'timeout': {
          this.monitorTimeouts++;
          this.lastProblemAt = this.now;
          this.host.emit({ kind: 'monitor-timeout', resource: this.name, count: this.monitorTimeouts, limit: s.FaultOnMonitorTimeouts });
          if (s.FaultOnMonitorTimeouts > 0 && this.monitorTimeouts >= s.FaultOnMonitorTimeouts) {
            await this.fault('monitor-hung');
          }
          return;
        }
        case 'unknown':
          this.monitorTimeouts = 0;
          this.setState('unknown', 'not-vcs-initiated');
          return;
        case 'online': {
          this.monitorTimeouts = 0;
          if (this.state !== 'online') this.setState('online', 'not-vcs-initiated');
          this.setAgent('online');
          this.checkConfInterval();
          await this.imfSteady('online');
          return;
        }
        // IntentionalOffline 0: an application stopped outside VCS is a fault like any other.
        case 'intentional-offline':
        case 'offline': {
          this.monitorTimeouts = 0;
          this.toleranceCount++;
          this.lastProblemAt = this.now;
          if (this.toleranceCount <= s.ToleranceLimit) {
            this.host.emit({ kind: 'tolerated-offline', resource: this.name, count: this.toleranceCount, limit: s.ToleranceLimit });
            // Poll at MonitorInterval while tolerating, not at IMF's MonitorFreq.
            await this.imfUnregister('offline report within ToleranceLimit');
            return;
          }
          await this.fault('unexpected-offline');
          return;
        }
      }
    }
    // Not meant to be online: offline, or found online outside VCS.
    switch (m.result) {
      case 'online':
        this.intentionalOffline = false;
        this.setAgent('online');
        this.setState('online', 'not-vcs-initiated');
        this.expectOnline = true;
        this.stableSince = this.now;
        await this.imfSteady('online');
        return;
      case 'offline':
      case 'intentional-offline':
        this.setAgent('offline');
        if (this.state !== 'offline') this.setState('offline', 'not-vcs-initiated');
        await this.imfSteady('offline');
        return;
      case 'unknown':
        this.setState('unknown', 'not-vcs-initiated');
        return;
      case 'timeout':
        // Monitor timeouts fault only ONLINE resources.
        this.host.emit({ kind: 'monitor-timeout', resource: this.name, count: 0, limit: 0 });
        return;
    }
  }

  /** ConfInterval: counters clear once the resource has stayed online, trouble-free, that long. */
  private checkConfInterval(): void {
    if (this.toleranceCount === 0 && this.restartCount === 0 && this.monitorTimeouts === 0) return;
    const since = Math.max(this.stableSince, this.lastProblemAt);
    const confInterval = effectiveConfInterval(this.settings);
    if (this.now - since >= confInterval * 1000) {
      this.toleranceCount = 0;
      this.restartCount = 0;
      this.monitorTimeouts = 0;
      this.host.emit({ kind: 'counters-reset', resource: this.name, after: confInterval });
    }
  }

  /** Unexpected offline or hung monitor of an ONLINE resource. */
  private async fault(reason: 'unexpected-offline' | 'monitor-hung'): Promise<void> {
    await this.imfUnregister(reason === 'monitor-hung' ? 'monitor hung' : 'resource went offline');
    if (this.spec.manageFaults === 'NONE') return this.adminWait(reason);
    if (!this.hasClean) {
      // Without clean the framework cannot restart a resource: it faults.
      this.expectOnline = false;
      this.setAgent('offline');
      this.setState('faulted', 'fault');
      return;
    }
    const resume = () => this.afterFaultClean();
    if (!(await this.clean(reason))) return this.cleanFailed(reason, resume);
    await resume();
  }

  private async afterFaultClean(): Promise<void> {
    const s = this.settings;
    if (this.restartCount < s.RestartLimit) {
      this.restartCount++;
      this.lastProblemAt = this.now;
      this.toleranceCount = 0;
      this.host.emit({ kind: 'restart', resource: this.name, attempt: this.restartCount, limit: s.RestartLimit });
      await this.onlineProcedure('restart');
      return;
    }
    this.expectOnline = false;
    this.setAgent('offline');
    this.setState('faulted', 'fault');
  }

  private adminWait(reason: CleanReason): void {
    this.setAgent('admin-wait');
    this.host.emit({ kind: 'admin-wait', resource: this.name, reason });
  }

  private cleanFailed(reason: CleanReason, resume: () => Promise<void>): void {
    this.pendingClean = { reason, failures: 1, resume };
    if (reason === 'offline-hung' || reason === 'offline-ineffective') this.host.emit({ kind: 'unable-to-offline', resource: this.name });
  }

  /** A failed clean is tried again every MonitorInterval (CleanRetryLimit times; 0: until it works). */
  private async retryPendingClean(): Promise<void> {
    const p = this.pendingClean!;
    if (await this.clean(p.reason)) {
      this.pendingClean = undefined;
      await p.resume();
      return;
    }
    p.failures++;
    const limit = this.spec.cleanRetryLimit;
    if (limit > 0 && p.failures > limit) {
      this.pendingClean = undefined;
      this.adminWait(p.reason);
    }
  }

  /* ------------------------------------------------------------- commands */

  /**
   * Brings the resource online (a no-op when it already is). Without a clean
   * entry point, an online still not effective after OnlineWaitLimit keeps
   * being monitored: the promise settles once the resource is online, or
   * when it is taken offline or the runner stops ('failed').
   */
  async online(): Promise<'online' | 'faulted' | 'failed'> {
    const r = await this.enqueue(async () => {
      if (this.state === 'online' && this.expectOnline) return 'online' as const;
      if (this.state === 'faulted') return 'faulted' as const;
      if (this.agentState === 'going-online-waiting') return 'waiting' as const;
      if (this.spec.operations === 'None' || this.spec.monitorOnly) return this.state === 'online' ? ('online' as const) : ('failed' as const);
      try {
        return await this.onlineProcedure('vcs-initiated');
      } catch (e) {
        if (e instanceof Stopped) return 'failed' as const;
        throw e;
      }
    });
    if (r !== 'waiting') return r;
    return new Promise((resolve) => this.onlineWaiters.push(resolve));
  }

  /** The online wait (without clean) is over. */
  private endOnlineWait(outcome: 'online' | 'failed'): void {
    for (const w of this.onlineWaiters.splice(0)) w(outcome);
  }

  /** A monitor while still waiting for an online without clean to take effect. */
  private async continueOnlineWait(m: MonitorResult): Promise<void> {
    if (m.result !== 'online') return;
    this.setAgent('online');
    this.monitorTimeouts = 0;
    this.stableSince = this.now;
    this.setState('online', 'vcs-initiated');
    this.endOnlineWait('online');
    await this.imfSteady('online');
  }

  private async onlineProcedure(cause: 'vcs-initiated' | 'restart'): Promise<'online' | 'faulted' | 'failed' | 'waiting'> {
    const s = this.settings;
    await this.imfUnregister('online');
    this.expectOnline = true;
    this.intentionalOffline = false;
    let retries = 0;
    for (;;) {
      this.setAgent('going-online');
      const r = await this.host.exec(this, 'online', [], s.OnlineTimeout);
      if (this.stopped) throw new Stopped();
      let reason: CleanReason;
      if (r.timedOut) reason = 'online-hung';
      else {
        this.setAgent('going-online-waiting');
        await this.sleep(r.error === undefined ? interpretWaitExit('online', r.exitCode) : 0);
        if (await this.monitorUntil(s.OnlineWaitLimit, (m) => m.result === 'online')) {
          this.setAgent('online');
          this.monitorTimeouts = 0;
          this.stableSince = this.now;
          // After a restart the engine saw no state change; otherwise this is VCS's online.
          this.setState('online', cause === 'restart' ? 'restart' : 'vcs-initiated');
          return 'online';
        }
        reason = 'online-ineffective';
      }
      if (reason === 'online-ineffective' && !this.hasClean && this.spec.manageFaults === 'ALL') {
        // "If clean is not implemented, the agent continues to periodically run
        // monitor until the resource is brought online" (OnlineWaitLimit).
        this.host.emit({ kind: 'online-still-waiting', resource: this.name, monitors: s.OnlineWaitLimit + 1 });
        return 'waiting';
      }
      this.host.emit({ kind: 'online-failed', resource: this.name, reason });
      if (this.spec.manageFaults === 'NONE') {
        this.adminWait(reason);
        return 'failed';
      }
      if (!this.hasClean) {
        this.expectOnline = false;
        this.setAgent('offline');
        this.setState('faulted', 'fault');
        return 'faulted';
      }
      const giveUp = async () => {
        this.expectOnline = false;
        this.setAgent('offline');
        this.setState('faulted', 'fault');
      };
      if (!(await this.clean(reason))) {
        this.cleanFailed(reason, giveUp);
        return 'failed';
      }
      if (retries < s.OnlineRetryLimit) {
        retries++;
        this.host.emit({ kind: 'online-retry', resource: this.name, attempt: retries, limit: s.OnlineRetryLimit });
        continue;
      }
      await giveUp();
      return 'faulted';
    }
  }

  /** Takes the resource offline (a no-op when it already is). */
  offline(): Promise<'offline' | 'failed'> {
    return this.enqueue(async () => {
      if (this.spec.operations !== 'OnOff' || this.spec.monitorOnly) return 'offline' as const;
      if (this.agentState === 'going-online-waiting') {
        // Still waiting for an online without clean: it may have half worked; offline it.
        this.endOnlineWait('failed');
      } else if (this.state === 'offline' || this.state === 'faulted') {
        this.expectOnline = false;
        return 'offline' as const;
      }
      try {
        return await this.offlineProcedure();
      } catch (e) {
        if (e instanceof Stopped) return 'failed' as const;
        throw e;
      }
    });
  }

  private async offlineProcedure(): Promise<'offline' | 'failed'> {
    const s = this.settings;
    await this.imfUnregister('offline');
    this.expectOnline = false;
    this.setAgent('going-offline');
    const r = await this.host.exec(this, 'offline', [], s.OfflineTimeout);
    if (this.stopped) throw new Stopped();
    let reason: CleanReason;
    if (r.timedOut) reason = 'offline-hung';
    else {
      this.setAgent('going-offline-waiting');
      await this.sleep(r.error === undefined ? interpretWaitExit('offline', r.exitCode) : 0);
      if (await this.monitorUntil(s.OfflineWaitLimit, isOffline)) {
        this.setAgent('offline');
        this.setState('offline', 'vcs-initiated');
        return 'offline';
      }
      reason = 'offline-ineffective';
    }
    this.host.emit({ kind: 'offline-failed', resource: this.name, reason });
    if (this.spec.manageFaults === 'NONE') {
      this.adminWait(reason);
      return 'failed';
    }
    const cleaned = async () => {
      this.setAgent('offline');
      this.setState('offline', 'clean');
    };
    if (!this.hasClean) {
      this.host.emit({ kind: 'unable-to-offline', resource: this.name });
      return 'failed';
    }
    if (!(await this.clean(reason))) {
      this.cleanFailed(reason, cleaned);
      return 'failed';
    }
    await cleaned();
    return 'offline';
  }

  /** migrate to `target`: wait exit × 10 s, then monitor until the resource is gone from here. */
  migrate(target: string): Promise<'migrated' | 'failed'> {
    return this.enqueue(async () => {
      try {
        return await this.migrateProcedure(target);
      } catch (e) {
        if (e instanceof Stopped) return 'failed' as const;
        throw e;
      }
    });
  }

  private async migrateProcedure(target: string): Promise<'migrated' | 'failed'> {
    const s = this.settings;
    if (this.state !== 'online') {
      this.host.emit({ kind: 'migrate-failed', resource: this.name, target, detail: `resource is ${this.state}, not online` });
      return 'failed';
    }
    if (!this.host.implements(this.type, 'migrate')) {
      this.host.emit({ kind: 'migrate-failed', resource: this.name, target, detail: `${this.type} has no migrate entry point` });
      return 'failed';
    }
    await this.imfUnregister('migrate');
    this.setAgent('migrating');
    const r = await this.host.exec(this, 'migrate', [], s.MigrateTimeout, { vcsInfo: { TargetHost: target } });
    if (this.stopped) throw new Stopped();
    if (r.timedOut || r.error !== undefined) {
      this.host.emit({ kind: 'migrate-failed', resource: this.name, target, detail: r.timedOut ? `migrate did not finish within MigrateTimeout ${s.MigrateTimeout} s` : r.error! });
      this.setAgent('online');
      return 'failed';
    }
    const wait = interpretWaitExit('migrate', r.exitCode);
    this.host.emit({ kind: 'migrate', resource: this.name, target, waitSeconds: wait });
    await this.sleep(wait);
    if (await this.monitorUntil(s.MigrateWaitLimit, isOffline)) {
      this.expectOnline = false;
      this.setAgent('offline');
      this.setState('offline', 'migrated');
      return 'migrated';
    }
    this.host.emit({ kind: 'migrate-failed', resource: this.name, target, detail: `still online here after MigrateWaitLimit ${s.MigrateWaitLimit} monitor intervals` });
    this.setAgent('online');
    return 'failed';
  }

  /** hares -probe: one traditional monitor now (it counts against ToleranceLimit like any other). */
  probe(): Promise<void> {
    return this.enqueue(
      this.guard(async () => {
        if (this.agentState === 'probing') return this.probeOnce();
        const m = await this.monitor('poll');
        await this.handleSteady(m);
      }),
    );
  }

  /** hares -clear: a FAULTED (or ADMIN_WAIT) resource becomes OFFLINE and its counters start over. */
  clear(): Promise<void> {
    return this.enqueue(
      this.guard(async () => {
        if (this.state !== 'faulted' && this.agentState !== 'admin-wait') return;
        this.toleranceCount = 0;
        this.restartCount = 0;
        this.monitorTimeouts = 0;
        this.pendingClean = undefined;
        this.expectOnline = false;
        const m = await this.monitor('probe');
        this.setAgent(m.result === 'online' ? 'online' : 'offline');
        if (m.result === 'online') {
          this.expectOnline = true;
          this.setState('online', 'clear');
        } else this.setState('offline', 'clear');
      }),
    );
  }

  /**
   * hares -modify: new settings or ArgList values have been applied by the
   * runner; `imfRelevant` says whether the attribute is in IMFRegList (or in
   * the ArgList when there is none), which unregisters the resource.
   */
  attributeChanged(imfRelevant: boolean, attrChanged?: { attribute: string; value: string[] }): Promise<void> {
    return this.enqueue(
      this.guard(async () => {
        if (imfRelevant) await this.imfUnregister('an IMFRegList attribute changed');
        if (this.imfStatus.status === 'disabled') this.imfStatus.status = 'none';
        if (this.settings.IMF.Mode === 0 || (this.imfStatus.state && !imfCovers(this.settings.IMF.Mode, this.imfStatus.state))) {
          await this.imfUnregister('IMF Mode changed');
        }
        if (attrChanged && this.host.implements(this.type, 'attr_changed')) {
          await this.host.exec(this, 'attr_changed', [this.name, attrChanged.attribute, ...attrChanged.value], this.settings.AttrChangedTimeout);
        }
      }),
      true,
    );
  }

  /**
   * Stops scheduling: the runner is going away. Queued operations still run,
   * but every wait and entry point in them ends at once (the runner aborts
   * them), so each settles quickly and nobody awaiting one hangs.
   */
  halt(): void {
    this.stopped = true;
    this.cancelTimer();
    this.infoTimer?.cancel();
    this.infoTimer = undefined;
    this.endOnlineWait('failed');
  }
}

export type { EventBody };
