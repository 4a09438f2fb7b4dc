/**
 * Time, injectable, for the runner, IMF and the agents alike. The runner never reads the wall clock or calls
 * setTimeout directly: it asks a Clock, so that tests can run a whole VCS
 * schedule (MonitorInterval 60, ConfInterval 600, ...) on a FakeClock in
 * milliseconds, and so that `--speed N` can compress real time for demos.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (a fake clock starts wherever it is told). */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds of this clock's time. */
  setTimer(ms: number, fn: () => void): Timer;
  /** Resolves after `ms`; resolves early (never rejects) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

function sleepOn(clock: Pick<Clock, 'setTimer'>, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      timer.cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = clock.setTimer(ms, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * The real clock. `speed` > 1 makes every delay shorter by that factor
 * (and `now()` run faster from the moment the clock was made), so a
 * MonitorInterval of 60 s passes in 6 s at speed 10.
 */
export function realClock(opts: { speed?: number } = {}): Clock {
  const speed = opts.speed && opts.speed > 0 ? opts.speed : 1;
  const origin = Date.now();
  const clock: Clock = {
    now: () => (speed === 1 ? Date.now() : origin + (Date.now() - origin) * speed),
    setTimer(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms / speed));
      return { cancel: () => clearTimeout(t) };
    },
    sleep: (ms, signal) => sleepOn(clock, ms, signal),
  };
  return clock;
}

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Lets every promise continuation queued so far run (they all run before the next macrotask). */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A clock that moves only when told to. Timers fire in time order (ties in
 * the order they were set); after each one, pending promise continuations
 * run before the next timer, so async code driven by it behaves as it would
 * in real time, only instantly.
 */
export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: FakeTimer[] = [];

  constructor(start = Date.UTC(2026, 0, 1, 0, 0, 0)) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const timer: FakeTimer = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers still to fire. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private next(): FakeTimer | undefined {
    this.timers = this.timers.filter((t) => !t.cancelled);
    let best: FakeTimer | undefined;
    for (const t of this.timers) if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    return best;
  }

  /** Moves time forward by `ms`, firing every timer due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const n = this.next();
      if (!n || n.at > target) break;
      this.timers.splice(this.timers.indexOf(n), 1);
      this.t = Math.max(this.t, n.at);
      n.fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
    await settle();
  }

  /**
   * Advances timer by timer until `done()` holds, at most `limitMs` of fake
   * time; returns whether it held. Throws nothing: the caller asserts.
   */
  async runUntil(done: () => boolean, limitMs: number): Promise<boolean> {
    const end = this.t + limitMs;
    await settle();
    while (!done()) {
      const n = this.next();
      if (!n || n.at > end) {
        this.t = Math.max(this.t, end);
        await settle();
        return done();
      }
      this.timers.splice(this.timers.indexOf(n), 1);
      this.t = Math.max(this.t, n.at);
      n.fn();
      await settle();
    }
    return true;
  }
}
