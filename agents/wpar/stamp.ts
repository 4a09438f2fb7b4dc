/**
 * What makes a record of "VCS brought this online here" trustworthy: the
 * boot it was written in and the agent process that wrote it. A record
 * from before a reboot, or from an agent process that is gone (VCS or the
 * agent restarted, perhaps after the group went online elsewhere), proves
 * nothing about now.
 *
 * The agent is the entry point's parent: VCS's agent process forks every
 * entry point (our installed wrapper exec()s node, so the parent stays the
 * agent), as `vcsagent run` does; a shell in between (a caller that runs
 * the entry point through `sh -c` without exec) is looked through. Its
 * identity is its PID and start time, so a PID reused by another process
 * does not pass for it.
 */
import { readFileSync } from 'node:fs';
import type { CommandRunner } from '../../framework/agent/command.js';
import { isProcessAlive } from '../../framework/process.js';

export interface Stamp {
  /** This boot: Linux's boot_id, else the boot time. */
  boot: string;
  agent: { pid: number; start: string };
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The current boot: /proc's boot_id or boot time (Linux), else `who -b` (AIX). */
export async function bootId(run: CommandRunner): Promise<string> {
  const id = read('/proc/sys/kernel/random/boot_id')?.trim();
  if (id) return `boot_id:${id}`;
  const btime = /^btime (\d+)$/m.exec(read('/proc/stat') ?? '')?.[1];
  if (btime) return `btime:${btime}`;
  const r = await run(['who', '-b'], { timeoutMs: 5000 }).catch(() => undefined);
  const line = r?.code === 0 ? r.stdout.trim() : '';
  return line ? `who-b:${line.replace(/\s+/g, ' ')}` : 'unknown';
}

/** A process's start: clock ticks after boot from /proc (Linux), else the start time `ps` gives (seconds, AIX). */
export async function processStart(pid: number, run: CommandRunner): Promise<string | undefined> {
  const stat = read(`/proc/${pid}/stat`);
  if (stat) {
    // Fields after the command name (which may hold spaces and parentheses): starttime is the 20th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[19]) return `ticks:${fields[19]}`;
  }
  const r = await run(['ps', '-p', String(pid), '-o', 'etime='], { timeoutMs: 5000 }).catch(() => undefined);
  const etime = r?.code === 0 ? parseEtime(r.stdout.trim()) : undefined;
  return etime === undefined ? undefined : `epoch:${Math.round(Date.now() / 1000 - etime)}`;
}

/** ps's elapsed time, [[dd-]hh:]mm:ss, in seconds. */
export function parseEtime(s: string): number | undefined {
  const m = /^(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)$/.exec(s);
  if (!m) return undefined;
  return ((Number(m[1] ?? 0) * 24 + Number(m[2] ?? 0)) * 60 + Number(m[3])) * 60 + Number(m[4]);
}

const SHELLS = new Set(['sh', 'bash', 'ksh', 'ksh93', 'dash', 'zsh', 'csh', 'tcsh']);

/** A process's command name and parent: /proc (Linux), else ps (AIX). */
async function processInfo(pid: number, run: CommandRunner): Promise<{ comm: string; ppid: number } | undefined> {
  const stat = read(`/proc/${pid}/stat`);
  if (stat) {
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return { comm, ppid };
  }
  const r = await run(['ps', '-p', String(pid), '-o', 'ppid=,comm='], { timeoutMs: 5000 }).catch(() => undefined);
  const m = r?.code === 0 ? /^\s*(\d+)\s+(\S+)/.exec(r.stdout) : null;
  return m ? { ppid: Number(m[1]), comm: m[2]!.split('/').pop()! } : undefined;
}

/** The agent process: the entry point's parent, or the first ancestor above shells in between. */
export async function agentPid(run: CommandRunner): Promise<number> {
  let pid = process.ppid;
  for (let depth = 0; depth < 4; depth++) {
    const info = await processInfo(pid, run);
    if (!info || !SHELLS.has(info.comm) || info.ppid <= 1) break;
    pid = info.ppid;
  }
  return pid;
}

/** The stamp of the running entry point: this boot, the agent that runs it. */
export async function currentStamp(run: CommandRunner): Promise<Stamp> {
  const pid = await agentPid(run);
  return { boot: await bootId(run), agent: { pid, start: (await processStart(pid, run)) ?? 'unknown' } };
}

/** Why `old` does not hold now, or undefined when it does. */
export async function staleness(old: Stamp, run: CommandRunner): Promise<string | undefined> {
  const boot = await bootId(run);
  if (old.boot !== boot) return 'it was written before the system last booted';
  const { pid, start } = old.agent;
  if (pid !== (await agentPid(run)) || !isProcessAlive(pid)) return `the agent process that wrote it (PID ${pid}) is gone: VCS or its agent restarted since`;
  const now = await processStart(pid, run);
  if (now === undefined || !sameStart(start, now)) return `PID ${pid} is now another process than the agent that wrote it`;
  return undefined;
}

function sameStart(a: string, b: string): boolean {
  if (a === b) return true;
  const ea = /^epoch:(\d+)$/.exec(a)?.[1];
  const eb = /^epoch:(\d+)$/.exec(b)?.[1];
  // ps gives whole seconds of elapsed time: a second or two either way is the same start.
  return ea !== undefined && eb !== undefined && Math.abs(Number(ea) - Number(eb)) <= 2;
}
