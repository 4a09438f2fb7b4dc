/**
 * Blocking live migration of the management LPAR (the seed's limitation:
 * "the live partition mobility of the management LPAR is blocked by VCS"):
 * open installs the DLPAR script vcs_blockmigrate.sh with AIX's drmgr, and
 * shutdown removes it. A second open (one per LPAR resource) replaces it
 * (-f), so the installed copy is always this agent's.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BaseContext } from '../../framework/agent/define.js';

export const SCRIPT_NAME = 'vcs_blockmigrate.sh';

/** agents/lpar/dlpar/vcs_blockmigrate.sh in the installed tree (the module runs from dist/ or from source). */
export function scriptPath(from = fileURLToPath(import.meta.url)): string | undefined {
  let dir = dirname(from);
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'agents', 'lpar', 'dlpar', SCRIPT_NAME);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  return undefined;
}

/** drmgr on PATH, else where AIX keeps it. */
export function findDrmgr(path = process.env.PATH ?? ''): string | undefined {
  for (const dir of [...path.split(delimiter).filter((d) => d !== ''), '/usr/sbin']) {
    const candidate = join(dir, 'drmgr');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // next
    }
  }
  return undefined;
}

export async function blockMigration(ctx: BaseContext): Promise<boolean> {
  const drmgr = findDrmgr();
  const script = scriptPath();
  if (!drmgr) {
    ctx.log.warn({ msgId: 65446 }, 'drmgr is not on PATH (not AIX?): live migration of this management LPAR is not blocked');
    return false;
  }
  if (!script) {
    ctx.log.error({ msgId: 36854 }, '%s is missing from the installation: live migration of this management LPAR is not blocked', SCRIPT_NAME);
    return false;
  }
  const r = await ctx.run([drmgr, '-i', script, '-f'], { timeoutMs: 30_000 });
  if (r.code !== 0) {
    ctx.log.error({ msgId: 48780 }, 'drmgr -i %s failed (exit %s): %s', script, r.code, (r.stderr || r.stdout).trim().split('\n')[0]);
    return false;
  }
  ctx.log.info({ msgId: 21868 }, 'live migration of this management LPAR is blocked (%s installed with drmgr)', SCRIPT_NAME);
  return true;
}

export async function unblockMigration(ctx: BaseContext): Promise<boolean> {
  const drmgr = findDrmgr();
  if (!drmgr) return false;
  const r = await ctx.run([drmgr, '-u', SCRIPT_NAME], { timeoutMs: 30_000 });
  if (r.code !== 0) {
    ctx.log.info({ msgId: 32374 }, 'drmgr -u %s: %s', SCRIPT_NAME, (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`);
    return false;
  }
  ctx.log.info({ msgId: 63487 }, 'live migration of this management LPAR is no longer blocked (%s removed with drmgr)', SCRIPT_NAME);
  return true;
}
