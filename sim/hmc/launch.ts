/**
 * Starting bin/hmcsim as a process of its own, the way tests, benchmarks and
 * the scenario reach the simulator: ready once it has printed one
 * `listening HOST:PORT` line per endpoint (its command-line contract).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface HmcsimProcess {
  proc: ChildProcess;
  /** The ports of the endpoints, in the order of the `--listen` options. */
  ports: number[];
  /** What hmcsim wrote on stderr so far (empty with `inheritStderr`). */
  stderr(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface LaunchOptions {
  /** How many `listening` lines to wait for. */
  ports: number;
  timeoutMs?: number;
  /** Let hmcsim's notes go to this process's stderr instead of collecting them. */
  inheritStderr?: boolean;
}

/** Runs `node HMCSIM ARGS...` and resolves once every endpoint listens; rejects, with its stderr, if it exits or takes too long. */
export function launchHmcsim(hmcsim: string, args: readonly string[], opts: LaunchOptions): Promise<HmcsimProcess> {
  const proc = spawn(process.execPath, [hmcsim, ...args], { stdio: ['ignore', 'pipe', opts.inheritStderr ? 'inherit' : 'pipe'] });
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const stop = async (graceMs = 5000): Promise<void> => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const ports: number[] = [];
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop(0);
      reject(new Error(`hmcsim ${why}${err ? `: ${err.trim()}` : ''}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited ${code ?? signal}`);
    const timer = setTimeout(() => fail('did not start'), opts.timeoutMs ?? 20_000);
    proc.once('exit', onExit);
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      const m = /^listening \S+:(\d+)$/.exec(line);
      if (!m || ports.length >= opts.ports) return;
      ports.push(Number(m[1]));
      if (ports.length === opts.ports) {
        clearTimeout(timer);
        proc.off('exit', onExit);
        resolve({ proc, ports, stderr: () => err, stop });
      }
    });
  });
}
