/**
 * The local runner: VCS's agent framework for the resources of one system,
 * driving real entry points (through an EntryPointExecutor) on a Clock.
 *
 *   const runner = new Runner(plan, { executor, clock, onEvent });
 *   await runner.start();               // imf_init + imf_getnotification, open, probe
 *   await runner.online('G');           // children first; OnlineWaitLimit, retries, clean...
 *   ...                                 // monitors, faults, restarts happen on their own
 *   await runner.stop();                // close every resource, shutdown every type
 *
 * Faults are reported (events, engine log) and stop there: failing a group
 * over to another system is the cluster engine's job.
 */
import type { ContainerRef } from '../agent/container.js';
import { ENTRY_POINT_SPECS, type EntryPointName } from '../agent/entrypoints.js';
import { type Clock, realClock } from '../clock.js';
import type { EntryPointExecutor } from './executor.js';
import type { GroupState, RunnerEvent } from './events.js';
import { Group } from './group.js';
import { type ImfServiceOptions, TypeImfService } from './imf-service.js';
import { type EpOutcome, type EventBody, Resource, type ResourceHost, type ResourceSpec } from './resource.js';
import type { ResourceSettings } from './settings.js';
import { VcsPowervmError } from '../errors.js';

/** A request the runner cannot serve (an unknown group or resource). */
export class RunnerError extends VcsPowervmError {}

export interface ResourcePlan extends Omit<ResourceSpec, 'group' | 'manageFaults'> {
  /** Where its entry points run: inside this container (RunInContainer), else the global environment. */
  container?: ContainerRef;
  /** The flattened ArgList VCS passes (name count values...), AEPTimeout and VCSInfo tuples appended on request. */
  argList(opts: { aepTimeout?: number; vcsInfo?: Readonly<Record<string, string>> }): string[];
  /**
   * hares -modify: applies a new value (as VCS would pass it: the items) and
   * says what it touches. Absent: the resource cannot be modified.
   */
  modify?(attribute: string, items: string[]): ModifyOutcome;
}

export interface ModifyOutcome {
  settings: ResourceSettings;
  /** In IMFRegList (or in the ArgList when IMFRegList is empty): unregisters from IMF. */
  imfRelevant: boolean;
  /** In RegList: attr_changed runs. */
  regListed: boolean;
}

export interface GroupPlan {
  name: string;
  manageFaults: 'ALL' | 'NONE';
  /** AutoStart, and this system in AutoStartList (what `vcsagent run` brings online by itself). */
  autoStart: boolean;
  resources: ResourcePlan[];
  dependencies: { parent: string; child: string }[];
  /** The group's SystemList (where it may be migrated to); unknown when not given. */
  systems?: string[];
}

export interface RunPlan {
  system: string;
  groups: GroupPlan[];
}

export interface RunnerOptions {
  executor: EntryPointExecutor;
  clock?: Clock;
  onEvent?: (e: RunnerEvent) => void;
  imf?: ImfServiceOptions;
}

/** A counting semaphore: NumThreads entry points of a type at once. */
class Semaphore {
  private waiting: (() => void)[] = [];
  private used = 0;
  constructor(private limit: number) {}
  async acquire(): Promise<() => void> {
    if (this.used >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.used++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used--;
      this.waiting.shift()?.();
    };
  }
}

export class Runner {
  readonly system: string;
  readonly clock: Clock;
  private readonly executor: EntryPointExecutor;
  private readonly listeners: ((e: RunnerEvent) => void)[] = [];
  private readonly groups = new Map<string, Group>();
  private readonly resources = new Map<string, Resource>();
  private readonly plans = new Map<string, ResourcePlan>();
  private readonly imfServices = new Map<string, TypeImfService>();
  private readonly threads = new Map<string, Semaphore>();
  private readonly stopController = new AbortController();
  private started = false;
  private stopped = false;

  constructor(
    readonly plan: RunPlan,
    private readonly opts: RunnerOptions,
  ) {
    this.system = plan.system;
    this.clock = opts.clock ?? realClock();
    this.executor = opts.executor;
    if (opts.onEvent) this.listeners.push(opts.onEvent);
    const host = this.resourceHost();
    for (const g of plan.groups) {
      const members: Resource[] = [];
      for (const rp of g.resources) {
        if (this.resources.has(rp.name)) throw new VcsPowervmError('VCSPVM_USAGE', { detail: `resource ${rp.name} is in two groups` });
        const spec: ResourceSpec = { ...rp, group: g.name, manageFaults: g.manageFaults };
        const r = new Resource(spec, host);
        this.resources.set(rp.name, r);
        this.plans.set(rp.name, rp);
        members.push(r);
      }
      this.groups.set(
        g.name,
        new Group(g.name, members, g.dependencies, {
          emitGroupState: (group, from, to) => this.emit({ kind: 'group-state', group, from, to }),
          emitCommand: (group, command, target) => this.emit({ kind: 'group-command', group, command, ...(target ? { target } : {}) }),
          emitError: (detail) => this.emit({ kind: 'error', detail }),
        }),
      );
    }
  }

  on(listener: (e: RunnerEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(body: EventBody): void {
    const e = { time: this.clock.now(), system: this.system, ...body } as RunnerEvent;
    for (const l of this.listeners) {
      try {
        l(e);
      } catch {
        // A listener's failure is not the runner's.
      }
    }
  }

  private semaphore(type: string, limit: number): Semaphore {
    let s = this.threads.get(type);
    if (!s) this.threads.set(type, (s = new Semaphore(limit)));
    return s;
  }

  /** Runs one entry point of a resource with its time limit; never throws. */
  private async exec(res: Resource, ep: EntryPointName, leading: string[], timeoutSeconds: number, opts: { vcsInfo?: Record<string, string>; pipe?: boolean; final?: boolean } = {}): Promise<EpOutcome> {
    const plan = this.plans.get(res.name)!;
    const spec = ENTRY_POINT_SPECS[ep];
    if (!this.executor.implements(res.type, ep)) {
      // VCS skips what an agent does not implement; monitor is mandatory, so its absence is UNKNOWN.
      if (ep === 'monitor' || ep === 'online' || ep === 'offline' || ep === 'clean' || ep === 'migrate' || ep === 'imf_register') {
        return { exitCode: null, timedOut: false, error: `${res.type} does not implement ${ep}`, pipeLines: [] };
      }
      return { exitCode: 0, timedOut: false, pipeLines: [] };
    }
    const release = await this.semaphore(res.type, res.settings.NumThreads).acquire();
    const ac = new AbortController();
    let timedOut = false;
    const timer = timeoutSeconds > 0 ? this.clock.setTimer(timeoutSeconds * 1000, () => ((timedOut = true), ac.abort())) : undefined;
    const onStop = () => ac.abort();
    if (!opts.final) {
      if (this.stopController.signal.aborted) ac.abort();
      else this.stopController.signal.addEventListener('abort', onStop, { once: true });
    }
    let args: string[];
    try {
      const arglist = spec.argList ? plan.argList({ ...(res.settings.AEPTimeout === 1 ? { aepTimeout: timeoutSeconds } : {}), ...(opts.vcsInfo ? { vcsInfo: opts.vcsInfo } : {}) }) : [];
      args = [...leading, ...arglist];
    } catch (e) {
      timer?.cancel();
      release();
      this.stopController.signal.removeEventListener('abort', onStop);
      const detail = e instanceof Error ? e.message : String(e);
      this.emit({ kind: 'error', resource: res.name, detail });
      return { exitCode: null, timedOut: false, error: detail, pipeLines: [] };
    }
    const started = this.clock.now();
    this.emit({ kind: 'ep-started', resource: res.name, type: res.type, entryPoint: ep, args });
    try {
      const r = await this.executor.run({ type: res.type, entryPoint: ep, subject: res.name, args, signal: ac.signal, ...(opts.pipe || ep === 'imf_register' ? { pipe: true } : {}), ...(plan.container ? { container: plan.container } : {}) });
      const interrupted = r.spawnError === undefined && r.aborted && !timedOut;
      const error = r.spawnError ?? (interrupted ? 'interrupted: the runner is stopping' : undefined);
      this.emit({ kind: 'ep-finished', resource: res.name, type: res.type, entryPoint: ep, exitCode: r.exitCode, timedOut, durationMs: this.clock.now() - started, ...(error ? { error } : {}), ...(interrupted ? { interrupted } : {}) });
      return { exitCode: r.exitCode, timedOut, ...(error !== undefined ? { error } : {}), pipeLines: r.pipeLines, stdout: r.stdout };
    } finally {
      timer?.cancel();
      this.stopController.signal.removeEventListener('abort', onStop);
      release();
    }
  }

  private resourceHost(): ResourceHost {
    return {
      clock: this.clock,
      stopSignal: this.stopController.signal,
      emit: (e) => this.emit(e),
      implements: (type, ep) => this.executor.implements(type, ep),
      exec: (res, ep, leading, timeout, opts) => this.exec(res, ep, leading, timeout, opts),
      stateChanged: (res) => this.groups.get(res.group)?.resourceChanged(res),
      imf: (type) => this.imfServices.get(type),
    };
  }

  /** imf_init and imf_getnotification for IMF types, then open and probe every enabled resource. */
  async start(): Promise<void> {
    if (this.started) throw new VcsPowervmError('VCSPVM_USAGE', { detail: 'the runner is already started' });
    this.started = true;
    this.emit({ kind: 'runner-started', groups: [...this.groups.keys()] });
    const imfTypes = new Map<string, Resource[]>();
    for (const r of this.resources.values()) {
      if (!r.spec.enabled || r.settings.IMF.Mode === 0) continue;
      imfTypes.set(r.type, [...(imfTypes.get(r.type) ?? []), r]);
    }
    for (const [type, members] of imfTypes) {
      const svc = new TypeImfService(
        type,
        {
          clock: this.clock,
          executor: this.executor,
          stopSignal: this.stopController.signal,
          emit: (e) => this.emit(e),
          resource: (name) => this.resources.get(name),
          resourcesOf: (t) => [...this.resources.values()].filter((r) => r.type === t),
          timeoutOf: () => members[0]!.settings.MonitorTimeout,
          exec: (res, leading, timeout) => this.exec(res, 'imf_register', leading, timeout, { pipe: true }),
        },
        this.opts.imf,
      );
      if (await svc.start()) this.imfServices.set(type, svc);
    }
    await Promise.all([...this.resources.values()].map((r) => r.start()));
    for (const g of this.groups.values()) g.markProbed();
  }

  private groupOrThrow(name: string): Group {
    const g = this.groups.get(name);
    if (!g) throw new RunnerError('VCSPVM_RUNNER_UNKNOWN', { what: 'group', name, system: this.system });
    return g;
  }

  resource(name: string): Resource | undefined {
    return this.resources.get(name);
  }

  group(name: string): Group | undefined {
    return this.groups.get(name);
  }

  groupNames(): string[] {
    return [...this.groups.keys()];
  }

  groupState(name: string): GroupState {
    return this.groupOrThrow(name).state;
  }

  imfService(type: string): TypeImfService | undefined {
    return this.imfServices.get(type);
  }

  /** The groups `vcsagent run` brings online by itself. */
  autoStartGroups(): string[] {
    return this.plan.groups.filter((g) => g.autoStart).map((g) => g.name);
  }

  online(group: string): Promise<GroupState> {
    return this.groupOrThrow(group).online();
  }

  offline(group: string): Promise<GroupState> {
    return this.groupOrThrow(group).offline();
  }

  migrate(group: string, target: string): Promise<'migrated' | 'failed'> {
    const g = this.groupOrThrow(group);
    const systems = this.plan.groups.find((p) => p.name === group)?.systems;
    if (systems && (!systems.includes(target) || target === this.system))
      throw new VcsPowervmError('VCSPVM_USAGE', { detail: `group ${group} cannot migrate to ${target}: ${target === this.system ? 'it is this system' : `not in its SystemList (${systems.join(', ')})`}` });
    return g.migrate(target);
  }

  clear(group: string): Promise<void> {
    return this.groupOrThrow(group).clear();
  }

  probe(resource: string): Promise<void> {
    const r = this.resources.get(resource);
    if (!r) throw new RunnerError('VCSPVM_RUNNER_UNKNOWN', { what: 'resource', name: resource, system: this.system });
    return r.probe();
  }

  /** hares -modify RES ATTR VALUE...: new values reach the next entry point. */
  async modify(resource: string, attribute: string, items: string[]): Promise<void> {
    const r = this.resources.get(resource);
    const plan = this.plans.get(resource);
    if (!r || !plan) throw new RunnerError('VCSPVM_RUNNER_UNKNOWN', { what: 'resource', name: resource, system: this.system });
    if (!plan.modify) throw new VcsPowervmError('VCSPVM_USAGE', { detail: `resource ${resource} cannot be modified` });
    // The runner fixes the set of managed resources and their criticality when it starts.
    if (attribute === 'Enabled' || attribute === 'Critical')
      throw new VcsPowervmError('VCSPVM_USAGE', { detail: `${attribute} is read when the run starts: change it in the configuration and start again` });
    const out = plan.modify(attribute, items);
    r.settings = out.settings;
    this.emit({ kind: 'attribute-changed', resource, attribute, value: items });
    await r.attributeChanged(out.imfRelevant, out.regListed ? { attribute, value: items } : undefined);
  }

  /** Resolves when no resource has work queued or running. */
  async idle(): Promise<void> {
    for (;;) {
      await Promise.all([...this.resources.values()].map((r) => r.idle()));
      await Promise.all([...this.groups.values()].map((g) => g.settled()));
      if (![...this.resources.values()].some((r) => r.busy)) return;
    }
  }

  /**
   * Stops: optionally takes every group offline first, then close for each
   * resource and shutdown for each type (VCS's order when an agent stops),
   * and imf_getnotification last.
   */
  async stop(opts: { offline?: boolean } = {}): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (opts.offline) for (const g of this.groups.values()) await g.offline();
    for (const r of this.resources.values()) r.halt();
    this.stopController.abort();
    const hostFinal = this.resources.values();
    await Promise.all(
      [...hostFinal].map(async (r) => {
        await r.idle();
        if (r.spec.enabled) await this.exec(r, 'close', [], r.settings.CloseTimeout, { final: true });
      }),
    );
    const types = new Map<string, Resource>();
    for (const r of this.resources.values()) if (r.spec.enabled && !types.has(r.type)) types.set(r.type, r);
    for (const [type, r] of types) {
      if (!this.executor.implements(type, 'shutdown')) continue;
      const ac = new AbortController();
      const t = this.clock.setTimer(r.settings.CloseTimeout * 1000, () => ac.abort());
      this.emit({ kind: 'ep-started', resource: '', type, entryPoint: 'shutdown', args: [] });
      const started = this.clock.now();
      const res = await this.executor.run({ type, entryPoint: 'shutdown', subject: '', args: [], signal: ac.signal });
      t.cancel();
      this.emit({ kind: 'ep-finished', resource: '', type, entryPoint: 'shutdown', exitCode: res.exitCode, timedOut: res.aborted, durationMs: this.clock.now() - started });
    }
    await Promise.all([...this.imfServices.values()].map((s) => s.stop()));
    this.emit({ kind: 'runner-stopped' });
  }
}
