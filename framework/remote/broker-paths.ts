/**
 * Where a connection broker lives and who may use it.
 *
 * A broker serves one *profile*: the user and every setting that decides
 * how hosts are verified and how we log in (ssh config file, known_hosts
 * file, StrictHostKeyChecking, identity files, agent, the SSH home). Its files are
 * named after the profile, so processes with the same settings share a
 * broker and processes with other settings never reach it:
 *
 *   <dir>/<name>.sock       the Unix socket (0600)
 *   <dir>/<name>.token      a random secret (0600): a client proves it may read it
 *   <dir>/<name>.log        the broker's log
 *   <dir>/<name>.lock       held while a broker claims the socket
 *   <dir>/<name>.starting   a client is starting a broker (others wait for it)
 *   <dir>/<name>.failed     the last start failed (no new attempt for a minute)
 *
 * <dir> must be ours and owner-only (0700, not a link): anything else is
 * refused, by the broker and by its clients.
 */
import { lstatSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SshError } from '../errors.js';
import { sshHome } from './ssh-home.js';
import type { RemoteOptions } from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

/** How a client hands a new broker its profile and the endpoints to connect to at once. */
export const PROFILE_ENV = 'VCS_REMOTE_BROKER_PROFILE';
export const WARM_ENV = 'VCS_REMOTE_BROKER_WARM';

/** ControlPersist's default: a broker outlives its last command by 5 minutes. */
export const DEFAULT_IDLE_MS = 300_000;

export interface BrokerProfile {
  uid: number;
  sshConfigPath: string | null;
  knownHostsPath: string | null;
  strictHostKeyChecking: string | null;
  identityFiles: string[] | null;
  agent: string | false | null;
  home: string | null;
  user: string | null;
  logname: string | null;
  sshAuthSock: string | null;
}

export function currentUid(): number {
  return typeof process.getuid === 'function' ? process.getuid() : -1;
}

export function brokerProfile(o: RemoteOptions, env: Env): BrokerProfile {
  return {
    uid: currentUid(),
    sshConfigPath: o.sshConfigPath ?? null,
    knownHostsPath: o.knownHostsPath ?? null,
    strictHostKeyChecking: o.strictHostKeyChecking ?? null,
    identityFiles: o.identityFiles ? [...o.identityFiles] : null,
    agent: o.agent ?? null,
    home: sshHome(env),
    user: env.USER ?? null,
    logname: env.LOGNAME ?? null,
    sshAuthSock: env.SSH_AUTH_SOCK ?? null,
  };
}

/** The profile as the broker and its clients compare it: fixed key order, so equal settings give equal text. */
export function profileText(p: BrokerProfile): string {
  return JSON.stringify([p.uid, p.sshConfigPath, p.knownHostsPath, p.strictHostKeyChecking, p.identityFiles, p.agent, p.home, p.user, p.logname, p.sshAuthSock]);
}

export function parseProfileText(text: string): BrokerProfile {
  const a = JSON.parse(text) as unknown[];
  if (!Array.isArray(a) || a.length !== 10) throw new Error('not a broker profile');
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    uid: typeof a[0] === 'number' ? a[0] : -1,
    sshConfigPath: str(a[1]),
    knownHostsPath: str(a[2]),
    strictHostKeyChecking: str(a[3]),
    identityFiles: Array.isArray(a[4]) ? a[4].map(String) : null,
    agent: a[5] === false ? false : str(a[5]),
    home: str(a[6]),
    user: str(a[7]),
    logname: str(a[8]),
    sshAuthSock: str(a[9]),
  };
}

/**
 * A short file name for a profile (two 32-bit FNV-1a hashes). Not a secret
 * and not a security boundary: the hello compares the whole profile text.
 */
export function brokerName(profile: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ profile.length;
  for (let i = 0; i < profile.length; i++) {
    const c = profile.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 13);
  }
  return `ssh-${(a >>> 0).toString(16).padStart(8, '0')}${(b >>> 0).toString(16).padStart(8, '0')}`;
}

export function defaultBrokerDir(env: Env): string {
  return env.VCS_REMOTE_DIR || join(env.VCS_LOG || '/var/VRTSvcs', 'tmp', 'remote');
}

/**
 * VCS_REMOTE_PERSIST, as ControlPersist reads it: `no` (or 0, off, false)
 * turns brokers off; `yes` (on, true) keeps the default idle time; a number
 * of seconds sets it. Anything else is ignored.
 */
export function persistSetting(env: Env): { off: boolean; idleMs?: number } {
  const v = (env.VCS_REMOTE_PERSIST ?? '').trim().toLowerCase();
  if (v === '' || v === 'yes' || v === 'on' || v === 'true') return { off: false };
  if (v === 'no' || v === 'off' || v === 'false' || v === '0') return { off: true };
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? { off: false, idleMs: Math.round(n * 1000) } : { off: false };
}

/**
 * VCS_REMOTE_FAILBACK: seconds after which a broker that moved to a later
 * endpoint (the second HMC) tries them in their configured order again.
 * Unset or not a number: the broker's default.
 */
export function failbackSetting(env: Env): number | undefined {
  const v = (env.VCS_REMOTE_FAILBACK ?? '').trim();
  const n = v === '' ? NaN : Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.round(n * 1000) : undefined;
}

export interface BrokerFiles {
  dir: string;
  name: string;
  socket: string;
  token: string;
  log: string;
  lock: string;
  starting: string;
  failed: string;
}

export function brokerFiles(dir: string, name: string, log?: string): BrokerFiles {
  const base = join(dir, name);
  return { dir, name, socket: `${base}.sock`, token: `${base}.token`, log: log ?? `${base}.log`, lock: `${base}.lock`, starting: `${base}.starting`, failed: `${base}.failed` };
}

/** The files of the broker whose socket is `socket` (`<dir>/<name>.sock`). */
export function filesOfSocket(socket: string, log?: string): BrokerFiles {
  const slash = socket.lastIndexOf('/');
  const dir = slash > 0 ? socket.slice(0, slash) : '.';
  const file = socket.slice(slash + 1);
  return brokerFiles(dir, file.endsWith('.sock') ? file.slice(0, -'.sock'.length) : file, log);
}

function unsafe(path: string, reason: string): SshError {
  return new SshError('VCSPVM_SSH_BROKER_UNSAFE', { path, reason });
}

/**
 * Checks that `dir` is a real directory of ours that nobody else can enter
 * (creating it 0700 first when `create`). Throws VCSPVM_SSH_BROKER_UNSAFE.
 */
export function checkPrivateDir(dir: string, create: boolean): void {
  if (create) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw unsafe(dir, `cannot be created (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  let st;
  try {
    st = lstatSync(dir);
  } catch (e) {
    throw unsafe(dir, `is missing (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  if (st.isSymbolicLink()) throw unsafe(dir, 'is a symbolic link');
  if (!st.isDirectory()) throw unsafe(dir, 'is not a directory');
  const uid = currentUid();
  if (uid >= 0 && st.uid !== uid) throw unsafe(dir, `belongs to uid ${st.uid}, not ${uid}`);
  if ((st.mode & 0o077) !== 0) throw unsafe(dir, `has mode ${(st.mode & 0o777).toString(8).padStart(4, '0')}: group and others must have no access (chmod 700)`);
}

/** Orders builds: the modification time of the broker program (a new install or build is newer). */
export function buildStamp(script: string): number | undefined {
  try {
    return Math.floor(statSync(script).mtimeMs);
  } catch {
    return undefined;
  }
}

/** Linux and AIX keep Unix socket paths under about 100 bytes (sun_path). */
export const MAX_SOCKET_PATH = 100;
