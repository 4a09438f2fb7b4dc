import { readFileSync } from 'node:fs';

/** Whether a process exists: signal 0 reaches it, or it exists but is not ours to signal (EPERM). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A process's state letter and process group from /proc/PID/stat (Linux);
 * undefined where there is no /proc or the process is gone.
 */
export function procStat(pid: number): { state: string; pgrp: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp ...
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0]!, pgrp: Number(rest[2]) };
  } catch {
    return undefined;
  }
}

/** A zombie (exited, not reaped) or a dead task: no longer running, though /proc still lists it. */
export const isDeadState = (state: string) => state === 'Z' || state === 'X' || state === 'x';

/**
 * Whether a process runs: alive, and not a zombie waiting for a parent that
 * never reaps it (PID 1 of a container may not; `kill -0` still reaches a
 * zombie). Zombies are seen through /proc/PID/stat where there is one (Linux);
 * elsewhere (AIX) signal 0 decides.
 */
export function isProcessRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  const st = procStat(pid);
  return !st || !isDeadState(st.state);
}
