/**
 * Processes an entry point left running after it exited, for `vcsagent
 * check`: those still in its process group (a command started in the
 * background) and those that carry the marker the check put in its
 * environment (a daemon that started a session of its own still inherits
 * it). Read from /proc; where there is none, from `ps` (process groups only).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isDeadState, procStat } from '../process.js';

export interface Leftover {
  pid: number;
  /** Its command line, shortened. */
  command: string;
}

/** The environment variable that marks what an entry point run started. */
export const RUN_MARKER_ENV = 'VCSAGENT_CHECK_RUN';

function procCommand(pid: number): string {
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return cmd.length > 120 ? `${cmd.slice(0, 117)}...` : cmd;
  } catch {
    return '?';
  }
}

function hasMarker(pid: number, marker: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`${RUN_MARKER_ENV}=${marker}`);
  } catch {
    // Not ours to read, or gone.
    return false;
  }
}

function fromPs(pgid: number): Leftover[] {
  // stat is not a POSIX field of ps -o (AIX may refuse it): without it, zombies are not told apart.
  for (const [format, fields] of [['pid=,pgid=,stat=,args=', 3], ['pid=,pgid=,args=', 2]] as const) {
    let text: string;
    try {
      text = execFileSync('ps', ['-e', '-o', format], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    } catch {
      continue;
    }
    return text
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .filter((f) => f.length >= fields && Number(f[1]) === pgid && (fields === 2 || !f[2]!.startsWith('Z')))
      .map((f) => ({ pid: Number(f[0]), command: f.slice(fields).join(' ') }));
  }
  return [];
}

/** Running processes (not zombies) of process group `pgid` or carrying `marker`, other than this process. */
export function leftovers(pgid: number, marker: string): Leftover[] {
  if (!existsSync('/proc/self/stat')) return fromPs(pgid);
  const out: Leftover[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const st = procStat(pid);
    if (!st || isDeadState(st.state)) continue;
    if (st.pgrp === pgid || hasMarker(pid, marker)) out.push({ pid, command: procCommand(pid) });
  }
  return out;
}

export function describeLeftovers(list: readonly Leftover[]): string {
  return list.map((l) => `pid ${l.pid}: ${l.command}`).join('; ');
}
