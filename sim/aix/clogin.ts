/**
 * clogin — run a command in a WPAR (AIX clogin(1)):
 *
 *   clogin wparname [-l user] [command [args...]]
 *
 * The WPAR must be Active. There is no chroot without privileges here, so
 * "inside" is a mapping of paths (wpar-fs.ts): the command, when it is a
 * path, and every argument that is an absolute path are taken as the WPAR's
 * processes see them — under its root directory, or through its mounts
 * (the global /usr and /opt a shared system WPAR sees, namefs and NFS
 * mounts). `clogin w1 cat /etc/resolv.conf` reads <Directory>/etc/resolv.conf;
 * `clogin w1 /opt/VRTSvcs/bin/Application/monitor app1 ...` runs the global
 * /opt's entry point, as AIX's shared /opt makes it visible inside. A
 * command not found inside exits 127, as a shell says it. The working
 * directory is the WPAR's root; the environment is the caller's (AIX's
 * clogin gives the user's login environment: the difference is documented
 * in docs/wpar.md), tagged so that the WPAR's processes end with it
 * (wpar-procs.ts). The command's exit code is clogin's.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SimUsageError, record, runMain, simPath } from './root.js';
import { insidePath } from './wpar-fs.js';
import { WPAR_ENV, wparTag } from './wpar-procs.js';
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
  const inside = (a: string) => (a.startsWith('/') ? insidePath(w, a) : a);
  const command = inside(rest[0]!);
  if (command.startsWith('/') && !existsSync(command)) {
    process.stderr.write(`clogin: ${rest[0]}: not found in workload partition ${name}\n`);
    return 127;
  }
  const r = spawnSync(command, rest.slice(1).map(inside), { cwd: w.directory, stdio: 'inherit', env: { ...process.env, [WPAR_ENV]: wparTag(name) } });
  if (r.error) {
    process.stderr.write(`clogin: ${rest[0]}: ${r.error.message}\n`);
    return (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 127 : 126;
  }
  return r.status ?? 1;
}

export const main = (argv: string[]) => runMain('clogin', clogin, argv);
