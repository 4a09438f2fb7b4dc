/**
 * The processes of a simulated WPAR: everything clogin starts carries
 * AIXSIM_WPAR=<root>:<name> in its environment, and so does whatever those
 * start (daemons included). When the WPAR stops (stopwpar) or breaks
 * (wparsim crash), they end, as a WPAR's processes end with it on AIX. Found
 * through /proc/<pid>/environ (the simulator runs on Linux); processes this
 * user may not read are not ours.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { simRoot } from './root.js';

export const WPAR_ENV = 'AIXSIM_WPAR';

export const wparTag = (name: string) => `${resolve(simRoot())}:${name}`;

/** PIDs of the processes running inside the WPAR. */
export function wparProcesses(name: string): number[] {
  const want = `${WPAR_ENV}=${wparTag(name)}`;
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`, 'latin1').split('\0').includes(want)) out.push(Number(e));
    } catch {
      // Gone, or not ours.
    }
  }
  return out;
}

/** Ends the WPAR's processes (SIGKILL: the WPAR is going away under them). Returns how many. */
export function killWparProcesses(name: string): number {
  let n = 0;
  for (const pid of wparProcesses(name)) {
    try {
      process.kill(pid, 'SIGKILL');
      n++;
    } catch {
      // Gone meanwhile.
    }
  }
  return n;
}
