/**
 * The home directory our SSH client reads ~/.ssh from: the user's entry in
 * the password database, as OpenSSH's ssh takes it — not $HOME, which is
 * whatever the caller's environment says (VCS's had may start agents with
 * HOME=/ or none; `su` without `-` keeps the caller's), so an entry point
 * run by hand would otherwise read other keys than under VCS. On AIX, root's
 * home is / (so /.ssh).
 *
 * VCS_REMOTE_HOME overrides it: for keys kept elsewhere, and for tests and
 * simulations that bring their own ~/.ssh.
 */
import { userInfo } from 'node:os';

export const SSH_HOME_ENV = 'VCS_REMOTE_HOME';

export function passwdHome(): string {
  try {
    // getpwuid(getuid())->pw_dir; os.homedir() would prefer $HOME.
    return userInfo().homedir;
  } catch {
    return '/';
  }
}

export function sshHome(env: Readonly<Record<string, string | undefined>>): string {
  return env[SSH_HOME_ENV] || passwdHome();
}
