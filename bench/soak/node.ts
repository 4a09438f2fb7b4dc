/**
 * One cluster node of the soak: a management LPAR's agent framework as its
 * own process, `vcsagent run --config main.cf --system NODE --commands
 * --json`, over the node's VCS_CONF/VCS_LOG/VCS_HOME (sim/scenario/lab.ts
 * lays them out). Commands go to its standard input one line each, as `ha`
 * commands would; its events come back as JSON lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { RunnerEvent } from '../../framework/runner/events.js';
import type { NodeDirs } from '../../sim/scenario/lab.js';

export class SoakNode {
  /** The cluster node (its VCS system name). */
  readonly name: string;
  readonly events: RunnerEvent[] = [];
  private proc: ChildProcess | undefined;
  private listeners: Array<(e: RunnerEvent) => void> = [];
  private stderrTail = '';
  /** The group's and the resource's state here, as this node's engine reports them. */
  groupState = 'offline';
  resourceState = 'unknown';

  constructor(
    readonly dirs: NodeDirs,
    private readonly vcsagent: string,
    private readonly env: NodeJS.ProcessEnv,
    /** Its managed system (PhysicalServer). */
    readonly server: string,
  ) {
    this.name = dirs.system;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  get alive(): boolean {
    return !!this.proc && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the engine; resolves once it has probed its resources (runner-started, then the first probes). */
  start(): Promise<void> {
    const p = spawn(process.execPath, [this.vcsagent, 'run', '--config', this.dirs.mainCf, '--system', this.name, '--commands', '--json', '--no-online'], {
      env: this.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc = p;
    p.stderr!.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString()).slice(-4000)));
    createInterface({ input: p.stdout! }).on('line', (line) => {
      let e: RunnerEvent;
      try {
        e = JSON.parse(line) as RunnerEvent;
      } catch {
        return; // `state` output and the like
      }
      this.events.push(e);
      if (e.kind === 'group-state') this.groupState = e.to;
      if (e.kind === 'resource-state') this.resourceState = e.to;
      for (const l of [...this.listeners]) l(e);
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: vcsagent run did not start within 60 s: ${this.stderrTail.trim()}`)), 60_000);
      p.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${this.name}: vcsagent run exited ${code}: ${this.stderrTail.trim()}`));
      });
      const probed = (e: RunnerEvent) => {
        if (e.kind === 'resource-state' && e.cause === 'probe') {
          clearTimeout(timer);
          this.off(probed);
          resolve();
        }
      };
      this.on(probed);
    });
  }

  on(fn: (e: RunnerEvent) => void): void {
    this.listeners.push(fn);
  }

  off(fn: (e: RunnerEvent) => void): void {
    this.listeners = this.listeners.filter((l) => l !== fn);
  }

  /** One `ha`-like command: online G, offline G, migrate G SYS, clear G. */
  send(command: string): void {
    if (this.alive) this.proc!.stdin!.write(`${command}\n`);
  }

  /** Ends the engine (its resources stay as they are, as `hastop -local -force`). */
  async stop(): Promise<void> {
    const p = this.proc;
    if (!p || !this.alive) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.stdin!.end();
    p.kill('SIGTERM');
    const timer = setTimeout(() => p.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }

  stderr(): string {
    return this.stderrTail;
  }
}
