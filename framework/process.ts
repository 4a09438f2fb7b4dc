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
 * Whether a process runs: alive, and not a zombie waiting for a parent that
 * never reaps it (PID 1 of a container may not; `kill -0` still reaches a
 * zombie). Zombies are seen through /proc/PID/stat where there is one (Linux).
 */
export function isProcessRunning(pid: number): boolean {
  if (!isProcessAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true;
  }
}
