/**
 * A notification source that polls in batches: registrations are grouped by
 * their target's `group` (an HMC and managed system, a host), and each poll
 * runs one query per group, however many resources it holds. Polls do not
 * overlap; a failed query is logged and its resources are not judged (no
 * notification), so an outage of the queried system does not fault anything
 * by itself — the framework's traditional monitor (MonitorFreq) still runs.
 */
import { type Clock, realClock } from '../clock.js';
import type { ObservedState, Registration } from './protocol.js';
import { type NotificationSource, type Observe, type SourceLogger, silentSourceLogger } from './source.js';

/** One query for one group: the state of each key it knows (missing keys are unknown). */
export type BatchQuery = (group: string, regs: readonly Registration[], signal: AbortSignal) => Promise<ReadonlyMap<string, ObservedState>>;

export interface PollStats {
  /** Queries run (one per group). */
  queries: number;
  registrations: number;
  failed: number;
  ms: number;
}

export interface BatchedPollerOptions {
  intervalMs: number;
  query: BatchQuery;
  log?: SourceLogger;
  /** Bound for one query (default: max(10 s, 5 intervals)). */
  queryTimeoutMs?: number;
  clock?: Clock;
  onPoll?(stats: PollStats): void;
}

export class BatchedPoller implements NotificationSource {
  private readonly regs = new Map<string, Registration>();
  private observe: Observe | undefined;
  private readonly closing = new AbortController();
  private loop: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly log: SourceLogger;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: BatchedPollerOptions) {
    this.clock = opts.clock ?? realClock();
    this.log = opts.log ?? silentSourceLogger;
  }

  start(observe: Observe): void {
    this.observe = observe;
    this.loop = this.run();
  }

  add(reg: Registration): void {
    this.regs.set(reg.resource, reg);
    // Nothing was being polled: start polling now rather than after a whole idle interval.
    if (this.regs.size === 1) this.wake?.();
  }

  remove(resource: string): void {
    this.regs.delete(resource);
  }

  /** Runs one poll now (tests; the loop calls it on its own). */
  async pollOnce(): Promise<PollStats> {
    const started = this.clock.now();
    const groups = new Map<string, Registration[]>();
    for (const r of this.regs.values()) {
      const list = groups.get(r.target.group);
      if (list) list.push(r);
      else groups.set(r.target.group, [r]);
    }
    let failed = 0;
    const timeout = this.opts.queryTimeoutMs ?? Math.max(10_000, this.opts.intervalMs * 5);
    await Promise.all(
      [...groups].map(async ([group, regs]) => {
        const ac = new AbortController();
        const onClose = () => ac.abort();
        this.closing.signal.addEventListener('abort', onClose, { once: true });
        const timer = this.clock.setTimer(timeout, () => ac.abort());
        try {
          const states = await this.opts.query(group, regs, ac.signal);
          if (this.closing.signal.aborted) return;
          for (const r of regs) {
            // Still registered, and for the same thing, by the time the answer came?
            if (this.regs.get(r.resource) !== r) continue;
            this.observe?.(r.resource, states.get(r.target.key) ?? 'unknown');
          }
        } catch (e) {
          failed++;
          if (!this.closing.signal.aborted) this.log.warn({ group, err: e instanceof Error ? e.message : String(e) }, 'poll of %s failed: %s', group, e instanceof Error ? e.message : String(e));
        } finally {
          timer.cancel();
          this.closing.signal.removeEventListener('abort', onClose);
        }
      }),
    );
    const stats = { queries: groups.size, registrations: [...groups.values()].reduce((n, l) => n + l.length, 0), failed, ms: this.clock.now() - started };
    this.opts.onPoll?.(stats);
    return stats;
  }

  private async run(): Promise<void> {
    while (!this.closing.signal.aborted) {
      const started = this.clock.now();
      if (this.regs.size > 0) await this.pollOnce();
      const wait = this.regs.size > 0 ? Math.max(0, this.opts.intervalMs - (this.clock.now() - started)) : this.opts.intervalMs;
      if (this.closing.signal.aborted) break;
      await new Promise<void>((resolve) => {
        const signal = this.closing.signal;
        const done = () => {
          t.cancel();
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const t = this.clock.setTimer(wait, done);
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.loop;
  }
}
