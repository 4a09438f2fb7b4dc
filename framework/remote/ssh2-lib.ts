/**
 * ssh2 is loaded on first use: an entry point that only builds command lines
 * (or exits early) does not pay for it at start-up.
 */
import type * as Ssh2 from 'ssh2';

export type Ssh2Module = typeof Ssh2;

let loading: Promise<Ssh2Module> | undefined;

export function loadSsh2(): Promise<Ssh2Module> {
  loading ??= import('ssh2').then((m) => ((m as { default?: Ssh2Module }).default ?? m) as Ssh2Module);
  return loading;
}
