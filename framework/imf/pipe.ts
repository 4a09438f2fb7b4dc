/**
 * The IMF entry points' side of the exposed pipe: the descriptor named by
 * VCS_IMF_PIPE_FD (3 under our runner). Without one (run by hand), lines go
 * to standard output.
 */
import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import { IMF_PIPE_ENV } from '../runner/executor.js';

export function pipeFd(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env[IMF_PIPE_ENV];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

/** One line, synchronously (imf_register: the framework reads it when the process exits). */
export function writePipeLine(line: string, env: NodeJS.ProcessEnv = process.env): void {
  writeSync(pipeFd(env) ?? 1, `${line}\n`);
}

export interface PipeChannel {
  write(line: string): void;
  /** Resolves when the framework's end is gone (it exited): imf_getnotification should stop. */
  readonly gone: Promise<void>;
  close(): void;
}

/**
 * imf_getnotification's channel. When the descriptor is a socket (what a
 * Node parent gives its child), its end-of-file tells that the framework
 * went away; a plain pipe tells it by failing the next write.
 */
export function openPipeChannel(env: NodeJS.ProcessEnv = process.env): PipeChannel {
  const fd = pipeFd(env);
  let markGone!: () => void;
  const gone = new Promise<void>((r) => (markGone = r));
  if (fd !== undefined) {
    let sock: Socket | undefined;
    try {
      sock = new Socket({ fd, readable: true, writable: true });
    } catch {
      sock = undefined;
    }
    if (sock) {
      sock.on('end', markGone);
      sock.on('close', markGone);
      sock.on('error', markGone);
      sock.resume();
      return {
        write: (line) => {
          if (!sock!.destroyed) sock!.write(`${line}\n`);
        },
        gone,
        close: () => sock!.destroy(),
      };
    }
  }
  const out = fd ?? 1;
  return {
    write: (line) => {
      try {
        writeSync(out, `${line}\n`);
      } catch {
        markGone();
      }
    },
    gone,
    close: () => undefined,
  };
}
