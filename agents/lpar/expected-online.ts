/**
 * Whether VCS brought this LPAR online on this system and has not taken it
 * offline since: a marker file per resource. The monitor reads it to tell a
 * partition started on another managed system outside VCS (intentionally
 * offline here) from a crash, without asking every other managed system on
 * every offline monitor of every standby resource: only where the marker is.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BaseContext } from '../../framework/agent/define.js';
import { writeFileAtomic } from '../../framework/fs.js';

/** Per resource and cluster system (a test bench may run several systems over one $VCS_LOG). */
function markerOf(ctx: BaseContext, resource: string): string {
  return join(ctx.vcs.log, 'tmp', 'LPAR', `online.${encodeURIComponent(resource)}@${encodeURIComponent(ctx.system)}`);
}

export function expectOnline(ctx: BaseContext, resource: string): void {
  const file = markerOf(ctx, resource);
  if (existsSync(file)) return;
  try {
    mkdirSync(join(ctx.vcs.log, 'tmp', 'LPAR'), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, `${new Date().toISOString()}\n`, { mode: 0o600, backup: false });
  } catch (e) {
    ctx.log.debug({ err: (e as Error).message }, 'cannot keep the online marker');
  }
}

export function expectOffline(ctx: BaseContext, resource: string): void {
  rmSync(markerOf(ctx, resource), { force: true });
}

export function expectedOnline(ctx: BaseContext, resource: string): boolean {
  return existsSync(markerOf(ctx, resource));
}
