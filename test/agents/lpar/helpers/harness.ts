/**
 * An LPAR agent test bench made of real parts: `hmcsim` as a process with
 * redundant HMC endpoints over SSH, a throwaway HOME whose ~/.ssh/config
 * names them (Host hmc6 → 127.0.0.1:PORT), known_hosts pinned to the
 * simulator's --host-key, a client key authorised with --authorized-keys,
 * the simulated AIX commands (drmgr, hasys, hagrp) first on PATH, and
 * `vcsagent` processes for every entry point. Needs dist/ (npm test builds).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ctlRequest } from '../../../../sim/hmc/control.js';
import { type HmcsimProcess, launchHmcsim } from '../../../../sim/hmc/launch.js';
import { stopBrokers } from '../../../framework/remote/helpers/brokers.js';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../..');
export const VCSAGENT = join(ROOT, 'bin', 'vcsagent');
export const HMCSIM = join(ROOT, 'bin', 'hmcsim');
const AIX_BIN = join(ROOT, 'sim', 'aix', 'bin');

export interface BenchOptions {
  /** main.cf text (the seed sample when omitted). */
  mainCf?: string;
  /** HMC names, one simulated endpoint each (default hmc6, hmc7). */
  hmcs?: string[];
  speed?: number;
  /** Extra lines for each Host block of ~/.ssh/config. */
  sshExtra?: string[];
  /** hmcsim --aix ROOTS: partitions with a directory under `aixRoots` have a simulated AIX (sim/aix/guest.ts). */
  aix?: boolean;
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export const SEED_MAINCF = `include "types.cf"

cluster cluster01 (
)

system aixnode55mp1 (
    PhysicalServer = sys1
)

system aixnode56mp1 (
    PhysicalServer = sys2
)

group LPAR_aixnode5556mp2 (
    SystemList = { aixnode55mp1 = 0, aixnode56mp1 = 1 }
    SysDownPolicy = { AutoDisableNoOffline }
)

LPAR aixnode5556mp2 (
    LPARName = aixnode5556mp2
    MCUser = { hscroot, hscroot }
    MCName = { hmc6, hmc7 }
    VIOSName @aixnode55mp1 = { aixnode55vio1, aixnode55vio2 }
    VIOSName @aixnode56mp1 = { aixnode56vio1, aixnode56vio2 }
    RestartLimit = 1
    OnlineTimeout = 60
    OfflineTimeout = 20
    CleanTimeout = 30
    MigrateTimeout = 120
)
`;

/** The seed's cluster nodes (on managed systems sys1 and sys2) and its LPAR (resource and partition). */
export const NODE_A = 'aixnode55mp1';
export const NODE_B = 'aixnode56mp1';
export const SEED_LPAR = 'aixnode5556mp2';

/** The seed resource's ArgList as VCS flattens it for a system (V50 name-count-values). */
export function seedArgList(vios: string[], profileFile = '', removeOnOffline = 0): string[] {
  return ['LPARName', '1', 'aixnode5556mp2', 'MCUser', '2', 'hscroot', 'hscroot', 'MCName', '2', 'hmc6', 'hmc7', 'VIOSName', String(vios.length), ...vios, 'ProfileFile', '1', profileFile, 'RemoveProfileOnOffline', '1', String(removeOnOffline), 'DROpts', '0'];
}

export class Bench {
  readonly dir: string;
  readonly home: string;
  readonly aixRoot: string;
  readonly vcsLog: string;
  readonly vcsConf: string;
  readonly mainCfPath: string;
  readonly control: string;
  readonly hmcNames: string[];
  /** The partitions' simulated AIX roots, one directory per partition name (with `aix`). */
  readonly aixRoots: string;
  ports: number[] = [];
  private sim: HmcsimProcess | undefined;
  /** VCS_LOG directories of other management LPARs (own brokers, markers, logs). */
  private readonly otherLogs: string[] = [];

  constructor(private readonly opts: BenchOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'lpar-bench-'));
    this.home = join(this.dir, 'home');
    this.aixRoot = join(this.dir, 'aix');
    this.vcsLog = join(this.dir, 'vcslog');
    this.vcsConf = join(this.dir, 'vcsconf');
    this.control = join(this.dir, 'hmcsim.sock');
    this.hmcNames = opts.hmcs ?? ['hmc6', 'hmc7'];
    mkdirSync(join(this.home, '.ssh'), { recursive: true, mode: 0o700 });
    mkdirSync(join(this.vcsLog, 'log'), { recursive: true });
    mkdirSync(join(this.vcsConf, 'conf', 'config'), { recursive: true });
    mkdirSync(this.aixRoot, { recursive: true });
    this.aixRoots = join(this.dir, 'roots');
    if (opts.aix) mkdirSync(this.aixRoots, { recursive: true });
    this.mainCfPath = join(this.vcsConf, 'conf', 'config', 'main.cf');
    writeFileSync(this.mainCfPath, opts.mainCf ?? SEED_MAINCF);
  }

  /** Host key, client key, hmcsim with one endpoint per HMC name, ssh config and known_hosts. */
  async start(): Promise<this> {
    const keygen = (file: string) => {
      const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
    };
    const hostKey = join(this.dir, 'hostkey');
    keygen(hostKey);
    keygen(join(this.home, '.ssh', 'id_ed25519'));
    const authorized = join(this.dir, 'authorized_keys');
    writeFileSync(authorized, readFileSync(join(this.home, '.ssh', 'id_ed25519.pub')));
    const args = ['--from-maincf', this.mainCfPath, '--host-key', hostKey, '--authorized-keys', authorized, '--control', this.control, '--speed', String(this.opts.speed ?? 10)];
    for (let i = 0; i < this.hmcNames.length; i++) args.push('--listen', '127.0.0.1:0');
    if (this.opts.aix) args.push('--aix', this.aixRoots);
    this.sim = await launchHmcsim(HMCSIM, args, { ports: this.hmcNames.length });
    this.ports = this.sim.ports;
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    writeFileSync(join(this.home, '.ssh', 'known_hosts'), this.ports.map((p) => `[127.0.0.1]:${p} ${pub}\n`).join(''));
    const blocks = this.hmcNames.map((n, i) =>
      [`Host ${n}`, '  HostName 127.0.0.1', `  Port ${this.ports[i]}`, '  User hscroot', '  IdentityFile ~/.ssh/id_ed25519', '  StrictHostKeyChecking yes', '  ConnectTimeout 5', ...(this.opts.sshExtra ?? []).map((l) => `  ${l}`)].join('\n'),
    );
    writeFileSync(join(this.home, '.ssh', 'config'), `${blocks.join('\n\n')}\n`, { mode: 0o600 });
    chmodSync(join(this.home, '.ssh', 'config'), 0o600);
    return this;
  }

  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: `${AIX_BIN}:${process.env.PATH ?? ''}`,
      HOME: this.home,
      // Our SSH reads ~/.ssh from the password database's home, as OpenSSH does: point it here.
      VCS_REMOTE_HOME: this.home,
      USER: 'root',
      AIXSIM_ROOT: this.aixRoot,
      VCS_LOG: this.vcsLog,
      VCS_CONF: this.vcsConf,
      VCS_HOME: join(this.dir, 'vcshome'),
      ...extra,
    };
  }

  /**
   * `vcsagent LPAR EP RESOURCE [LEADING...] --config main.cf --system SYSTEM [--target T] [-- ACTION ARGS]`
   * (leading: the clean reason, ...).
   */
  agent(entryPoint: string, system: string, leading: string[] = [], o: { resource?: string; env?: Record<string, string>; target?: string; actionArgs?: string[]; config?: string } = {}): Promise<AgentRun> {
    const args = [VCSAGENT, 'LPAR', entryPoint, o.resource ?? 'aixnode5556mp2', ...leading, '--config', o.config ?? this.mainCfPath, '--system', system];
    if (o.target !== undefined) args.push('--target', o.target);
    if (o.actionArgs !== undefined) args.push('--', ...o.actionArgs);
    return this.run(process.execPath, args, o.env ?? {});
  }

  /**
   * The VCS calling convention, no configuration: `vcsagent --system SYSTEM LPAR EP RESOURCE
   * [LEADING...] ArgList...` (the system as $VCS_CONF/conf/sysname would give it; attributes
   * the agent needs from VCS come from `hasys`, the simulated one on PATH).
   */
  vcs(entryPoint: string, system: string, leading: string[], argList: string[], resource = 'aixnode5556mp2'): Promise<AgentRun> {
    return this.run(process.execPath, [VCSAGENT, '--system', system, 'LPAR', entryPoint, resource, ...leading, ...argList]);
  }

  run(cmd: string, args: string[], env: Record<string, string> = {}): Promise<AgentRun> {
    const started = Date.now();
    return new Promise((res) => {
      const p = spawn(cmd, args, { env: this.env(env), stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('close', (code) => res({ code, stdout, stderr, ms: Date.now() - started }));
    });
  }

  /** An administrator's command on hmc6, with OpenSSH as they would type it. */
  adminSsh(command: string): Promise<AgentRun> {
    return this.run('ssh', [
      '-F', join(this.home, '.ssh/config'),
      // OpenSSH expands ~ from the password database, not $HOME: name the bench's files.
      '-i', join(this.home, '.ssh/id_ed25519'),
      '-o', `UserKnownHostsFile=${join(this.home, '.ssh/known_hosts')}`,
      '-o', 'IdentitiesOnly=yes',
      '-o', 'BatchMode=yes',
      'hmc6',
      command,
    ]);
  }

  /**
   * What `hmcsim ctl --control SOCKET ...` asks, sent straight down the control socket (its JSON
   * lines, test/sim/hmc/cli.test.ts proves the command-line client): a test polls the world
   * dozens of times, and a Node process per look cost the suite minutes on a busy machine.
   */
  async ctl(...args: string[]): Promise<any> {
    const [command, ...rest] = args;
    const r = await ctlRequest(this.control, command!, rest);
    if (!r.ok) throw new Error(`hmcsim ctl ${args.join(' ')}: ${r.error}`);
    return r.result ?? '';
  }

  /** The world's partitions by managed system: { sys1: { name: state } }. */
  async states(): Promise<Record<string, Record<string, string>>> {
    const world = await this.ctl('dump');
    const out: Record<string, Record<string, string>> = {};
    for (const s of world.systems) {
      out[s.name] = {};
      for (const p of s.partitions ?? s.lpars ?? []) out[s.name]![p.name] = p.state;
    }
    return out;
  }

  async waitFor(what: () => Promise<boolean>, timeoutMs = 20_000, label = 'condition'): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (await what()) return;
      if (Date.now() > end) throw new Error(`timed out waiting for ${label}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Writes a file under the bench directory (another main.cf, a ProfileFile...) and returns its path. */
  file(name: string, text: string): string {
    const p = join(this.dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    return p;
  }

  /** LPAR_A.log so far. */
  log(): string {
    const f = join(this.vcsLog, 'log', 'LPAR_A.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  /** Commands the HMCs ran, summed over endpoints, by name. */
  async commandCounts(): Promise<{ logins: number; commands: Record<string, number>; byEndpoint: Record<string, { logins: number; total: number }> }> {
    const stats = await this.ctl('stats');
    const commands: Record<string, number> = {};
    const byEndpoint: Record<string, { logins: number; total: number }> = {};
    let logins = 0;
    for (const [addr, s] of Object.entries<any>(stats)) {
      logins += s.logins ?? 0;
      let total = 0;
      for (const [c, n] of Object.entries<number>(s.commands ?? {})) {
        commands[c] = (commands[c] ?? 0) + n;
        total += n;
      }
      byEndpoint[s.name ?? addr] = { logins: s.logins ?? 0, total };
    }
    return { logins, commands, byEndpoint };
  }

  /**
   * The environment of another management LPAR: its own VCS_LOG (so its own
   * connection broker, markers and LPAR_A.log), the same SSH setup.
   */
  otherNode(name: string): { env: Record<string, string>; log: () => string } {
    const vcsLog = join(this.dir, `vcslog-${name}`);
    mkdirSync(join(vcsLog, 'log'), { recursive: true });
    this.otherLogs.push(vcsLog);
    const file = join(vcsLog, 'log', 'LPAR_A.log');
    return { env: { VCS_LOG: vcsLog }, log: () => (existsSync(file) ? readFileSync(file, 'utf8') : '') };
  }

  /** Where the LPAR agent's connection brokers keep their sockets (VCS_LOG/tmp/remote). */
  get brokerDir(): string {
    return join(this.vcsLog, 'tmp', 'remote');
  }

  /** Ends the connection brokers the entry points started (the next entry point starts afresh). */
  async stopBrokers(): Promise<void> {
    await stopBrokers(this.brokerDir);
    for (const log of this.otherLogs) await stopBrokers(join(log, 'tmp', 'remote'));
  }

  async stop(): Promise<void> {
    // Entry points leave a connection broker behind (it would idle out after 5 minutes): end it.
    await this.stopBrokers();
    await this.sim?.stop(3000);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
