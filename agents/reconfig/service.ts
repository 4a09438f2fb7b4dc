/**
 * vcs-reconfig as a boot service, the way VRTSvcsnr installs it on AIX:
 *
 *   /etc/rc.d/init.d/vcs-reconfig        the rc script (start | stop | status)
 *   vcsreconfig:2:wait:/etc/rc.d/init.d/vcs-reconfig start >/dev/console 2>&1
 *                                        its /etc/inittab record (mkitab), after `rc`
 *                                        (file systems mounted) and before rctcpip and
 *                                        ctrmc: the network is set before TCP/IP's
 *                                        daemons and RMC start
 *
 * `install` and `uninstall` are idempotent; `status` says whether the
 * service is installed, whether its key is usable, which adapter is on
 * VLAN 123, and what the last run did.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isVcsPowervmError } from '../../framework/errors.js';
import { writeFileAtomic } from '../../framework/fs.js';
import { aixCommand } from './aix.js';
import { guestKeyFile, readKey } from './keys.js';
import { vlanAdapter } from './start.js';

export const INITTAB_ID = 'vcsreconfig';
export const RC_SCRIPT = '/etc/rc.d/init.d/vcs-reconfig';
export const INITTAB_RECORD = `${INITTAB_ID}:2:wait:${RC_SCRIPT} start >/dev/console 2>&1`;
/** The record goes after this one (file systems are mounted by then). */
const AFTER = 'rc';

export function logFile(root: string): string {
  return join(root, 'var', 'adm', 'ras', 'vcs-reconfig.log');
}

function rcScript(program: string): string {
  const q = `'${program.replace(/'/g, `'\\''`)}'`;
  return [
    '#!/bin/sh',
    '# vcs-reconfig: this site\'s network settings over VLAN 123 at boot (VRTSvcsnr).',
    `# Installed by "vcs-reconfig install"; run by init (/etc/inittab: ${INITTAB_ID}).`,
    `PROGRAM=${q}`,
    'case "$1" in',
    '  start) exec "$PROGRAM" start ;;',
    '  status) exec "$PROGRAM" status ;;',
    '  stop) exit 0 ;;',
    '  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;',
    'esac',
    '',
  ].join('\n');
}

async function inittabHas(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  try {
    return (await aixCommand(['lsitab', INITTAB_ID], env)).trim() || undefined;
  } catch {
    return undefined; // lsitab exits 1 when there is no such record
  }
}

export async function install(root: string, program: string, env: NodeJS.ProcessEnv, say: (t: string) => void): Promise<number> {
  const script = join(root, RC_SCRIPT);
  mkdirSync(dirname(script), { recursive: true });
  writeFileAtomic(script, rcScript(program), { mode: 0o755, backup: false });
  chmodSync(script, 0o755);
  say(`installed ${RC_SCRIPT}`);
  if (await inittabHas(env)) say(`/etc/inittab already has ${INITTAB_ID}`);
  else {
    await aixCommand(['mkitab', '-i', AFTER, INITTAB_RECORD], env).catch(() => aixCommand(['mkitab', INITTAB_RECORD], env));
    say(`added to /etc/inittab: ${INITTAB_RECORD}`);
  }
  try {
    readKey(guestKeyFile(root));
  } catch (e) {
    if (!isVcsPowervmError(e)) throw e;
    say(`warning: ${e.message}`);
  }
  return 0;
}

export async function uninstall(root: string, env: NodeJS.ProcessEnv, say: (t: string) => void): Promise<number> {
  if (await inittabHas(env)) {
    await aixCommand(['rmitab', INITTAB_ID], env);
    say(`removed ${INITTAB_ID} from /etc/inittab`);
  }
  if (existsSync(join(root, RC_SCRIPT))) {
    rmSync(join(root, RC_SCRIPT), { force: true });
    say(`removed ${RC_SCRIPT}`);
  }
  return 0;
}

export async function status(root: string, env: NodeJS.ProcessEnv, out: (t: string) => void): Promise<number> {
  let ok = true;
  const record = await inittabHas(env);
  const script = existsSync(join(root, RC_SCRIPT));
  ok &&= !!record && script;
  out(`service: ${record && script ? `installed (${RC_SCRIPT}; inittab: ${record})` : `not installed (${!script ? `no ${RC_SCRIPT}` : `no ${INITTAB_ID} in /etc/inittab`}): vcs-reconfig install`}`);
  try {
    readKey(guestKeyFile(root));
    out(`key: /etc/vcs-reconfig/key (mode 0600)`);
  } catch (e) {
    if (!isVcsPowervmError(e)) throw e;
    ok = false;
    out(`key: ${e.message}`);
  }
  const adapter = await vlanAdapter(env).catch(() => undefined);
  out(`VLAN 123 adapter: ${adapter ?? 'none (the LPAR agent adds it to the profile the partition is started with)'}`);
  let last = '';
  try {
    last = readFileSync(logFile(root), 'utf8').trim().split('\n').pop() ?? '';
  } catch {
    // Never ran.
  }
  out(`last run: ${last || 'never'}`);
  return ok ? 0 : 1;
}
