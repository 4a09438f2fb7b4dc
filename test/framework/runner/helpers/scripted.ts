/**
 * A scripted EntryPointExecutor for the fake-clock schedule tests: each
 * resource has a simulated state ("world"); entry points take fake time and
 * act on it; a test overrides any call. Integration tests run the same
 * runner over real processes (see the script agent in ../fixtures).
 */
import type { EntryPointName } from '../../../../framework/agent/entrypoints.js';
import type { FakeClock } from '../../../../framework/clock.js';
import type { EntryPointExecutor, EpCall, EpResult, LongLivedCall, LongLivedProcess } from '../../../../framework/runner/executor.js';
import type { RunnerEvent } from '../../../../framework/runner/events.js';
import { type GroupPlan, type ResourcePlan, Runner } from '../../../../framework/runner/runner.js';
import { type ResourceSettings, settingsFrom } from '../../../../framework/runner/settings.js';

export interface Step {
  /** Fake milliseconds the entry point takes. */
  after?: number;
  /** Never finishes by itself (only a timeout ends it). */
  hang?: boolean;
  exit?: number;
  /** Lines written to the IMF pipe. */
  pipe?: string[];
  /** Runs when the entry point finishes (changes the world). */
  effect?: () => void;
}

export type Script = (call: EpCall, n: number) => Step | undefined;

export interface Call {
  t: number;
  resource: string;
  ep: EntryPointName;
  args: readonly string[];
}

const STANDARD: EntryPointName[] = ['open', 'close', 'monitor', 'online', 'offline', 'clean', 'shutdown', 'migrate', 'attr_changed'];

class ScriptedExecutor implements EntryPointExecutor {
  readonly world = new Map<string, 'online' | 'offline' | 'intentional'>();
  readonly calls: Call[] = [];
  private readonly scripts = new Map<string, Script>();
  private readonly counts = new Map<string, number>();
  readonly implemented = new Set<EntryPointName>(STANDARD);
  /** Entry points running now, per resource (to check one at a time). */
  readonly running = new Map<string, number>();
  maxConcurrentPerResource = 0;

  constructor(private readonly clock: FakeClock) {}

  /** Overrides `resource`'s `ep` (n counts calls from 1). */
  on(resource: string, ep: EntryPointName, script: Script | Step): this {
    this.scripts.set(`${resource}:${ep}`, typeof script === 'function' ? script : () => script);
    return this;
  }

  off(resource: string, ep: EntryPointName): this {
    this.scripts.delete(`${resource}:${ep}`);
    return this;
  }

  implements(_type: string, ep: EntryPointName): boolean {
    return this.implemented.has(ep);
  }

  callsOf(resource: string, ep?: EntryPointName): Call[] {
    return this.calls.filter((c) => c.resource === resource && (ep === undefined || c.ep === ep));
  }

  private defaultStep(call: EpCall): Step {
    const r = call.subject;
    switch (call.entryPoint) {
      case 'monitor': {
        const w = this.world.get(r) ?? 'offline';
        return { exit: w === 'online' ? 110 : w === 'intentional' ? 200 : 100 };
      }
      case 'online':
        return { exit: 0, effect: () => this.world.set(r, 'online') };
      case 'offline':
      case 'clean':
      case 'migrate':
        return { exit: 0, effect: () => this.world.set(r, 'offline') };
      case 'imf_register':
        // The resource ID on the pipe, as imf_register reports it.
        return { exit: 0, pipe: [`id-${r}`] };
      default:
        return { exit: 0 };
    }
  }

  /** Makes the type IMF-capable (imf_init, imf_register, imf_getnotification). */
  withImf(): this {
    for (const ep of ['imf_init', 'imf_register', 'imf_getnotification'] as const) this.implemented.add(ep);
    return this;
  }

  /** Writes a line on the running imf_getnotification's pipe. */
  pipe(line: string): void {
    if (!this.daemon) throw new Error('imf_getnotification is not running');
    this.daemon.call.onPipeLine(line);
  }

  async run(call: EpCall): Promise<EpResult> {
    const key = `${call.subject}:${call.entryPoint}`;
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    this.calls.push({ t: this.clock.now(), resource: call.subject, ep: call.entryPoint, args: call.args });
    const running = (this.running.get(call.subject) ?? 0) + 1;
    this.running.set(call.subject, running);
    if (call.subject) this.maxConcurrentPerResource = Math.max(this.maxConcurrentPerResource, running);
    try {
      const step = this.scripts.get(key)?.(call, n) ?? this.defaultStep(call);
      if (step.hang) {
        await new Promise<void>((res) => (call.signal.aborted ? res() : call.signal.addEventListener('abort', () => res(), { once: true })));
        return { exitCode: null, signal: 'SIGKILL', aborted: true, stdout: '', stderr: '', pipeLines: [] };
      }
      if (step.after) await this.clock.sleep(step.after, call.signal);
      if (call.signal.aborted) return { exitCode: null, signal: 'SIGKILL', aborted: true, stdout: '', stderr: '', pipeLines: [] };
      step.effect?.();
      return { exitCode: step.exit ?? 0, signal: null, aborted: false, stdout: '', stderr: '', pipeLines: step.pipe ?? [] };
    } finally {
      this.running.set(call.subject, (this.running.get(call.subject) ?? 1) - 1);
    }
  }

  /** Long-lived entry points: driven by the test through `daemon`. */
  daemon: { call: LongLivedCall; exit: (code: number) => void } | undefined;
  daemonStarts = 0;

  start(call: LongLivedCall): LongLivedProcess {
    this.daemonStarts++;
    this.calls.push({ t: this.clock.now(), resource: call.subject, ep: call.entryPoint, args: call.args });
    let exit!: (code: number | null, sig?: string) => void;
    const exited = new Promise<EpResult>((res) => {
      exit = (code, sig) => res({ exitCode: code, signal: sig ?? null, aborted: call.signal.aborted, stdout: '', stderr: '', pipeLines: [] });
    });
    call.signal.addEventListener('abort', () => exit(null, 'SIGTERM'), { once: true });
    this.daemon = { call, exit: (code) => exit(code) };
    return { pid: 4242 + this.daemonStarts, exited };
  }
}

export interface ResourceOpts {
  name: string;
  type?: string;
  critical?: boolean;
  enabled?: boolean;
  operations?: 'OnOff' | 'OnOnly' | 'None';
  monitorOnly?: boolean;
  cleanRetryLimit?: number;
  settings?: Partial<Record<keyof ResourceSettings, unknown>>;
}

function resourcePlan(o: ResourceOpts): ResourcePlan {
  let settings = settingsFrom(o.settings ?? {});
  const values = new Map<string, string[]>([['Name', [o.name]]]);
  const plan: ResourcePlan = {
    name: o.name,
    type: o.type ?? 'Test',
    critical: o.critical ?? true,
    enabled: o.enabled ?? true,
    operations: o.operations ?? 'OnOff',
    monitorOnly: o.monitorOnly ?? false,
    cleanRetryLimit: o.cleanRetryLimit ?? 0,
    get settings() {
      return settings;
    },
    argList(opts) {
      const out: string[] = [];
      for (const [k, v] of values) out.push(k, String(v.length), ...v);
      if (opts.aepTimeout !== undefined) out.push('AEPTimeout', '1', String(opts.aepTimeout));
      if (opts.vcsInfo) {
        const items = Object.entries(opts.vcsInfo).flat();
        out.push('VCSInfo', String(items.length), ...items);
      }
      return out;
    },
    modify(attribute, items) {
      if (attribute === 'IMF') {
        const o2: Record<string, string> = {};
        for (let i = 0; i + 1 < items.length; i += 2) o2[items[i]!] = items[i + 1]!;
        settings = settingsFrom({ ...settings, IMF: o2 });
        return { settings, imfRelevant: false, regListed: settings.RegList.includes(attribute) };
      }
      values.set(attribute, items);
      const imfList = settings.IMFRegList.length ? settings.IMFRegList : ['Name', 'PathName'];
      return { settings, imfRelevant: imfList.includes(attribute), regListed: settings.RegList.includes(attribute) };
    },
  };
  return plan;
}

export interface Setup {
  clock: FakeClock;
  exec: ScriptedExecutor;
  runner: Runner;
  events: RunnerEvent[];
  of<K extends RunnerEvent['kind']>(kind: K, resource?: string): Extract<RunnerEvent, { kind: K }>[];
  /** Seconds of fake time since the runner was made. */
  secs(t: number): number;
}

export function setup(
  clock: FakeClock,
  groups: { name: string; resources: ResourceOpts[]; dependencies?: { parent: string; child: string }[]; manageFaults?: 'ALL' | 'NONE'; systems?: string[] }[],
  world: Record<string, 'online' | 'offline'> = {},
  configure?: (exec: ScriptedExecutor) => void,
): Setup {
  const exec = new ScriptedExecutor(clock);
  for (const [k, v] of Object.entries(world)) exec.world.set(k, v);
  configure?.(exec);
  const events: RunnerEvent[] = [];
  const plans: GroupPlan[] = groups.map((g) => ({
    name: g.name,
    manageFaults: g.manageFaults ?? 'ALL',
    autoStart: true,
    resources: g.resources.map(resourcePlan),
    dependencies: g.dependencies ?? [],
    ...(g.systems ? { systems: g.systems } : {}),
  }));
  const t0 = clock.now();
  const runner = new Runner({ system: 'sysA', groups: plans }, { executor: exec, clock, onEvent: (e) => events.push(e), imf: { restartDelayMs: 5000 } });
  return {
    clock,
    exec,
    runner,
    events,
    of: (kind, resource) => events.filter((e) => e.kind === kind && (resource === undefined || (e as { resource?: string }).resource === resource)) as never,
    secs: (t) => (t - t0) / 1000,
  };
}
