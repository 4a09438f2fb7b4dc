/** Shared by the hmcsim tests: an in-process world and shell, and a real hmcsim process. */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ssh2 from 'ssh2';
import { afterAll } from 'vitest';
import type { ConnectConfig } from 'ssh2';
import { Interpreter } from '../../../sim/hmc/interpreter.js';
import { launchHmcsim } from '../../../sim/hmc/launch.js';
import type { World } from '../../../sim/hmc/world.js';
import { loadWorldFile } from '../../../sim/hmc/worldfile.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
export const FIXTURE = join(ROOT, 'test/sim/hmc/fixtures/two-systems.json');
export const HMCSIM = join(ROOT, 'bin/hmcsim');
const SSH_NOCHECK = ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR'];

/** Temporary directories made by tmp(), removed after the test file (after its own afterAll hooks). */
const made: string[] = [];
afterAll(() => {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
});

export function tmp(prefix = 'hmcsim-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The fixture world with simulated time running `speed` times faster. */
export function fixtureWorld(speed = 1000): World {
  return loadWorldFile(FIXTURE, speed);
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export async function waitForAsync(cond: () => Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A shell on the world as an exec request gets it. */
export function shell(world: World, user = 'hscroot'): (cmd: string) => Promise<{ stdout: string; stderr: string; status: number }> {
  const sh = new Interpreter(world, user, 'hmc6', '/bin/bash');
  return (cmd) => sh.run(cmd);
}

export interface SimProcess {
  proc: ChildProcess;
  ports: number[];
  control: string;
  dir: string;
  stderr: () => string;
  ctl: (...args: string[]) => { status: number; stdout: string; stderr: string };
  stop: () => Promise<void>;
}

/** Starts bin/hmcsim (built by `npm run build`) with `endpoints` ephemeral ports and a control socket. */
export async function startSim(opts: { world?: string; maincf?: string; endpoints?: number; expectPorts?: number; speed?: number; extra?: string[] } = {}): Promise<SimProcess> {
  const dir = tmp();
  const control = join(dir, 'control.sock');
  const args = [opts.maincf ? '--from-maincf' : '--world', opts.maincf ?? opts.world ?? FIXTURE, '--control', control, '--speed', String(opts.speed ?? 10)];
  for (let i = 0; i < (opts.endpoints ?? 2); i++) args.push('--listen', '127.0.0.1:0');
  args.push(...(opts.extra ?? []));
  const sim = await launchHmcsim(HMCSIM, args, { ports: opts.expectPorts ?? opts.endpoints ?? 2, timeoutMs: 15_000 });
  return {
    proc: sim.proc,
    ports: sim.ports,
    control,
    dir,
    stderr: sim.stderr,
    ctl: (...a: string[]) => {
      const r = spawnSync(process.execPath, [HMCSIM, 'ctl', '--control', control, ...a], { encoding: 'utf8' });
      return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
    },
    stop: () => sim.stop(),
  };
}

/** OpenSSH exec with a password supplied through SSH_ASKPASS (no pty, as VCS agents run it). */
export function sshPassword(port: number, command: string, opts: { password?: string; user?: string; extra?: string[]; input?: string } = {}) {
  const dir = tmp('askpass-');
  const askpass = join(dir, 'askpass.sh');
  spawnSync('sh', ['-c', `printf '#!/bin/sh\\necho "%s"\\n' "$PW" > ${askpass} && chmod 700 ${askpass}`], { env: { ...process.env, PW: opts.password ?? 'abc123' } });
  const checks = (opts.extra ?? []).some((o) => o.startsWith('StrictHostKeyChecking')) ? ['-o', 'LogLevel=ERROR'] : SSH_NOCHECK;
  try {
    const r = spawnSync('/usr/bin/ssh', [...checks, '-o', 'PubkeyAuthentication=no', '-o', 'NumberOfPasswordPrompts=1', ...(opts.extra ?? []), '-p', String(port), `${opts.user ?? 'hscroot'}@127.0.0.1`, ...(command ? [command] : [])], {
      encoding: 'utf8',
      env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      input: opts.input ?? '',
      timeout: 90_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


/** An ssh2 client logged in to an endpoint (password by default). */
export function sshClient(port: number, cfg: Partial<ConnectConfig> = {}, setup?: (c: InstanceType<typeof ssh2.Client>) => void): Promise<InstanceType<typeof ssh2.Client>> {
  return new Promise((resolveC, reject) => {
    const c = new ssh2.Client();
    setup?.(c);
    c.once('ready', () => resolveC(c));
    c.on('error', reject);
    c.connect({ host: '127.0.0.1', port, username: 'hscroot', password: 'abc123', readyTimeout: 10_000, ...cfg });
  });
}

export function execOn(c: InstanceType<typeof ssh2.Client>, command: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolveE, reject) => {
    c.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = '';
      let stderr = '';
      let code: number | null = null;
      stream.on('data', (d: Buffer) => (stdout += d));
      stream.stderr.on('data', (d: Buffer) => (stderr += d));
      stream.on('exit', (c2: number | null) => (code = c2));
      stream.on('close', () => resolveE({ stdout, stderr, code }));
    });
  });
}

/** OpenSSH with a pty (`ssh -tt`) fed `input`: the interactive HMC session as a terminal sees it. */
export function sshInteractive(port: number, input: string, opts: { password?: string } = {}) {
  return sshPassword(port, '', { ...opts, extra: ['-tt'], input }) ;
}
