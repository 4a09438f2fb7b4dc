/**
 * Connection brokers in tests: real processes (the compiled broker-main.js),
 * real clients (fixtures/broker-client.mjs, a process each), and cleanup that
 * leaves no broker behind: every broker whose socket lies in a test's
 * directory is found by its command line and ended by its pid.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const BROKER_MAIN = join(ROOT, 'dist', 'framework', 'remote', 'broker-main.js');
export const CLIENT = join(ROOT, 'test', 'framework', 'remote', 'fixtures', 'broker-client.mjs');

export function requireDist(): void {
  if (!existsSync(BROKER_MAIN)) throw new Error('run `npm run build` first: these tests run the compiled broker');
}

export interface ClientCommand {
  argv?: string[];
  command?: string;
  idempotent?: boolean;
  timeoutMs?: number;
  abortMs?: number;
}

export interface ClientSpec {
  endpoints: Array<{ host: string; port?: number; user?: string }>;
  dir: string;
  idleMs?: number;
  persist?: boolean;
  strict?: string;
  knownHostsPath?: string;
  commands: ClientCommand[];
}

export interface ClientResult {
  ok: boolean;
  stdout?: string;
  stderr?: string;
  code?: number | null;
  endpoint?: { host: string; port: number; index: number };
  error?: { code: string; message: string; name: string; failures: string[] };
}

export interface ClientOutput {
  results: ClientResult[];
  logs: Array<{ level: string; message: string; fields: Record<string, unknown> }>;
  ssh2Loaded: boolean;
  exit: number | null;
  stderr: string;
}

/** Runs one client process to its end. `home` is the HOME holding ~/.ssh. */
export function runClient(home: string, spec: ClientSpec, extraEnv: Record<string, string> = {}): Promise<ClientOutput> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLIENT], {
      env: { PATH: process.env.PATH ?? '', HOME: home, VCS_REMOTE_HOME: home, USER: 'tester', SSH_AUTH_SOCK: '', BROKER_TEST: JSON.stringify(spec), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('close', (exit) => {
      clearTimeout(timer);
      try {
        res({ ...(JSON.parse(out) as Omit<ClientOutput, 'exit' | 'stderr'>), exit, stderr: err });
      } catch {
        rej(new Error(`client exited ${exit} without a report: ${err}${out}`));
      }
    });
  });
}

/** Starts a broker process by hand (as a client would), for race and version tests. */
export function startBrokerProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [BROKER_MAIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
  child.on('error', () => undefined);
  return child;
}

/** Pids of live broker processes serving a socket in `dir` (found by their command line). */
export function brokerPids(dir: string): number[] {
  const r = spawnSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  const pids: number[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!m) continue;
    if (m[2]!.includes('broker-main.js') && m[2]!.includes(`--socket ${dir}/`)) pids.push(Number(m[1]));
  }
  return pids;
}

export async function waitFor(what: () => boolean | Promise<boolean>, ms = 10_000, label = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await what()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Ends every broker of `dir`: SIGTERM, then SIGKILL after 3 s. */
export async function stopBrokers(dir: string): Promise<void> {
  const pids = brokerPids(dir);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
  }
  try {
    await waitFor(() => brokerPids(dir).length === 0, 3000, 'brokers to exit');
  } catch {
    for (const pid of brokerPids(dir)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}
