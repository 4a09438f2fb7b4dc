/**
 * What `ctx.run` takes and gives: public types of the command runner
 * (command.ts), free of platform type packages so that agent writers'
 * declarations stand alone.
 */
import type { AbortSignalLike, EnvLike } from '../portable-types.js';

export interface RunOptions {
  /** Kill the command after this long (SIGTERM, then SIGKILL 2 s later). */
  timeoutMs?: number;
  /** Bytes kept of stdout and of stderr each; the rest is read and dropped. Default 1 MiB. */
  maxOutputBytes?: number;
  /** Written to the command's stdin, which is then closed. */
  input?: string | Uint8Array;
  env?: EnvLike;
  cwd?: string;
  /** Stops the command when aborted (in addition to the entry point's own signal). */
  signal?: AbortSignalLike;
  /** Throw a VCSPVM_AGENT_COMMAND error unless the command exits 0. */
  check?: boolean;
}

export interface RunResult {
  argv: readonly string[];
  /** Exit code, or null when a signal ended it. */
  code: number | null;
  /** The signal that ended it (SIGTERM, SIGKILL, ...), or null. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Some output was dropped because of maxOutputBytes. */
  truncated: boolean;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
}

export type CommandRunner = (argv: readonly string[], opts?: RunOptions) => Promise<RunResult>;
