/**
 * The shapes framework/remote's callers see, shared by the direct SSH
 * implementation (direct.ts) and the connection broker (broker-*.ts). No
 * SSH code here: an entry point that reaches a warm broker loads only this,
 * the front (remote.ts) and the broker client.
 */
import { SshError, VcsPowervmError } from '../errors.js';
import type { Logger } from './logger.js';
import type { StrictHostKeyChecking } from './ssh-config.js';

export interface Endpoint {
  /** Host name, address, or a Host alias of the ssh config. */
  host: string;
  /** Login user; default: the ssh config's User, else the local user. */
  user?: string;
  /** Default: the ssh config's Port, else 22. */
  port?: number;
}

/**
 * Connection persistence, in the spirit of OpenSSH's ControlMaster and
 * ControlPersist: commands go through a long-lived broker process of the
 * same user that keeps one connection per endpoint (broker-client.ts).
 */
export interface PersistOptions {
  /** Owner-only socket directory. Default: $VCS_REMOTE_DIR, else $VCS_LOG/tmp/remote (VCS_LOG: /var/VRTSvcs). */
  dir?: string;
  /** A broker exits after this long without a command. Default: $VCS_REMOTE_PERSIST seconds, else 300 s. */
  idleTimeoutMs?: number;
  /** The broker's log. Default: broker.log in the socket directory. */
  logFile?: string;
  /** The broker program (a Node script). Default: broker-main.js next to this module. */
  brokerScript?: string;
}

export interface RemoteOptions {
  /** Tried in order (the last one that worked in this process first). */
  endpoints: readonly Endpoint[] | Endpoint;
  logger?: Logger;
  /** ssh_config file (as `ssh -F`; `'none'` for none). Default ~/.ssh/config then /etc/ssh/ssh_config. */
  sshConfigPath?: string;
  /** A known_hosts file used instead of UserKnownHostsFile and GlobalKnownHostsFile; accept-new appends here. */
  knownHostsPath?: string;
  /** Overrides the ssh config's StrictHostKeyChecking (default yes; `ask` is yes). */
  strictHostKeyChecking?: StrictHostKeyChecking;
  /** Private key files tried before the ssh config's IdentityFile list (as `ssh -i`). */
  identityFiles?: readonly string[];
  /** ssh-agent socket; `false` to use no agent. Default: IdentityAgent, else $SSH_AUTH_SOCK. */
  agent?: string | false;
  /** Password authentication, only when given here. Never logged, never sent to a broker. */
  password?: string;
  /** TCP connect bound. Default: ConnectTimeout from the ssh config, else 10 s. */
  connectTimeoutMs?: number;
  /** SSH handshake and login bound, after TCP connected. Default 15 s. */
  readyTimeoutMs?: number;
  /** Per-command bound (channel wait, run, output). Default 60 s. */
  commandTimeoutMs?: number;
  /** Per-stream output cap; beyond it output is dropped and `truncated` set. Default 16 MiB. */
  maxOutputBytes?: number;
  /** Concurrent channels per connection (OpenSSH's MaxSessions default is 10). Default 8. */
  maxChannels?: number;
  /** SSH keepalive interval; 0 turns it off. Default: ServerAliveInterval, else 15 s. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the connection is dropped. Default: ServerAliveCountMax, else 3. */
  keepaliveCountMax?: number;
  /**
   * Once a later endpoint serves because an earlier one failed, it is tried first; after this
   * long the configured order is tried again (the first endpoint is the preferred one). Default:
   * never within a process of its own; 60 s in a connection broker, which outlives processes.
   */
  failbackMs?: number;
  /** Environment for HOME, USER, SSH_AUTH_SOCK and VCS_REMOTE_*. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /**
   * Run commands through a connection broker (one SSH connection per endpoint for every
   * process of this user), starting one when none runs. Off by default; VCS_REMOTE_PERSIST=no
   * turns it off whatever this says. Not used with `password`.
   */
  persist?: boolean | PersistOptions;
}

export interface RunOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  maxOutputBytes?: number;
  /** Safe to run twice: may be sent to the next endpoint after the connection was lost mid-command or it timed out. */
  idempotent?: boolean;
  /** Log `[redacted]` instead of the command line (it carries a secret). */
  sensitive?: boolean;
}

/** The endpoint that ran a command. */
export interface ServedBy {
  /** As given in `endpoints`. */
  host: string;
  /** Where we connected, after the ssh config. */
  hostname: string;
  port: number;
  user: string;
  /** Position in `endpoints`. */
  index: number;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: string | null;
  truncated: boolean;
  durationMs: number;
}

export interface RunResult extends ExecResult {
  endpoint: ServedBy;
}

export interface Remote {
  /** Runs `command` (a command line, or argv quoted with buildCommand) on the first endpoint that works. */
  run(command: string | readonly string[], options?: RunOptions): Promise<RunResult>;
  readonly endpoints: readonly Endpoint[];
  /** Releases this Remote's connections; the last user of a connection closes it. */
  close(): Promise<void>;
}

/** Why one endpoint did not serve a command. */
export interface EndpointFailure {
  endpoint: string;
  error: VcsPowervmError;
}

/** Every endpoint failed: `failures` says why each one did, in the order tried. */
export class NoEndpointError extends SshError {
  constructor(readonly failures: EndpointFailure[]) {
    super('VCSPVM_SSH_NO_ENDPOINT', {
      detail: failures.length === 0 ? 'no endpoint configured' : failures.map((f) => `${f.endpoint}: ${f.error.message}`).join('; '),
    });
  }
}

/** The endpoint list as given (one or many), copied and checked. */
export function endpointList(endpoints: RemoteOptions['endpoints']): Endpoint[] {
  const list = Array.isArray(endpoints) ? (endpoints as readonly Endpoint[]) : [endpoints as Endpoint];
  const copy = list.map((e) => ({ ...e }));
  for (const e of copy) {
    if (typeof e.host !== 'string' || e.host === '' || /[\s\0]/.test(e.host) || e.host.startsWith('-')) {
      throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'SSH host', value: JSON.stringify(String(e.host)), reason: 'not a host name or address' });
    }
    if (e.port !== undefined && !(Number.isInteger(e.port) && e.port >= 1 && e.port <= 65535)) {
      throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'SSH port', value: String(e.port), reason: 'expected 1-65535' });
    }
    if (e.user !== undefined && (typeof e.user !== 'string' || e.user === '' || /[\s\0]/.test(e.user) || e.user.startsWith('-'))) {
      throw new VcsPowervmError('VCSPVM_UNSAFE_ARGUMENT', { what: 'SSH user', value: JSON.stringify(String(e.user)), reason: 'not a user name' });
    }
  }
  return copy;
}
