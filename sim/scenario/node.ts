/**
 * One cluster node of the scenario: a management LPAR's VCS agent framework
 * (framework/runner) over its own VCS_CONF/VCS_LOG/VCS_HOME, starting every
 * entry point as VCS does — `$VCS_HOME/bin/LPAR/<entry point>` as a process
 * — and keeping what happened: the runner's events (to wait on) and the new
 * lines of its LPAR_A.log (to show).
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../../framework/cf/load.js';
import type { Clock } from '../../framework/clock.js';
import { EngineLog } from '../../framework/runner/engine-log.js';
import type { RunnerEvent } from '../../framework/runner/events.js';
import { ProcessExecutor } from '../../framework/runner/executor.js';
import { buildPlan } from '../../framework/runner/plan.js';
import { Runner } from '../../framework/runner/runner.js';
import { ActAbort, setupError } from './context.js';
import type { NodeDirs } from './lab.js';

export interface AgentLogLine {
  severity: string;
  entryPoint: string;
  message: string;
}

interface Waiter {
  pred: (e: RunnerEvent) => boolean;
  from: number;
  resolve: (e: RunnerEvent) => void;
}


export class ClusterNode {
  readonly system: string;
  readonly runner: Runner;
  readonly executor: ProcessExecutor;
  readonly events: RunnerEvent[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly engineLog: EngineLog;
  private logOffset = 0;

  constructor(
    readonly dirs: NodeDirs,
    clock: Clock,
    onEvent: (e: RunnerEvent) => void,
  ) {
    this.system = dirs.system;
    const { config, errors } = loadConfig(dirs.mainCf);
    if (errors.length > 0) throw setupError(`${dirs.mainCf}: ${errors.map((e) => e.message).join('; ')}`);
    const plan = buildPlan(config, dirs.system);
    const groupOf = new Map(plan.groups.flatMap((g) => g.resources.map((r) => [r.name, g.name] as const)));
    this.engineLog = new EngineLog(dirs.vcsLog, (r) => groupOf.get(r));
    this.executor = new ProcessExecutor({ vcsHome: dirs.vcsHome, env: dirs.env, killGraceMs: 1000 });
    this.runner = new Runner(plan, {
      executor: this.executor,
      clock,
      onEvent: (e) => {
        this.events.push(e);
        this.engineLog.write(e);
        onEvent(e);
        for (const w of [...this.waiters]) {
          if (w.pred(e)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(e);
          }
        }
      },
    });
  }

  /** A position in the event stream, to wait for what happens after it. */
  mark(): number {
    return this.events.length;
  }

  since(mark: number): RunnerEvent[] {
    return this.events.slice(mark);
  }

  /** The first event from `from` on that satisfies `pred`, waiting at most `ms` (real) for it. */
  waitFor(pred: (e: RunnerEvent) => boolean, from: number, ms: number, what: string, signal?: AbortSignal): Promise<RunnerEvent> {
    const seen = this.events.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
      };
      const timer = setTimeout(() => {
        done();
        reject(new ActAbort(`${this.system}: ${what} did not happen within ${(ms / 1000).toFixed(0)} s`));
      }, ms);
      const onAbort = () => {
        done();
        reject(new ActAbort(`${this.system}: interrupted while waiting for ${what}`));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const waiter: Waiter = {
        pred,
        from,
        resolve: (e) => {
          done();
          resolve(e);
        },
      };
      this.waiters.push(waiter);
    });
  }

  get agentLogPath(): string {
    return join(this.dirs.vcsLog, 'log', 'LPAR_A.log');
  }

  /** LPAR_A.log lines written since the last call (`2026/01/01 10:00:00 VCS SEV V-16-... LPAR:res:ep:message`). */
  newAgentLog(): AgentLogLine[] {
    const path = this.agentLogPath;
    if (!existsSync(path)) return [];
    const size = statSync(path).size;
    if (size <= this.logOffset) return [];
    const fd = openSync(path, 'r');
    const buf = Buffer.alloc(size - this.logOffset);
    try {
      readSync(fd, buf, 0, buf.length, this.logOffset);
    } finally {
      closeSync(fd);
    }
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n') + 1;
    this.logOffset += Buffer.byteLength(text.slice(0, end));
    const out: AgentLogLine[] = [];
    for (const line of text.slice(0, end).split('\n')) {
      const m = /^\S+ \S+ VCS (\S+) \S+ LPAR:[^:]*:([^:]*):(.*)$/.exec(line);
      if (m) out.push({ severity: m[1]!, entryPoint: m[2]!, message: m[3]! });
    }
    return out;
  }

  /** Close, shutdown; the resources stay as they are (hastop -local -force). */
  async stop(): Promise<void> {
    try {
      await this.runner.stop();
    } finally {
      this.executor.killAll();
      this.engineLog.close();
    }
  }
}
