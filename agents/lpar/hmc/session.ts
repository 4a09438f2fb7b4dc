/**
 * The HMC as one entry point sees it: the MCName/MCUser pairs as redundant
 * endpoints (framework/remote: tried in order, a down or hung one passed over
 * within a bounded time, the one that worked remembered, one pooled SSH
 * connection per HMC held by the user's connection broker so that monitors
 * do not log in each time), every command bounded by the entry point's
 * deadline, and the HMC's error convention (text on stdout, exit 1, HSCL
 * codes) turned into HmcCommandError.
 */
import { HmcCommandError, SshError, VcsPowervmError } from '../../../framework/errors.js';
import type { Logger } from '../../../framework/remote/logger.js';
import { buildCommand } from '../../../framework/remote/quote.js';
import { createRemote, retireBroker, type Remote, type RemoteOptions, type RunResult } from '../../../framework/remote/remote.js';
import { hmcUser } from '../names.js';
import { errorSummary, HSCL_PARTITION_NOT_FOUND, hsclCodes } from './hscl.js';
import type { Argv } from './commands.js';

export interface HmcSessionOptions {
  /** MCName: HMC host names (or ~/.ssh/config aliases), in order. */
  names: readonly string[];
  /** MCUser: the user for each name; a shorter list repeats its last user; empty means hscroot. */
  users: readonly string[];
  log: Logger;
  /** The entry point's AbortSignal. */
  signal?: AbortSignal;
  /** Epoch ms by which the entry point must be done (Infinity for none). */
  deadline?: number;
  /** Log the serving HMC at debug level when it is the first one (monitor: every cycle). */
  quiet?: boolean;
  /** Environment for HOME/USER (tests point HOME at a directory holding ~/.ssh). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Go through the connection broker (default true; VCS_REMOTE_PERSIST=no also turns it off). */
  persist?: boolean;
}

export interface HmcResult {
  stdout: string;
  code: number;
  /** Which HMC ran it, as MCName names it. */
  hmc: string;
  /** Its position in MCName. */
  index: number;
  hscl: string[];
}

export interface RunOpts {
  /** Safe to send again to the next HMC (queries). */
  idempotent?: boolean;
  /** The command's own time limit (SSH: waiting for a channel, running, output). */
  timeoutMs?: number;
  /** A bound on everything, connecting included, in milliseconds. */
  within?: number;
}

/** One HMC's answer to a query asked of several (HmcSession.views). */
export type HmcView = { hmc: string; result: HmcResult } | { hmc: string; error: Error };

/** Managed-system states in which an HMC manages the partitions (research/hmc-facts.md §1.5). */
const SEES_SYSTEM: ReadonlySet<string> = new Set(['Operating', 'Standby', 'Initializing', 'Power Off', 'Power Off In Progress']);

/** Default user on an HMC (the factory super administrator). */
export const DEFAULT_HMC_USER = 'hscroot';
/** Time kept back from the deadline so the entry point can still log and exit cleanly. */
const MARGIN_MS = 2_000;
/** One command never waits longer than this unless the caller says so (migrlpar does). */
const COMMAND_CAP_MS = 120_000;
/** SSH handshake and login bound per HMC: a hung HMC costs at most this before the next is tried. */
const HANDSHAKE_CAP_MS = 10_000;

export function endpointsOf(names: readonly string[], users: readonly string[]) {
  if (names.length === 0) {
    throw new VcsPowervmError('VCSPVM_AGENT_ATTRIBUTE', { attribute: 'MCName', resource: '', detail: 'no HMC is configured (MCName is empty)' });
  }
  return names.map((host, i) => {
    const user = users.length === 0 ? DEFAULT_HMC_USER : users[Math.min(i, users.length - 1)]!;
    return { host, user: hmcUser(user) };
  });
}

export class HmcSession {
  private readonly remote: Remote;
  /** One Remote per HMC, made when a query must be asked of a given HMC (a second opinion). */
  private readonly single = new Map<number, Remote>();
  private readonly remoteOptions: Omit<RemoteOptions, 'endpoints'>;
  private readonly endpointList: ReturnType<typeof endpointsOf>;
  private readonly log: Logger;
  private readonly signal: AbortSignal | undefined;
  private readonly deadline: number;
  private lastHmc: string | undefined;
  private readonly quiet: boolean;
  /** Commands sent, for the log at the end of an entry point and for tests. */
  commands = 0;

  constructor(opts: HmcSessionOptions) {
    this.log = opts.log;
    this.quiet = opts.quiet ?? false;
    this.signal = opts.signal;
    this.deadline = opts.deadline ?? Infinity;
    const budget = this.remaining();
    this.endpointList = endpointsOf(opts.names, opts.users);
    this.remoteOptions = {
      // The SSH layer's routine news (connected, endpoint in use) is debug here; its warnings
      // (an HMC passed over) and errors stay as they are.
      logger: { ...opts.log, debug: opts.log.debug, info: opts.log.debug, warn: opts.log.warn, error: opts.log.error },
      readyTimeoutMs: Math.max(1_000, Math.min(HANDSHAKE_CAP_MS, Math.floor(budget / 4))),
      commandTimeoutMs: Math.max(1_000, Math.min(COMMAND_CAP_MS, budget)),
      // One SSH connection per HMC for all of this system's entry points (and IMF), held by a
      // connection broker ($VCS_LOG/tmp/remote); VCS_REMOTE_PERSIST=no turns it off.
      persist: opts.persist ?? true,
      ...(opts.env ? { env: opts.env } : {}),
    };
    this.remote = createRemote({ endpoints: this.endpointList, ...this.remoteOptions });
  }

  /** MCName, in order. */
  get names(): string[] {
    return this.endpointList.map((e) => e.host);
  }

  /** Milliseconds left before the deadline, less the margin. */
  remaining(): number {
    return Number.isFinite(this.deadline) ? Math.max(0, this.deadline - Date.now() - MARGIN_MS) : 10 * 60_000;
  }

  /**
   * Runs a command and returns its result whatever its exit status.
   * `idempotent` commands (queries) may be sent to the next HMC when one
   * fails mid-command; state changes are never sent twice.
   */
  async run(argv: Argv, opts: RunOpts = {}): Promise<HmcResult> {
    // A query that hangs on one HMC must leave time to ask the next one.
    const share = opts.idempotent && this.remote.endpoints.length > 1 ? this.remaining() / 2 : this.remaining();
    return this.runWith(this.remote, argv, opts, share);
  }

  /** Runs a command on the HMC at position `index` of MCName only. */
  async runOn(index: number, argv: Argv, opts: RunOpts = {}): Promise<HmcResult> {
    let remote = this.single.get(index);
    if (!remote) {
      const ep = this.endpointList[index];
      if (!ep) throw new Error(`no HMC at position ${index + 1} of MCName`);
      this.single.set(index, (remote = createRemote({ endpoints: [ep], ...this.remoteOptions })));
    }
    const r = await this.runWith(remote, argv, opts, this.remaining());
    // A single-endpoint Remote numbers its endpoint 0: report its place in MCName.
    return { ...r, index };
  }

  /**
   * Redundant HMCs as several views of one world: asks the HMC that serves
   * (as run() does); when its answer is an error (an HSCL code, say) or
   * `unseen(answer)` says it cannot see what was asked (a managed system in
   * No Connection on that HMC), asks each other HMC in turn. Returns every
   * view asked, the one to use last: the first that is neither, else the
   * last answer there was. Logs which HMC saw what.
   */
  async views(argv: Argv, opts: { unseen?: (r: HmcResult) => boolean; timeoutMs?: number } = {}): Promise<HmcView[]> {
    const out: HmcView[] = [];
    // "Partition not found" is an answer about the world, which every HMC shares; other errors may be this HMC's.
    const usable = (r: HmcResult) => (r.code === 0 || r.hscl.includes(HSCL_PARTITION_NOT_FOUND)) && !(opts.unseen?.(r) ?? false);
    const first = await this.run(argv, { idempotent: true, ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}) });
    out.push({ hmc: first.hmc, result: first });
    if (usable(first) || this.endpointList.length < 2) return out;
    const others = this.endpointList.map((_, i) => i).filter((i) => i !== first.index);
    for (const [k, i] of others.entries()) {
      const name = this.endpointList[i]!.host;
      this.log.info({ msgId: 58736, hmc: first.hmc }, `HMC ${first.hmc} ${describeView(first)} for ${shortCommand(argv)}; asking HMC ${name}`);
      try {
        const left = others.length - k;
        const r = await this.runOn(i, argv, { idempotent: true, timeoutMs: Math.max(1_000, Math.min(opts.timeoutMs ?? COMMAND_CAP_MS, this.remaining() / left)) });
        out.push({ hmc: name, result: r });
        if (usable(r)) {
          this.log.info({ msgId: 11338, hmc: name }, `HMC ${name} sees what HMC ${first.hmc} could not (${shortCommand(argv)})`);
          break;
        }
      } catch (e) {
        if (!(e instanceof SshError)) throw e;
        out.push({ hmc: name, error: e });
        this.log.warn({ msgId: 7188, hmc: name }, `HMC ${name} could not be asked: ${e.message}`);
      }
    }
    // The one to use last: the first usable view, else the last answer.
    const good = out.find((v) => 'result' in v && usable(v.result));
    if (good) return [...out.filter((v) => v !== good), good];
    const answered = [...out].reverse().find((v) => 'result' in v);
    return answered ? [...out.filter((v) => v !== answered), answered] : out;
  }

  private async runWith(remote: Remote, argv: Argv, opts: RunOpts, share: number): Promise<HmcResult> {
    const timeoutMs = Math.round(Math.max(1_000, Math.min(opts.timeoutMs ?? COMMAND_CAP_MS, share)));
    this.commands++;
    // `within`: a bound on everything, connecting to a hung HMC included (a rollback step gets only its share).
    const bound = opts.within !== undefined ? AbortSignal.timeout(Math.round(Math.max(1_000, opts.within))) : undefined;
    const signal = bound && this.signal ? AbortSignal.any([this.signal, bound]) : (bound ?? this.signal);
    const r: RunResult = await remote.run(argv, { idempotent: opts.idempotent ?? false, timeoutMs, ...(signal ? { signal } : {}) });
    const hmc = r.endpoint.host;
    if (hmc !== this.lastHmc) {
      // Routine for a monitor served by the first HMC; worth a line whenever a redundant HMC serves.
      const log = this.quiet && r.endpoint.index === 0 ? this.log.debug : this.log.info;
      log({ hmc, user: r.endpoint.user, address: `${r.endpoint.hostname}:${r.endpoint.port}`, position: r.endpoint.index + 1 }, `HMC ${hmc} serves this request`);
      this.lastHmc = hmc;
    }
    // The HMC prints errors on stdout; stderr only carries the shell's own complaints.
    const stdout = r.stdout;
    const output = r.stderr.trim() ? `${stdout}${stdout.endsWith('\n') || stdout === '' ? '' : '\n'}${r.stderr}` : stdout;
    const code = r.code ?? 255;
    return { stdout: code === 0 ? stdout : output, code, hmc, index: r.endpoint.index, hscl: code === 0 ? [] : hsclCodes(output) };
  }

  /** Runs a command that must succeed; a non-zero exit is an HmcCommandError carrying the HSCL codes. */
  async check(argv: Argv, opts: { idempotent?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(argv, opts);
    if (r.code !== 0) throw commandError(r, argv);
    return r.stdout;
  }

  /**
   * A state change on managed system `system` that must succeed. Redundant
   * HMCs are two views: when the HMC that ran it refused it (exit 1, an HSCL
   * line) and that HMC cannot see the system (No Connection and the like),
   * the change cannot have run there, and is made through the next HMC that
   * sees the system. Any other failure is an HmcCommandError, as check() says.
   */
  async change(argv: Argv, system: string, opts: Omit<RunOpts, 'idempotent'> = {}): Promise<string> {
    const r = await this.run(argv, opts);
    if (r.code === 0) return r.stdout;
    if (this.endpointList.length > 1 && !(await this.sees(r.index, system))) {
      for (let i = 0; i < this.endpointList.length; i++) {
        if (i === r.index || !(await this.sees(i, system))) continue;
        const name = this.endpointList[i]!.host;
        this.log.info({ msgId: 25817, hmc: r.hmc }, `HMC ${r.hmc} cannot see managed system ${system} and refused ${shortCommand(argv)} (${errorSummary(r.stdout)}); HMC ${name} sees it: asking it`);
        const again = await this.runOn(i, argv, opts);
        if (again.code === 0) return again.stdout;
        throw commandError(again, argv);
      }
    }
    throw commandError(r, argv);
  }

  /** Whether the HMC at `index` sees the managed system (a state in which it manages its partitions). */
  private async sees(index: number, system: string): Promise<boolean> {
    try {
      const r = await this.runOn(index, ['lssyscfg', '-r', 'sys', '-m', system, '-F', 'state'], { idempotent: true, timeoutMs: Math.max(1_000, this.remaining() / 4) });
      return r.code === 0 && SEES_SYSTEM.has(r.stdout.trim().replace(/^"|"$/g, ''));
    } catch (e) {
      if (e instanceof SshError) return false;
      throw e;
    }
  }

  /** The HMC that served the last command. */
  get hmc(): string | undefined {
    return this.lastHmc;
  }

  async close(): Promise<void> {
    await Promise.all([this.remote.close(), ...[...this.single.values()].map((r) => r.close())]);
  }
}

/**
 * Asks the connection broker of this system's HMC sessions to exit (the agent
 * stops: shutdown); its pid, or undefined when none was running.
 */
export function retireHmcBroker(env?: Readonly<Record<string, string | undefined>>): Promise<number | undefined> {
  return retireBroker({ persist: true, ...(env ? { env } : {}) });
}

/** What an answer says, for a log line: its error, or that it could not see. */
function describeView(r: HmcResult): string {
  return r.code === 0 ? 'cannot see it' : `answered "${errorSummary(r.stdout) || `exit ${r.code}`}"`;
}

export function commandError(r: HmcResult, argv: Argv): HmcCommandError {
  return new HmcCommandError(r.hmc, shortCommand(argv), r.code, errorSummary(r.stdout) || '(no output)', r.hscl);
}

/** The command as logs show it: the line, shortened (records can be long). */
export function shortCommand(argv: Argv): string {
  const line = buildCommand(argv);
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
