/** The runner's events as a test sees them: recorded in order, and waited for in real time. */
import type { RunnerEvent } from '../../../../framework/runner/events.js';

export class EventRecorder {
  readonly events: RunnerEvent[] = [];
  private readonly waiters: { pred: (e: RunnerEvent) => boolean; resolve: (e: RunnerEvent) => void }[] = [];

  /** `context` adds to the message of a wait that times out (a log tail, say). */
  constructor(
    private readonly defaultMs: number,
    private readonly context: () => string = () => '',
  ) {}

  /** Give this to the Runner as its onEvent. */
  readonly onEvent = (e: RunnerEvent): void => {
    this.events.push(e);
    for (const w of [...this.waiters]) {
      if (w.pred(e)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };

  /** Resolves with the first event, past or coming, that matches (at most `ms` of real time). */
  waitFor(pred: (e: RunnerEvent) => boolean, ms = this.defaultMs): Promise<RunnerEvent> {
    const seen = this.events.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        const last = this.events.slice(-8).map(describe).join(', ');
        const context = this.context();
        reject(new Error(`no matching event within ${ms} ms; last: ${last}${context ? `\n${context}` : ''}`));
      }, ms);
      this.waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  }

  /** The events of one kind, of one resource when named. */
  of<K extends RunnerEvent['kind']>(kind: K, resource?: string): Extract<RunnerEvent, { kind: K }>[] {
    return this.events.filter((e) => e.kind === kind && (resource === undefined || (e as { resource?: string }).resource === resource)) as never;
  }
}

function describe(e: RunnerEvent): string {
  return [e.kind, 'resource' in e ? e.resource : undefined, 'entryPoint' in e ? e.entryPoint : undefined, 'action' in e ? e.action : undefined].filter((x) => x !== undefined).join(':');
}
