/**
 * What `vcsagent`'s dispatcher gives every subcommand: the registry, where
 * the package lives, how to reach the vcsagent executable, the environment
 * and the output streams. Subcommands import this, never the dispatcher.
 */
import { writeSync } from 'node:fs';
import type { VcsPaths } from './define.js';
import type { AgentRegistry } from './registry.js';

export interface MainOptions {
  registry: AgentRegistry;
  /** The package root (where dist/ and the registered types files are). */
  root: string;
  /** The vcsagent executable itself (installed wrappers and `check` run it). */
  self: string;
  env?: NodeJS.ProcessEnv;
  /** Standard output and error; default: synchronous writes to fd 1 and 2. */
  out?(text: string): void;
  err?(text: string): void;
}

/** One `vcsagent SUBCOMMAND`: its code, loaded only when it runs. */
export interface Subcommand {
  run(argv: string[], opts: MainOptions): Promise<number>;
  /** Its own usage text; by default its lines of the command table. */
  usage?: string;
}

function writeFd(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // The reader went away (EPIPE): nothing sensible left to do with the text.
  }
}

export function outputs(opts: Pick<MainOptions, 'out' | 'err'>): { out(text: string): void; err(text: string): void } {
  return { out: opts.out ?? ((t) => writeFd(1, t)), err: opts.err ?? ((t) => writeFd(2, t)) };
}

export function vcsPaths(env: NodeJS.ProcessEnv): VcsPaths {
  return {
    home: env.VCS_HOME || '/opt/VRTSvcs',
    conf: env.VCS_CONF || '/etc/VRTSvcs',
    log: env.VCS_LOG || '/var/VRTSvcs',
  };
}

/** The options every subcommand that loads agents takes: `--module FILE` (repeatable), an agent outside the package. */
export const MODULE_OPTION = { module: { type: 'string', multiple: true } } as const;
