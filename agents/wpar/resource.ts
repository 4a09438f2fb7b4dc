/**
 * A WPAR resource as the entry points see it: which workload partition
 * (ContainerInfo's Name, passed by VCS because WPAR's ContainerOpts has
 * PassCInfo = 1), whether it is used on this system (ContainerInfo Enabled:
 * 1 the WPAR, 2 ignored, 0 disabled — framework/cf/wpar/values.ts), and the
 * WPAR commands, run without a shell. The values are checked by the rules
 * the verifier uses, so what `vcscf verify` accepts is what runs here.
 */
import type { ResourceContext } from '../../framework/agent/define.js';
import type { RunOptions, RunResult } from '../../framework/agent/command.js';
import { type ContainerMode, containerInfoFindings, containerMode, errorsOf, wparNameProblem } from '../../framework/cf/wpar/values.js';
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
  /** wpar: the WPAR is used; ignored (Enabled 2) or disabled (Enabled 0): no WPAR here. */
  mode: ContainerMode;
  ctx: WparContext;
}

export const wparError = (wpar: string, detail: string) => new VcsPowervmError('VCSPVM_WPAR', { wpar, detail });

/** The WPAR of this resource on this system, from ContainerInfo; throws (one log line) when it is missing or wrong. */
export function wparOf(ctx: WparContext): Wpar {
  const ci = ctx.containerInfo;
  if (!ci || Object.keys(ci).length === 0 || (ci.Name ?? '').trim() === '') {
    // Never a guess from the resource name: that would manage a WPAR nobody configured.
    throw wparError(
      `(resource ${ctx.resource})`,
      `ContainerInfo does not name a WPAR for ${ctx.system}: set ContainerInfo${ci && Object.keys(ci).length ? '' : `@${ctx.system}`} = { Name = <wpar>, Type = WPAR, Enabled = 1 } in the group (vcsagent wpar setup does)`,
    );
  }
  const name = ci.Name!;
  const unsafe = wparNameProblem(name);
  if (unsafe) throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'WPAR name', value: JSON.stringify(name), reason: unsafe });
  const problems = errorsOf(containerInfoFindings(ci, true));
  if (problems.length) throw wparError(name, `ContainerInfo on ${ctx.system}: ${problems.map((p) => p.message).join('; ')}`);
  return { name, mode: containerMode(ci.Enabled)!, ctx };
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
