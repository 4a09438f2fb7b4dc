/**
 * clogin — run a command in a WPAR (AIX clogin(1)):
 *
 *   clogin wparname [-l user] [command [args...]]
 *
 * The WPAR must be Active. There is no chroot without privileges here, so
 * "inside" means: the command runs with the WPAR's root directory as its
 * working directory, and every argument that is an absolute path is taken
 * inside the WPAR (`clogin w1 cat /etc/resolv.conf` reads
 * <Directory>/etc/resolv.conf). Without a command there is no interactive
 * login: usage error. The command's exit code is clogin's.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SimUsageError, record, runMain, simPath } from './root.js';
import { findWpar, loadWpars } from './wpar-state.js';

const USAGE = 'Usage: clogin wparname [-l user] command [args...]';

export function clogin(argv: string[]): number {
  const [name, ...rest] = argv;
  if (!name || name.startsWith('-')) throw new SimUsageError(USAGE);
  if (rest[0] === '-l') rest.splice(0, 2);
  if (rest.length === 0) throw new SimUsageError(`no interactive login in the simulator: give a command\n${USAGE}`);
  record(simPath('var', 'adm', 'wpar.log'), { argv: ['clogin', ...argv] });
  const w = findWpar('clogin', loadWpars(), name);
  if (!w) return 1;
  if (w.state !== 'A') {
    process.stderr.write(`clogin: Workload partition ${name} is not active.\n`);
    return 1;
  }
  const args = rest.slice(1).map((a) => (a.startsWith('/') ? join(w.directory, a) : a));
  const r = spawnSync(rest[0]!, args, { cwd: w.directory, stdio: 'inherit' });
  if (r.error) {
    process.stderr.write(`clogin: ${rest[0]}: ${r.error.message}\n`);
    return 127;
  }
  return r.status ?? 1;
}

export const main = (argv: string[]) => runMain('clogin', clogin, argv);
