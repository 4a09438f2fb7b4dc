/**
 * A service group on this system: its resources brought online children
 * first and taken offline parents first (`parent requires child`), its state
 * derived from theirs, and VCS's reaction to a fault — resources that depend
 * on the faulted one go offline, and when the fault reaches a Critical
 * resource (the faulted one, or any resource that depends on it) the group is
 * FAULTED here and the rest of it is taken offline, ready for the cluster
 * engine to fail it over. Failing over is not the runner's job.
 */
import type { GroupState } from './events.js';
import type { Resource } from './resource.js';

export interface GroupHost {
  emitGroupState(group: string, from: GroupState, to: GroupState): void;
  emitCommand(group: string, command: 'online' | 'offline' | 'migrate' | 'clear', target?: string): void;
  emitError(detail: string): void;
}

export class Group {
  state: GroupState = 'offline';
  private readonly byName = new Map<string, Resource>();
  /** child -> parents, parent -> children */
  private readonly parents = new Map<string, string[]>();
  private readonly children = new Map<string, string[]>();
  private reacting: Promise<void> = Promise.resolve();
  private probed = false;

  constructor(
    readonly name: string,
    readonly resources: Resource[],
    dependencies: readonly { parent: string; child: string }[],
    private readonly host: GroupHost,
  ) {
    for (const r of resources) {
      this.byName.set(r.name, r);
      this.parents.set(r.name, []);
      this.children.set(r.name, []);
    }
    for (const d of dependencies) {
      if (!this.byName.has(d.parent) || !this.byName.has(d.child)) continue;
      this.parents.get(d.child)!.push(d.parent);
      this.children.get(d.parent)!.push(d.child);
    }
  }

  private enabled(): Resource[] {
    return this.resources.filter((r) => r.spec.enabled);
  }

  private childrenOf(r: Resource): Resource[] {
    return this.children.get(r.name)!.map((n) => this.byName.get(n)!).filter((c) => c.spec.enabled);
  }

  private parentsOf(r: Resource): Resource[] {
    return this.parents.get(r.name)!.map((n) => this.byName.get(n)!).filter((p) => p.spec.enabled);
  }

  /** Every resource that depends on `r`, directly or not. */
  private ancestorsOf(r: Resource): Set<Resource> {
    const out = new Set<Resource>();
    const walk = (x: Resource) => {
      for (const p of this.parentsOf(x)) if (!out.has(p)) (out.add(p), walk(p));
    };
    walk(r);
    return out;
  }

  /** Probes are done: group state changes are reported from now on. */
  markProbed(): void {
    this.probed = true;
    this.recompute();
  }

  /** VCS faults the group when the faulted resource, or one that depends on it, is Critical. */
  private faultIsCritical(r: Resource): boolean {
    return r.spec.critical || [...this.ancestorsOf(r)].some((a) => a.spec.critical);
  }

  computeState(): GroupState {
    const rs = this.enabled();
    if (rs.some((r) => r.state === 'faulted' && this.faultIsCritical(r))) return 'faulted';
    if (rs.length > 0 && rs.every((r) => r.state === 'online')) return 'online';
    // Persistent resources (Operations None, MonitorOnly) stay up in an offline group.
    const managed = rs.filter((r) => r.spec.operations === 'OnOff' && !r.spec.monitorOnly);
    const considered = managed.length > 0 ? managed : rs;
    if (considered.every((r) => r.state === 'offline' || r.state === 'faulted')) return 'offline';
    return 'partial';
  }

  recompute(): void {
    const to = this.computeState();
    if (to === this.state) return;
    const from = this.state;
    this.state = to;
    if (this.probed) this.host.emitGroupState(this.name, from, to);
  }

  /** Called by the runner when a resource's engine state changed. */
  resourceChanged(r: Resource): void {
    this.recompute();
    if (r.state === 'faulted') {
      this.reacting = this.reacting.then(() => this.reactToFault(r)).catch(() => undefined);
    }
  }

  private async reactToFault(r: Resource): Promise<void> {
    // Resources that depend on the faulted one cannot stay up.
    await this.offlineSet(this.ancestorsOf(r));
    if (this.faultIsCritical(r)) await this.offlineSet(new Set(this.enabled()));
  }

  /** Brings the group online: each resource once its children are online. */
  async online(): Promise<GroupState> {
    this.host.emitCommand(this.name, 'online');
    // As hagrp -online: not while a resource's state is not known (not probed yet, or its monitor cannot tell).
    const unknown = this.enabled().filter((r) => r.state === 'unknown');
    if (unknown.length > 0) {
      this.host.emitError(`group ${this.name} is not brought online: ${unknown.map((r) => r.name).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} UNKNOWN (not probed, or the monitor cannot tell)`);
      return this.state;
    }
    const inflight = new Map<Resource, Promise<{ r: Resource; res: string }>>();
    const attempted = new Set<Resource>();
    let failed = false;
    for (;;) {
      if (!failed) {
        for (const r of this.enabled()) {
          if (r.state === 'online' || inflight.has(r) || attempted.has(r)) continue;
          if (r.state === 'faulted') {
            failed = true;
            continue;
          }
          if (!this.childrenOf(r).every((c) => c.state === 'online')) continue;
          inflight.set(r, r.online().then((res) => ({ r, res })));
        }
      }
      if (inflight.size === 0) break;
      const { r, res } = await Promise.race(inflight.values());
      inflight.delete(r);
      attempted.add(r);
      if (res !== 'online') failed = true;
    }
    await this.reacting;
    this.recompute();
    return this.state;
  }

  /** Takes the group offline: each resource once its parents are offline. */
  async offline(): Promise<GroupState> {
    this.host.emitCommand(this.name, 'offline');
    await this.offlineSet(new Set(this.enabled()));
    this.recompute();
    return this.state;
  }

  /** Offlines `set`, parents before children; resources that cannot be offlined do not block. */
  private async offlineSet(set: Set<Resource>): Promise<void> {
    const blocks = (p: Resource) => set.has(p) && p.spec.operations === 'OnOff' && !p.spec.monitorOnly && (p.state === 'online' || p.state === 'unknown');
    const inflight = new Map<Resource, Promise<Resource>>();
    const done = new Set<Resource>();
    for (;;) {
      for (const r of set) {
        if (done.has(r) || inflight.has(r)) continue;
        if (this.parentsOf(r).some((p) => !done.has(p) && blocks(p))) continue;
        inflight.set(r, r.offline().then(() => r));
      }
      if (inflight.size === 0) break;
      const r = await Promise.race(inflight.values());
      inflight.delete(r);
      done.add(r);
    }
  }

  /** hagrp -migrate: the resources whose type can migrate are migrated; the rest follow the engine. */
  async migrate(target: string): Promise<'migrated' | 'failed'> {
    this.host.emitCommand(this.name, 'migrate', target);
    const movers = this.enabled().filter((r) => r.state === 'online');
    if (movers.length === 0) {
      this.host.emitError(`group ${this.name} cannot migrate to ${target}: none of its resources is online here`);
      return 'failed';
    }
    const results = await Promise.all(movers.map((r) => r.migrate(target)));
    this.recompute();
    return results.every((x) => x === 'migrated') ? 'migrated' : 'failed';
  }

  /** hagrp -clear: clears faulted resources. */
  async clear(): Promise<void> {
    this.host.emitCommand(this.name, 'clear');
    await Promise.all(this.enabled().map((r) => r.clear()));
    this.recompute();
  }

  /** Settles when the reaction to the last fault is done. */
  settled(): Promise<void> {
    return this.reacting;
  }

  resource(name: string): Resource | undefined {
    return this.byName.get(name);
  }
}
