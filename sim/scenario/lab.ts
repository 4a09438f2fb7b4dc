/**
 * The scenario's laboratory, all of it under one temporary directory: the
 * simulated HMCs (`hmcsim --from-maincf` as its own process, one SSH endpoint
 * per HMC of MCName), an SSH client identity the simulator authorises, a
 * throwaway HOME whose ~/.ssh/config names the HMCs and whose known_hosts pins
 * the simulator's host key, and one directory tree per cluster node (VCS_CONF
 * with main.cf and sysname, VCS_LOG, VCS_HOME with the agents installed, a
 * simulated AIX root). The user's own ~/.ssh is never read or written.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ctlRequest } from '../hmc/control.js';
import { ActAbort, setupError } from './context.js';

export interface Endpoint {
  name: string;
  port: number;
}

export interface CommandRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** One partition as `hmcsim ctl dump` shows it. */
export interface WorldPartition {
  name: string;
  id: number;
  env?: string;
  state: string;
  refcode?: string;
}

export interface WorldSystem {
  name: string;
  state: string;
  partitions: WorldPartition[];
}

/** Per endpoint, as `hmcsim ctl stats` prints it. */
export interface EndpointStats {
  name: string;
  state: string;
  logins: number;
  commands: Record<string, number>;
}

/** The paths and environment of one cluster node (a management LPAR running VCS). */
export interface NodeDirs {
  system: string;
  root: string;
  vcsConf: string;
  vcsLog: string;
  vcsHome: string;
  aixRoot: string;
  mainCf: string;
  env: NodeJS.ProcessEnv;
}

/** A cluster node's directories under `root` (VCS_CONF, VCS_LOG, VCS_HOME, the simulated AIX), made, with its main.cf copied in. */
export function nodeDirs(root: string, system: string, mainCf: string): NodeDirs {
  const d: NodeDirs = {
    system,
    root,
    vcsConf: join(root, 'etc', 'VRTSvcs'),
    vcsLog: join(root, 'var', 'VRTSvcs'),
    vcsHome: join(root, 'opt', 'VRTSvcs'),
    aixRoot: join(root, 'aix'),
    mainCf: join(root, 'etc', 'VRTSvcs', 'conf', 'config', 'main.cf'),
    env: {},
  };
  mkdirSync(join(d.vcsConf, 'conf', 'config'), { recursive: true });
  mkdirSync(join(d.vcsLog, 'log'), { recursive: true });
  mkdirSync(d.aixRoot, { recursive: true });
  copyFileSync(mainCf, d.mainCf);
  return d;
}

export class Lab {
  readonly dir: string;
  readonly home: string;
  readonly control: string;
  endpoints: Endpoint[] = [];
  private sim: ChildProcess | undefined;
  private simErr = '';

  constructor(
    readonly root: string,
    readonly speed: number,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'vcs-powervm-scenario-'));
    this.home = join(this.dir, 'home');
    this.control = join(this.dir, 'hmcsim.sock');
    mkdirSync(join(this.home, '.ssh'), { recursive: true, mode: 0o700 });
    mkdirSync(this.aixDir, { recursive: true });
  }

  get vcsagent(): string {
    return join(this.root, 'bin', 'vcsagent');
  }

  get hmcsimBin(): string {
    return join(this.root, 'bin', 'hmcsim');
  }

  /** A process of ours, run to completion with the lab's HOME (never the user's). */
  run(argv: string[], env: NodeJS.ProcessEnv = this.baseEnv()): Promise<CommandRun> {
    return new Promise((resolve) => {
      const p = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('error', (e) => resolve({ code: null, stdout, stderr: stderr + e.message }));
      p.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }

  baseEnv(): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, VCS_REMOTE_HOME: this.home, USER: 'root', LANG: 'C' };
  }

  /**
   * Host key and client key, then hmcsim with one endpoint per HMC; once it
   * listens, the SSH client configuration that names the HMCs.
   */
  async startHmcs(mainCf: string, hmcNames: readonly string[], partitions: readonly string[] = []): Promise<Endpoint[]> {
    // The management LPARs' simulated AIX roots exist before hmcsim starts: it shows them their adapters from the start.
    for (const p of partitions) mkdirSync(join(this.aixDir, p), { recursive: true });
    const keygen = (file: string) => {
      const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'vcs-powervm-scenario', '-f', file], { encoding: 'utf8', env: this.baseEnv() });
      if (r.status !== 0) throw setupError(`ssh-keygen failed: ${r.error?.message ?? r.stderr.trim()}`);
    };
    const hostKey = join(this.dir, 'hmc_host_key');
    const idKey = join(this.home, '.ssh', 'id_ed25519');
    keygen(hostKey);
    keygen(idKey);
    const authorized = join(this.dir, 'hmc_authorized_keys');
    copyFileSync(`${idKey}.pub`, authorized);
    const args = [this.hmcsimBin, '--from-maincf', mainCf, '--host-key', hostKey, '--authorized-keys', authorized, '--control', this.control, '--speed', String(this.speed)];
    for (let i = 0; i < hmcNames.length; i++) args.push('--listen', '127.0.0.1:0');
    args.push('--aix', this.aixDir);
    const sim = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: this.baseEnv() });
    this.sim = sim;
    sim.stderr!.on('data', (d: Buffer) => (this.simErr = (this.simErr + d.toString()).slice(-4000)));
    const lines = createInterface({ input: sim.stdout! });
    const ports = await new Promise<number[]>((resolve, reject) => {
      const found: number[] = [];
      const timer = setTimeout(() => reject(setupError(`hmcsim did not listen within 30 s: ${this.simErr.trim()}`)), 30_000);
      sim.once('exit', (code) => (clearTimeout(timer), reject(setupError(`hmcsim exited ${code}: ${this.simErr.trim()}`))));
      lines.on('line', (line) => {
        const m = /^listening 127\.0\.0\.1:(\d+)$/.exec(line);
        if (m) found.push(Number(m[1]));
        if (found.length === hmcNames.length) {
          clearTimeout(timer);
          resolve(found);
        }
      });
    });
    this.endpoints = hmcNames.map((name, i) => ({ name, port: ports[i]! }));
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    const knownHosts = join(this.home, '.ssh', 'known_hosts');
    writeFileSync(knownHosts, this.endpoints.map((e) => `[127.0.0.1]:${e.port} ${pub}\n`).join(''), { mode: 0o600 });
    // Absolute paths: OpenSSH takes ~ from the password database, not from $HOME.
    const blocks = this.endpoints.map((e) =>
      [`Host ${e.name}`, '  HostName 127.0.0.1', `  Port ${e.port}`, '  User hscroot', `  IdentityFile ${idKey}`, '  IdentitiesOnly yes', `  UserKnownHostsFile ${knownHosts}`, '  StrictHostKeyChecking yes', '  ConnectTimeout 5'].join('\n'),
    );
    writeFileSync(this.sshConfig, `${blocks.join('\n\n')}\n`, { mode: 0o600 });
    return this.endpoints;
  }

  /**
   * The partitions' simulated AIX roots (`hmcsim --aix`): one directory per
   * partition — each management LPAR's (a cluster node's), the managed
   * LPAR's once the DR act installs it — which hmcsim shows its adapters and
   * boots; their VLANs are in .vswitch/.
   */
  get aixDir(): string {
    return join(this.dir, 'aix');
  }

  get sshConfig(): string {
    return join(this.home, '.ssh', 'config');
  }

  /** `hmcsim ctl COMMAND ARGS` as its own process; the JSON it prints, parsed. */
  async ctl(...args: string[]): Promise<unknown> {
    const r = await this.run([process.execPath, this.hmcsimBin, 'ctl', '--control', this.control, ...args]);
    if (r.code !== 0) throw new ActAbort(`hmcsim ctl ${args.join(' ')}: ${(r.stderr || r.stdout).trim()}`);
    try {
      return JSON.parse(r.stdout) as unknown;
    } catch {
      return r.stdout.trim();
    }
  }

  /** The world as the HMCs see it, over the control socket (cheap enough to poll). */
  async world(): Promise<WorldSystem[]> {
    const r = await ctlRequest(this.control, 'dump', [], 10_000);
    if (!r.ok) throw new ActAbort(`hmcsim ctl dump: ${r.error ?? 'failed'}`);
    const w = r.result as { systems: Array<{ name: string; state: string; partitions?: WorldPartition[] }> };
    return w.systems.map((s) => ({ name: s.name, state: s.state, partitions: (s.partitions ?? []).map((p) => ({ name: p.name, id: p.id, env: p.env, state: p.state, refcode: p.refcode })) }));
  }

  /** The state of a partition on a managed system, undefined when it is not defined there. */
  async partitionState(system: string, lpar: string): Promise<string | undefined> {
    const w = await this.world();
    return w.find((s) => s.name === system)?.partitions.find((p) => p.name === lpar)?.state;
  }

  async stats(reset = false): Promise<EndpointStats[]> {
    const r = (await this.ctl('stats', ...(reset ? ['--reset'] : []))) as Record<string, EndpointStats>;
    return Object.values(r).map((s) => ({ name: s.name, state: s.state, logins: s.logins ?? 0, commands: s.commands ?? {} }));
  }

  /** What an administrator types on a management LPAR: OpenSSH to an HMC. */
  ssh(hmc: string, command: string): Promise<CommandRun> {
    return this.run(['ssh', '-F', this.sshConfig, '-o', 'BatchMode yes', hmc, command]);
  }

  /**
   * One cluster node: VCS_CONF/conf/{config/main.cf,sysname}, VCS_LOG,
   * VCS_HOME with the LPAR agent installed as VCS runs it, a simulated AIX.
   */
  async node(system: string, mainCf: string): Promise<NodeDirs> {
    const d = nodeDirs(join(this.dir, 'nodes', system), system, mainCf);
    d.aixRoot = join(this.aixDir, system);
    mkdirSync(d.aixRoot, { recursive: true });
    writeFileSync(join(d.vcsConf, 'conf', 'sysname'), `${system}\n`);
    d.env = {
      ...this.baseEnv(),
      PATH: `${join(this.root, 'sim', 'aix', 'bin')}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      AIXSIM_ROOT: d.aixRoot,
      VCS_CONF: d.vcsConf,
      VCS_LOG: d.vcsLog,
      VCS_HOME: d.vcsHome,
      // The connection broker goes back to the first HMC 60 s after it moved away: VCS time, so scaled.
      VCS_REMOTE_FAILBACK: String(60 / this.speed),
    };
    const inst = await this.run([process.execPath, this.vcsagent, 'install', '--vcs-home', d.vcsHome, 'LPAR'], d.env);
    if (inst.code !== 0) throw setupError(`vcsagent install on ${system}: ${(inst.stderr || inst.stdout).trim()}`);
    return d;
  }

  /** Stops hmcsim (SIGTERM, then SIGKILL) and removes the directory unless asked to keep it. */
  async close(keep: boolean): Promise<void> {
    const sim = this.sim;
    if (sim && sim.exitCode === null && sim.signalCode === null) {
      const exited = new Promise((r) => sim.once('exit', r));
      sim.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
      if (sim.exitCode === null && sim.signalCode === null) sim.kill('SIGKILL');
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }

  /** Last resort on exit: nothing asynchronous may run any more. */
  closeNow(keep: boolean): void {
    if (this.sim && this.sim.exitCode === null && this.sim.signalCode === null) this.sim.kill('SIGKILL');
    if (!keep && existsSync(this.dir)) rmSync(this.dir, { recursive: true, force: true });
  }
}
