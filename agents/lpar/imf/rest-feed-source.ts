/**
 * LPAR notifications from the HMC REST API event feed: an event-driven
 * source, with a full poll whenever events may have been missed.
 *
 * One feed per HMC list (the MCName of the registrations), each a loop:
 *   logon (PUT /rest/api/web/Logon) → full poll → long poll /rest/api/uom/Event
 *   (a stable application id: one de-duplicated stream)
 *   - 204 / empty feed: poll again (the HMC held it about 10 s);
 *   - MODIFY_URI of a LogicalPartition with PartitionState among the changed
 *     properties (or none named): re-read …/quick/PartitionState;
 *   - DELETE_URI of a registered partition: offline here; ADD_URI: full poll;
 *   - NEW_CLIENT (first read), CACHE_CLEARED, MISSING_EVENTS, REST026C,
 *     transport and HTTP errors: full poll (ManagedSystem/quick/All, then
 *     each registered managed system's LogicalPartition/quick/All);
 *   - 401/403 (the session expired): log on again, then full poll;
 *   - an HMC that fails: the next one of MCName that has REST credentials.
 * VIO server health is not read from the feed: the traditional monitor
 * (every MonitorFreq intervals) still checks it.
 */
import { randomBytes } from 'node:crypto';
import type { ObservedState, Registration } from '../../../framework/imf/protocol.js';
import type { NotificationSource, Observe, SourceLogger } from '../../../framework/imf/source.js';
import { type Clock, realClock } from '../../../framework/clock.js';
import { observedOf } from './observe.js';
import { type HmcEvent, HmcRestClient, HmcRestError, type RestEndpoint, cliState, partitionUuidOf } from './rest-client.js';
import { watchOf } from './target.js';

export interface RestFeedOptions {
  /** The REST endpoints for an MCName list, in order (undefined/empty: none configured). */
  endpoints(names: readonly string[]): RestEndpoint[] | undefined;
  log: SourceLogger;
  clock?: Clock;
  /** Wait after a failure before trying again (default 5 s, as pypowervm). */
  backoffMs?: number;
  /** An HMC answering an empty event poll sooner than this is not polled again before it (default 1 s). */
  minPollMs?: number;
  /** Bound of one event long poll (default 60 s; the HMC answers within about 10 s). */
  eventTimeoutMs?: number;
  /** Called on each full poll (tests, the log). */
  onFullPoll?(hmc: string, why: string): void;
}

interface Partition {
  system: string;
  name: string;
}

class Feed {
  readonly regs = new Map<string, Registration>();
  private readonly byUuid = new Map<string, Partition>();
  private readonly appId = randomBytes(16).toString('hex');
  private index = 0;
  private client: HmcRestClient;
  private fullWhy: string | undefined = 'start';
  private readonly stop = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    readonly key: string,
    private readonly endpoints: RestEndpoint[],
    private readonly observe: Observe,
    private readonly opts: RestFeedOptions,
    private readonly clock: Clock,
  ) {
    this.client = this.makeClient();
  }

  private makeClient(): HmcRestClient {
    return new HmcRestClient(this.endpoints[this.index]!, { eventTimeoutMs: this.opts.eventTimeoutMs ?? 60_000 });
  }

  private get hmc(): string {
    return this.client.endpoint.name;
  }

  private running = false;

  /** Runs the loop while there are registrations (again after it ran out of them). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run().finally(() => {
      this.running = false;
    });
  }

  /** A registration arrived: its partition must be looked at once (a full poll covers it). */
  added(): void {
    this.fullWhy ??= 'new registration';
  }

  private sleep(ms: number): Promise<void> {
    return this.clock.sleep(ms, this.stop.signal);
  }

  private observeRegs(system: string, lpar: string, state: ObservedState): void {
    for (const r of this.regs.values()) {
      const w = watchOf(r.target.data);
      if (w.system === system && r.target.key === lpar) this.observe(r.resource, state);
    }
  }

  /** Every registered partition's state, and the UUID map the events are read with. */
  private async fullPoll(why: string): Promise<void> {
    this.opts.onFullPoll?.(this.hmc, why);
    this.opts.log.info({ msgId: 57908, hmc: this.hmc, why }, 'REST full poll of %s (%s)', this.hmc, why);
    const wanted = new Set([...this.regs.values()].map((r) => watchOf(r.target.data).system));
    const systems = await this.client.managedSystems();
    for (const system of wanted) {
      const ms = systems.find((s) => s.name === system);
      if (!ms) {
        this.opts.log.warn({ msgId: 50170, hmc: this.hmc, system }, 'HMC %s does not manage %s', this.hmc, system);
        continue;
      }
      const parts = await this.client.partitions(ms.uuid);
      for (const [uuid, p] of this.byUuid) if (p.system === system) this.byUuid.delete(uuid);
      for (const p of parts) this.byUuid.set(p.uuid, { system, name: p.name });
      for (const r of this.regs.values()) {
        if (watchOf(r.target.data).system !== system) continue;
        const p = parts.find((x) => x.name === r.target.key);
        this.observe(r.resource, observedOf(p ? cliState(p.state) : undefined));
      }
    }
  }

  private async handle(ev: HmcEvent): Promise<void> {
    switch (ev.type) {
      case 'NEW_CLIENT':
        this.fullWhy ??= 'new event client';
        return;
      case 'CACHE_CLEARED':
      case 'MISSING_EVENTS':
        this.fullWhy ??= ev.type;
        return;
    }
    const uuid = partitionUuidOf(ev.data);
    if (!uuid) return;
    const known = this.byUuid.get(uuid);
    switch (ev.type) {
      case 'ADD_URI':
        // A partition created, or migrated in: learn its UUID.
        if (!known) this.fullWhy ??= 'partition added';
        return;
      case 'DELETE_URI':
        if (known) {
          this.byUuid.delete(uuid);
          this.observeRegs(known.system, known.name, 'offline');
        }
        return;
      case 'MODIFY_URI': {
        if (!known) return;
        if (ev.detail.length > 0 && !ev.detail.includes('PartitionState')) return;
        const state = await this.client.partitionState(uuid);
        this.observeRegs(known.system, known.name, observedOf(state === undefined ? undefined : cliState(state)));
        return;
      }
    }
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted && this.regs.size > 0) {
      try {
        if (!this.client.session) {
          await this.client.logon();
          this.opts.log.info({ msgId: 19742, hmc: this.hmc, user: this.client.endpoint.user }, 'logged on to the REST API of %s', this.hmc);
          this.fullWhy ??= 'logon';
        }
        if (this.fullWhy !== undefined) {
          const why = this.fullWhy;
          this.fullWhy = undefined;
          await this.fullPoll(why);
        }
        const started = this.clock.now();
        const events = await this.client.events(this.appId, this.stop.signal);
        for (const ev of events) await this.handle(ev);
        if (events.length === 0) {
          const floor = (this.opts.minPollMs ?? 1000) - (this.clock.now() - started);
          if (floor > 0) await this.sleep(floor);
        }
      } catch (e) {
        if (this.stop.signal.aborted) break;
        await this.failed(e);
      }
    }
  }

  private async failed(e: unknown): Promise<void> {
    const err = e instanceof HmcRestError ? e : new HmcRestError('transport', this.hmc, e instanceof Error ? e.message : String(e));
    // Whatever went wrong, events may have been lost meanwhile.
    this.fullWhy ??= err.kind;
    switch (err.kind) {
      case 'session-expired':
        this.opts.log.info({ msgId: 5579, hmc: this.hmc }, 'REST session on %s expired: logging on again', this.hmc);
        this.client.session = undefined;
        return;
      case 'event-limit':
        this.opts.log.warn({ msgId: 38800, hmc: this.hmc }, '%s', err.message);
        await this.sleep(Math.min(1000, this.opts.backoffMs ?? 5000));
        return;
      default: {
        this.opts.log.warn({ msgId: 61298, hmc: this.hmc, kind: err.kind }, '%s; full poll once it answers', err.message);
        if (this.endpoints.length > 1) {
          this.client.session = undefined;
          this.index = (this.index + 1) % this.endpoints.length;
          this.client = this.makeClient();
          this.opts.log.info({ msgId: 18454, hmc: this.hmc }, 'trying the REST API of %s', this.hmc);
        }
        await this.sleep(this.opts.backoffMs ?? 5000);
      }
    }
  }

  async close(): Promise<void> {
    this.stop.abort();
    await this.loop;
    await this.client.logoff();
  }
}

export class RestFeedSource implements NotificationSource {
  private observe: Observe | undefined;
  private readonly feeds = new Map<string, Feed>();
  private readonly clock: Clock;

  constructor(private readonly opts: RestFeedOptions) {
    this.clock = opts.clock ?? realClock();
  }

  /** Whether the registration's HMCs have REST credentials (otherwise another source watches it). */
  covers(reg: Registration): boolean {
    return (this.opts.endpoints(watchOf(reg.target.data).names)?.length ?? 0) > 0;
  }

  start(observe: Observe): void {
    this.observe = observe;
  }

  add(reg: Registration): void {
    const w = watchOf(reg.target.data);
    const key = w.names.join(',');
    let feed = this.feeds.get(key);
    if (!feed) {
      const eps = this.opts.endpoints(w.names) ?? [];
      if (eps.length === 0) return;
      feed = new Feed(key, eps, (r, s) => this.observe?.(r, s), this.opts, this.clock);
      this.feeds.set(key, feed);
    }
    feed.regs.set(reg.resource, reg);
    feed.added();
    feed.start();
  }

  remove(resource: string): void {
    for (const f of this.feeds.values()) f.regs.delete(resource);
  }

  async close(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => f.close()));
  }
}
