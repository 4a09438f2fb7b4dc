/**
 * The soak's judge: the world's truth, read from hmcsim's control socket
 * (`dump`: every partition's real state, whatever the HMCs show), polled
 * continuously, against what the nodes report.
 *
 * - **never powered on two managed systems**: `Running` (an operating system
 *   up) on two is a violation at once; any other powered state on two (both
 *   booting: the residual window of racing onlines, docs/lpar.md) is one
 *   once it lasts longer than `windowMs`. The longest overlap is measured.
 * - **never reported ONLINE while not running**: a monitor that answers
 *   online while the partition was not powered on its node's managed system
 *   for the whole time the monitor ran (a crash between two monitors is seen
 *   at the next one, within one MonitorInterval, and is not a lie).
 * - **no hung boot reported online**: a monitor that answers online while
 *   the boot has shown the same reference code for longer than the stall
 *   bound plus one MonitorInterval.
 * - **nothing booted half made**: a partition that reaches AA060011 (no
 *   boot device) — only an incomplete VIOS side does that in the soak — and,
 *   at the end, no undo left and every defined copy complete.
 */
import { ctlRequest } from '../../sim/hmc/control.js';
import type { RunnerEvent } from '../../framework/runner/events.js';

/** Not powered: the partition cannot be running or holding its disks. */
const OFF = new Set(['Not Activated', 'Hardware Discovery', 'Migrating - Not Activated']);

export interface Violation {
  at: number;
  invariant: 'two-powered' | 'two-running' | 'online-not-running' | 'hung-online' | 'half-made';
  detail: string;
}

interface Sample {
  t: number;
  /** system → the partition's state there (absent: not defined). */
  state: Map<string, string>;
  /** system → its reference code. */
  refcode: Map<string, string>;
}

export interface JudgeOptions {
  control: string;
  lpar: string;
  systems: readonly string[];
  /** The longest both-booting overlap tolerated (the documented residual window, with room for load). */
  windowMs: number;
  monitorIntervalMs: number;
  bootStallMs: number;
  pollMs?: number;
}

export class Judge {
  readonly violations: Violation[] = [];
  /** Longest time the partition was powered on two systems at once. */
  maxOverlapMs = 0;
  overlaps = 0;
  private history: Sample[] = [];
  private overlapSince: number | undefined;
  private reportedOverlap = false;
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private stopped = false;
  /** Per system: since when the reference code has been the same while Starting. */
  private codeSince = new Map<string, { code: string; since: number }>();
  private halfMadeSeen = new Set<string>();

  constructor(private readonly o: JudgeOptions) {}

  start(): void {
    const tick = async () => {
      if (this.stopped) return;
      if (!this.polling) {
        this.polling = true;
        try {
          await this.poll();
        } catch {
          // hmcsim busy for a moment: the next poll catches up
        } finally {
          this.polling = false;
        }
      }
      if (!this.stopped) this.timer = setTimeout(() => void tick(), this.o.pollMs ?? 200);
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.overlapSince !== undefined) this.endOverlap(Date.now());
  }

  private async poll(): Promise<void> {
    const r = await ctlRequest(this.o.control, 'dump', [], 10_000);
    if (!r.ok) return;
    const t = Date.now();
    const world = r.result as { systems: Array<{ name: string; partitions: Array<{ name: string; state: string; refcode?: string }> }> };
    const sample: Sample = { t, state: new Map(), refcode: new Map() };
    for (const s of world.systems) {
      const p = s.partitions.find((x) => x.name === this.o.lpar);
      if (p) {
        sample.state.set(s.name, p.state);
        sample.refcode.set(s.name, p.refcode ?? '');
      }
    }
    this.history.push(sample);
    while (this.history.length > 2 && this.history[0]!.t < t - 10 * 60_000) this.history.shift();

    const powered = [...sample.state].filter(([, st]) => !OFF.has(st)).map(([sys]) => sys);
    const running = [...sample.state].filter(([, st]) => st === 'Running').map(([sys]) => sys);
    if (running.length > 1) this.violation(t, 'two-running', `Running on ${running.join(' and ')}`);
    if (powered.length > 1) {
      if (this.overlapSince === undefined) {
        this.overlapSince = t;
        this.reportedOverlap = false;
        this.overlaps++;
      } else if (!this.reportedOverlap && t - this.overlapSince > this.o.windowMs) {
        this.reportedOverlap = true;
        this.violation(t, 'two-powered', `powered on ${powered.map((s) => `${s} (${sample.state.get(s)})`).join(' and ')} for more than ${this.o.windowMs} ms`);
      }
    } else if (this.overlapSince !== undefined) {
      this.endOverlap(t);
    }
    for (const [sys, code] of sample.refcode) {
      const st = sample.state.get(sys);
      if (st === 'Starting') {
        const had = this.codeSince.get(sys);
        if (!had || had.code !== code) this.codeSince.set(sys, { code, since: t });
        if (code.startsWith('AA060011') && !this.halfMadeSeen.has(sys)) {
          this.halfMadeSeen.add(sys);
          this.violation(t, 'half-made', `${this.o.lpar} booted on ${sys} without a boot disk (AA060011)`);
        }
      } else {
        this.codeSince.delete(sys);
        this.halfMadeSeen.delete(sys);
      }
    }
  }

  private endOverlap(t: number): void {
    this.maxOverlapMs = Math.max(this.maxOverlapMs, t - this.overlapSince!);
    this.overlapSince = undefined;
  }

  /** A monitor's answer from the node on `system`, that finished at `t` after running `durationMs`. */
  monitorSaid(system: string, result: string, t: number, durationMs: number): void {
    if (result !== 'online') return;
    // Judged once the truth after it has been read: what the monitor saw just before it answered (a
    // migration that had just ended, say) reaches the judge with the next dump.
    const timer = setTimeout(() => this.judgeMonitor(system, t, durationMs), 1_000);
    timer.unref();
  }

  private judgeMonitor(system: string, t: number, durationMs: number): void {
    const from = t - durationMs - 250; // a poll's worth of slack before, a dump's worth after
    const window = this.history.filter((s) => s.t >= from && s.t <= t + 750);
    if (window.length === 0) return;
    const everPowered = window.some((s) => {
      const st = s.state.get(system);
      return st !== undefined && !OFF.has(st);
    });
    if (!everPowered) this.violation(t, 'online-not-running', `the node on ${system} reported ONLINE while ${this.o.lpar} was ${window[window.length - 1]!.state.get(system) ?? 'absent'} there for the whole monitor`);
    const c = this.codeSince.get(system);
    if (c && window[window.length - 1]!.state.get(system) === 'Starting' && t - c.since > this.o.bootStallMs + this.o.monitorIntervalMs + durationMs + 1_000) {
      this.violation(t, 'hung-online', `the node on ${system} reported ONLINE a boot stuck at ${c.code || '(no code)'} for ${Math.round((t - c.since) / 1000)} s`);
    }
  }

  /** Watches a node's events: every monitor's answer is judged. */
  follow(system: string, e: RunnerEvent, started: Map<string, number>): void {
    if (e.kind === 'ep-started' && e.entryPoint === 'monitor') started.set(system, e.time);
    if (e.kind === 'monitor') {
      const t0 = started.get(system) ?? e.time;
      // Event times come from the node's clock (speed 1): real milliseconds.
      this.monitorSaid(system, e.result, Date.now(), Math.max(0, e.time - t0));
    }
  }

  violation(at: number, invariant: Violation['invariant'], detail: string): void {
    this.violations.push({ at, invariant, detail });
  }

  /** The latest truth: system → state. */
  latest(): Map<string, string> {
    return this.history[this.history.length - 1]?.state ?? new Map();
  }
}
