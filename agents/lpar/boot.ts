/**
 * Following a boot through its reference code (`lsrefcode`): a partition in
 * Starting whose code has not changed for the stall bound is hung (a
 * firmware hang, a boot disk that is not there: AA060011), and is no longer
 * reported online, so VCS cleans it (an immediate shutdown) and fails over.
 * A slow boot whose code keeps changing is left alone, however long it
 * takes. Progress is compared by code only: firmware that retries the boot
 * list shows the same code again and again, which is no progress.
 *
 * online and monitor share what they saw in $VCS_LOG/tmp/LPAR/boot.RES@SYSTEM
 * (the code and when it was first seen), so the bound runs across entry
 * points: online may return while the partition still starts, and monitor
 * goes on counting.
 *
 * The bound: VCSPVM_LPAR_BOOT_STALL seconds in the agent's environment,
 * default 600 (docs/lpar.md, "Hung boots").
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseContext } from '../../framework/agent/define.js';
import { writeFileAtomic } from '../../framework/fs.js';

export const DEFAULT_BOOT_STALL_S = 600;

/** The stall bound in milliseconds (VCSPVM_LPAR_BOOT_STALL, seconds). */
export function bootStallMs(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const v = env.VCSPVM_LPAR_BOOT_STALL;
  const n = v === undefined || v === '' ? NaN : Number(v);
  return (Number.isFinite(n) && n > 0 ? n : DEFAULT_BOOT_STALL_S) * 1000;
}

interface Progress {
  system: string;
  code: string;
  /** Epoch ms at which this code was first seen. */
  since: number;
}

function fileOf(ctx: BaseContext, resource: string): string {
  return join(ctx.vcs.log, 'tmp', 'LPAR', `boot.${encodeURIComponent(resource)}@${encodeURIComponent(ctx.system)}`);
}

function read(ctx: BaseContext, resource: string): Progress | undefined {
  try {
    const p = JSON.parse(readFileSync(fileOf(ctx, resource), 'utf8')) as Progress;
    return typeof p.code === 'string' && typeof p.since === 'number' && typeof p.system === 'string' ? p : undefined;
  } catch {
    return undefined;
  }
}

export interface BootCheck {
  code: string;
  /** How long this code has been shown, as far as we saw. */
  stalledMs: number;
  hung: boolean;
}

/**
 * Records the code seen now and says whether the boot is hung: the same code
 * for longer than the bound. A new code (or a first look) restarts the count.
 */
export function observeBoot(ctx: BaseContext, resource: string, system: string, code: string, boundMs: number, now = Date.now()): BootCheck {
  const had = read(ctx, resource);
  if (had && had.system === system && had.code === code) {
    const stalledMs = now - had.since;
    return { code, stalledMs, hung: stalledMs > boundMs };
  }
  try {
    mkdirSync(join(ctx.vcs.log, 'tmp', 'LPAR'), { recursive: true, mode: 0o700 });
    writeFileAtomic(fileOf(ctx, resource), JSON.stringify({ system, code, since: now } satisfies Progress), { mode: 0o600, backup: false });
  } catch (e) {
    ctx.log.debug({ err: (e as Error).message }, 'cannot keep the boot progress');
  }
  return { code, stalledMs: 0, hung: false };
}

/** The boot is over (Running, or down): forget it. */
export function forgetBoot(ctx: BaseContext, resource: string): void {
  rmSync(fileOf(ctx, resource), { force: true });
}

/** A human reading of a code, for the log line (hmcsim's boot.ts lists where they come from). */
export function describeCode(code: string): string {
  if (code === '') return 'no reference code';
  if (/^AA060011/.test(code)) return `${code} (no boot device: the firmware found no operating system and a boot disk is missing; is its VIOS mapping there?)`;
  if (/^AA/.test(code)) return `${code} (partition firmware attention code)`;
  if (/^BA/.test(code)) return `${code} (partition firmware error)`;
  if (/^B2/.test(code)) return `${code} (partition IPL error)`;
  if (/^CA/.test(code)) return `${code} (partition firmware progress code)`;
  if (/^C2/.test(code)) return `${code} (virtual service processor progress code)`;
  return code;
}
