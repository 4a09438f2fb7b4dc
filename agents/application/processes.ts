/**
 * The processes an Application resource names: PidFiles (a file holding a
 * process ID each) and MonitorProcesses (command lines as `ps` shows them,
 * run by User). Monitor needs all of them running; clean ends them.
 */
import { readFileSync } from 'node:fs';
import { isProcessRunning } from '../../framework/process.js';
import type { AppContext } from './resource.js';

export interface ProcessEntry {
  pid: number;
  user: string;
  args: string;
}

const norm = (s: string) => s.trim().replace(/\s+/g, ' ');

/** Every process: `ps -e -o pid=,user=,args=` (AIX and Linux alike). */
export async function processTable(ctx: AppContext): Promise<ProcessEntry[]> {
  const r = await ctx.run(['ps', '-e', '-o', 'pid=,user=,args='], { timeoutMs: 15_000 });
  if (r.code !== 0) throw new Error(`ps exited ${r.code ?? r.signal}: ${r.stderr.trim().split('\n')[0] ?? ''}`);
  const out: ProcessEntry[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\S+)\s+(.*)$/.exec(line);
    if (m) out.push({ pid: Number(m[1]), user: m[2]!, args: norm(m[3]!) });
  }
  return out;
}

/** The process ID a pid file holds, or undefined (no file, no number). */
export function pidOf(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(n) && n > 1 ? n : undefined;
  } catch {
    return undefined;
  }
}

/** What is not running: pid files whose process is gone, MonitorProcesses not in the table (as User). */
export function missing(ctx: AppContext, table: readonly ProcessEntry[] | undefined): string[] {
  const out: string[] = [];
  for (const f of ctx.attributes.PidFiles ?? []) {
    const pid = pidOf(f);
    if (pid === undefined) out.push(`pid file ${f} holds no process ID`);
    else if (!isProcessRunning(pid)) out.push(`process ${pid} of ${f} is not running`);
  }
  const user = ctx.attributes.User || 'root';
  for (const p of ctx.attributes.MonitorProcesses ?? [])
    if (!table?.some((e) => e.args === norm(p) && e.user === user)) out.push(`process "${norm(p)}" of ${user} is not running`);
  return out;
}

/** The PIDs clean ends: those of the pid files, and the MonitorProcesses run by User. */
export function targets(ctx: AppContext, table: readonly ProcessEntry[]): number[] {
  const pids = new Set<number>();
  for (const f of ctx.attributes.PidFiles ?? []) {
    const pid = pidOf(f);
    if (pid !== undefined && isProcessRunning(pid)) pids.add(pid);
  }
  const user = ctx.attributes.User || 'root';
  const wanted = new Set((ctx.attributes.MonitorProcesses ?? []).map(norm));
  for (const e of table) if (wanted.has(e.args) && e.user === user) pids.add(e.pid);
  pids.delete(process.pid);
  return [...pids];
}
