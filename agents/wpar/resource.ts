/**
 * A WPAR resource as the entry points see it: which workload partition
 * (ContainerInfo's Name, passed by VCS because WPAR's ContainerOpts has
 * PassCInfo = 1; the resource's name when no ContainerInfo is passed),
 * whether it is used on this system (ContainerInfo Enabled 0 or 2: the
 * WPAR is ignored here and the group runs on the global system), and the
 * WPAR commands, run without a shell.
 */
import type { ResourceContext } from '../../framework/agent/define.js';
import type { RunOptions, RunResult } from '../../framework/agent/command.js';
import { VcsPowervmError } from '../../framework/errors.js';

export interface WparAttributes {
  ShutdownGracePeriod: number;
  ResourceSet: string;
  WorkLoad: Record<string, string>;
  DROpts: Record<string, string>;
}

export type WparContext = ResourceContext<WparAttributes>;

export interface Wpar {
  name: string;
  /** False when ContainerInfo Enabled is 0 or 2 on this system: no WPAR here. */
  inContainer: boolean;
  ctx: WparContext;
}

/**
 * Letters, digits, `_` and `-`, at most 25 characters, not starting with `-`
 * or `0`: within mkwpar's rules (hmc-facts.md §7), and never anything a
 * shell or an option parser would read as more than a name.
 */
export const WPAR_NAME = /^[A-Za-z1-9_][A-Za-z0-9_-]{0,24}$/;

export const wparError = (wpar: string, detail: string) => new VcsPowervmError('VCSPVM_WPAR', { wpar, detail });

export function wparOf(ctx: WparContext): Wpar {
  const ci = ctx.containerInfo;
  const name = ci?.Name ?? ctx.resource;
  if (!WPAR_NAME.test(name)) {
    throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'WPAR name', value: JSON.stringify(name), reason: 'a WPAR name is letters, digits, _ and - (at most 25, not starting with - or 0)' });
  }
  if (ci?.Type !== undefined && ci.Type !== '' && ci.Type.toUpperCase() !== 'WPAR') throw wparError(name, `ContainerInfo Type is ${ci.Type}, not WPAR`);
  const enabled = ci?.Enabled ?? '1';
  return { name, inContainer: enabled !== '0' && enabled !== '2', ctx };
}

/** A WPAR command: on PATH, else where AIX keeps them (/usr/sbin). */
export function aix(w: Wpar, argv: string[], opts: RunOptions = {}): Promise<RunResult> {
  const path = process.env.PATH ? `${process.env.PATH}:/usr/sbin` : '/usr/sbin:/usr/bin:/bin';
  w.ctx.log.debug({ dbg: 'AGDEBUG' }, 'running %s', argv.join(' '));
  return w.ctx.run(argv, { env: { ...process.env, PATH: path }, ...opts });
}

/** Milliseconds left before the entry point's deadline, less `reserveMs`; at least 1 s. */
export function remainingMs(w: Wpar, reserveMs = 0): number {
  const left = Number.isFinite(w.ctx.deadline) ? w.ctx.deadline - Date.now() - reserveMs : 600_000;
  return Math.max(1000, left);
}

export const firstLine = (r: RunResult) => (r.stderr.trim() || r.stdout.trim()).split('\n')[0] ?? '';
export const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });
