/**
 * Running the Application resource's programs (StartProgram, StopProgram,
 * CleanProgram, MonitorProgram): "the complete path of the executable,
 * command line arguments follow separated by spaces" (Bundled Agents
 * Reference Guide, Application agent). The line is split on blanks into an
 * argv and run without a shell, so no attribute value is ever parsed by
 * one: redirections and pipes are not interpreted (put them in a script).
 * EnvFile is sourced by /bin/sh with the file and the program passed as
 * arguments, never pasted into the script. User (default root) is the
 * account the program runs as: its uid and gid, and with UseSUDash its login
 * environment (HOME, SHELL, LOGNAME, USER), as `su -` would give it.
 *
 * Each program runs in its own process group: what it leaves running in
 * the background (the application's daemons) is not killed when it exits;
 * only a timeout takes the whole group down.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { VcsPowervmError } from '../../framework/errors.js';
import type { AppContext } from './resource.js';
import { appError } from './resource.js';

export interface Account {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** The passwd entry of a user: /etc/passwd, else `id` (NIS, LDAP). */
export async function account(ctx: AppContext, user: string): Promise<Account> {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$/.test(user)) throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'User', value: JSON.stringify(user), reason: 'a user name is letters, digits, _ . and -' });
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === user && f.length >= 7) return { name: user, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, shell: f[6]! || '/bin/sh' };
    }
  } catch {
    // No readable /etc/passwd: ask id.
  }
  const [u, g] = await Promise.all([ctx.run(['id', '-u', user], { timeoutMs: 5000 }), ctx.run(['id', '-g', user], { timeoutMs: 5000 })]);
  if (u.code !== 0 || g.code !== 0) throw appError(ctx, `User ${user} does not exist here${ctx.system ? ` (${ctx.system})` : ''}: create it (inside the WPAR when the resource runs there)`);
  return { name: user, uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()), home: '/', shell: '/bin/sh' };
}

export interface ProgramResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
}

/** argv of a program line, through EnvFile when one is set. */
export function programArgv(line: string, envFile: string): string[] {
  const argv = line.trim().split(/\s+/).filter(Boolean);
  if (argv.length === 0) return [];
  return envFile.trim() ? ['/bin/sh', '-c', '. "$0" || exit 1; exec "$@"', envFile.trim(), ...argv] : argv;
}

/** Runs a program line as the resource's User, bounded by `timeoutMs` and the entry point's signal. */
export async function runProgram(ctx: AppContext, what: string, line: string, timeoutMs: number): Promise<ProgramResult> {
  const { User = 'root', EnvFile = '', UseSUDash = 0 } = ctx.attributes;
  const argv = programArgv(line, EnvFile);
  if (argv.length === 0) throw appError(ctx, `${what} is empty`);
  if (!argv[0]!.startsWith('/')) throw appError(ctx, `${what} ${JSON.stringify(line)} does not start with the program's full path`);
  const me = userInfo();
  const user = User || 'root';
  const acct = user === me.username ? undefined : await account(ctx, user);
  if (acct && me.uid !== 0 && acct.uid !== me.uid) throw appError(ctx, `cannot run ${what} as ${user}: the agent does not run as root`);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (acct && UseSUDash) Object.assign(env, { HOME: acct.home, SHELL: acct.shell, LOGNAME: user, USER: user, PATH: '/usr/bin:/etc:/usr/sbin:/usr/ucb:/bin:/sbin' });
  ctx.log.debug({ dbg: 'AGDEBUG' }, 'running %s as %s: %s', what, user, argv.join(' '));
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
      ...(acct ? { uid: acct.uid, gid: acct.gid } : {}),
      ...(acct && UseSUDash ? { cwd: acct.home } : {}),
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4096));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    };
    const timer = setTimeout(() => ((timedOut = true), kill()), Math.max(1000, timeoutMs));
    const onAbort = () => ((timedOut = true), kill());
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const done = (r: ProgramResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      resolve(r);
    };
    child.on('error', (e) => done({ code: 127, signal: null, timedOut: false, output: e.message }));
    // The program's own exit is what counts: a daemon it started may keep the pipes open.
    child.on('exit', (code, signal) => {
      setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done({ code, signal, timedOut, output: output.trim() });
      }, 200);
    });
  });
}
