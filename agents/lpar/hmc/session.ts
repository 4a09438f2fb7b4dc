/**
 * The HMC as one entry point sees it: the MCName/MCUser pairs as redundant
 * endpoints (framework/remote: tried in order, a down or hung one passed over
 * within a bounded time, the one that worked remembered, one pooled SSH
 * connection per HMC held by the user's connection broker so that monitors
 * do not log in each time), every command bounded by the entry point's
 * deadline, and the HMC's error convention (text on stdout, exit 1, HSCL
 * codes) turned into HmcCommandError.
 */
import { HmcCommandError, VcsPowervmError } from '../../../framework/errors.js';
import type { Logger } from '../../../framework/remote/logger.js';
import { buildCommand } from '../../../framework/remote/quote.js';
import { createRemote, retireBroker, type Remote, type RunResult } from '../../../framework/remote/remote.js';
import { hmcUser } from '../names.js';
import { errorSummary, hsclCodes } from './hscl.js';
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
  hscl: string[];
}

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
    this.remote = createRemote({
      endpoints: endpointsOf(opts.names, opts.users),
      // The SSH layer's routine news (connected, endpoint in use) is debug here; its warnings
      // (an HMC passed over) and errors stay as they are.
      logger: { ...opts.log, debug: opts.log.debug, info: opts.log.debug, warn: opts.log.warn, error: opts.log.error },
      readyTimeoutMs: Math.max(1_000, Math.min(HANDSHAKE_CAP_MS, Math.floor(budget / 4))),
      commandTimeoutMs: Math.max(1_000, Math.min(COMMAND_CAP_MS, budget)),
      // One SSH connection per HMC for all of this system's entry points (and IMF), held by a
      // connection broker ($VCS_LOG/tmp/remote); VCS_REMOTE_PERSIST=no turns it off.
      persist: opts.persist ?? true,
      ...(opts.env ? { env: opts.env } : {}),
    });
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
  async run(argv: Argv, opts: { idempotent?: boolean; timeoutMs?: number } = {}): Promise<HmcResult> {
    // A query that hangs on one HMC must leave time to ask the next one.
    const share = opts.idempotent && this.remote.endpoints.length > 1 ? this.remaining() / 2 : this.remaining();
    const timeoutMs = Math.max(1_000, Math.min(opts.timeoutMs ?? COMMAND_CAP_MS, share));
    this.commands++;
    const r: RunResult = await this.remote.run(argv, { idempotent: opts.idempotent ?? false, timeoutMs, ...(this.signal ? { signal: this.signal } : {}) });
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
    return { stdout: code === 0 ? stdout : output, code, hmc, hscl: code === 0 ? [] : hsclCodes(output) };
  }

  /** Runs a command that must succeed; a non-zero exit is an HmcCommandError carrying the HSCL codes. */
  async check(argv: Argv, opts: { idempotent?: boolean; timeoutMs?: number } = {}): Promise<string> {
    const r = await this.run(argv, opts);
    if (r.code !== 0) throw commandError(r, argv);
    return r.stdout;
  }

  /** The HMC that served the last command. */
  get hmc(): string | undefined {
    return this.lastHmc;
  }

  close(): Promise<void> {
    return this.remote.close();
  }
}

/**
 * Asks the connection broker of this system's HMC sessions to exit (the agent
 * stops: shutdown); its pid, or undefined when none was running.
 */
export function retireHmcBroker(env?: Readonly<Record<string, string | undefined>>): Promise<number | undefined> {
  return retireBroker({ persist: true, ...(env ? { env } : {}) });
}

export function commandError(r: HmcResult, argv: Argv): HmcCommandError {
  return new HmcCommandError(r.hmc, shortCommand(argv), r.code, errorSummary(r.stdout) || '(no output)', r.hscl);
}

/** The command as logs show it: the line, shortened (records can be long). */
export function shortCommand(argv: Argv): string {
  const line = buildCommand(argv);
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
