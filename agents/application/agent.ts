/**
 * Application — the bundled agent for any program that has a start and a
 * stop command (Bundled Agents Reference Guide for AIX, "Application
 * agent"), as far as the seed's WPAR chapter needs it: its ContainerOpts
 * RunInContainer = 1, so where the group's ContainerInfo is enabled VCS runs
 * these entry points inside the WPAR (framework/agent/container.ts).
 *
 *   online   StartProgram, as User, unless the application already runs (or its
 *            state is unknown: a copy may run); then DelayAfterOnline seconds
 *            before the first monitor
 *   offline  StopProgram; then DelayAfterOffline seconds
 *   monitor  MonitorProgram (1 or 100 offline, 101-109 online with confidence,
 *            0 or 110 online, anything else unknown), and only when it says
 *            online: every PidFiles process alive, every MonitorProcesses
 *            line running as User. At least one of the three is required.
 *   clean    CleanProgram when set, then the processes of PidFiles and
 *            MonitorProcesses (SIGTERM, then SIGKILL); fails while one is left
 *
 * IMF is not implemented (the framework polls; IMF Mode 0 avoids the attempt).
 */
import { defineAgent } from '../../framework/agent/define.js';
import type { MonitorResult } from '../../framework/agent/exitcodes.js';
import { missing, processTable, targets } from './processes.js';
import { runProgram } from './programs.js';
import { type AppAttributes, type AppContext, appError, remainingMs } from './resource.js';

const configured = (ctx: AppContext) => !!ctx.attributes.MonitorProgram?.trim() || (ctx.attributes.PidFiles ?? []).length > 0 || (ctx.attributes.MonitorProcesses ?? []).length > 0;

/** MonitorProgram's exit as a monitor result (the Generic Application agent's convention). */
export function monitorProgramResult(code: number | null): MonitorResult {
  if (code === 0 || code === 110) return 'online';
  if (code === 1 || code === 100) return 'offline';
  if (code !== null && code > 100 && code < 110) return { state: 'online', confidence: (code - 100) * 10 };
  return 'unknown';
}

/**
 * The application's state: MonitorProgram first, then (when it says online)
 * PidFiles and MonitorProcesses. `why` says what is not running when offline.
 */
async function appState(ctx: AppContext, timeoutMs: number): Promise<{ result: MonitorResult; why?: string }> {
  const a = ctx.attributes;
  let result: MonitorResult = 'online';
  if (a.MonitorProgram?.trim()) {
    const r = await runProgram(ctx, 'MonitorProgram', a.MonitorProgram, timeoutMs);
    result = r.timedOut ? 'unknown' : monitorProgramResult(r.code);
    if (result === 'unknown') ctx.log.warn({ msgId: 49945 }, 'MonitorProgram %s exited %s%s', a.MonitorProgram, r.code ?? r.signal, r.timedOut ? ' (timed out)' : '');
    if (result !== 'online' && typeof result !== 'object') return { result };
  }
  const table = (a.MonitorProcesses ?? []).length ? await processTable(ctx) : undefined;
  const gone = missing(ctx, table);
  return gone.length ? { result: 'offline', why: gone.join('; ') } : { result };
}

async function monitor(ctx: AppContext): Promise<MonitorResult> {
  if (!configured(ctx)) throw appError(ctx, 'none of MonitorProgram, PidFiles, MonitorProcesses is set: nothing to monitor');
  const { result, why } = await appState(ctx, remainingMs(ctx));
  if (result === 'offline' && why) ctx.log.info({ msgId: 29912 }, 'offline: %s', why);
  return result;
}

async function online(ctx: AppContext): Promise<number> {
  const a = ctx.attributes;
  if (!a.StartProgram?.trim()) throw appError(ctx, 'StartProgram is not set');
  if (!configured(ctx)) throw appError(ctx, 'none of MonitorProgram, PidFiles, MonitorProcesses is set: nothing to monitor');
  // Online must be idempotent: StartProgram run on a running application would start a second copy
  // that no pid file names, and so that StopProgram and clean never end. Where the state is not
  // known, a copy may run: nothing is started, and the next monitor reports what is.
  const { result } = await appState(ctx, remainingMs(ctx) / 2);
  if (result === 'unknown') {
    ctx.log.error({ msgId: 28810 }, 'the application state is unknown (see MonitorProgram above): StartProgram %s not run, so as not to start a second copy; MonitorProgram must exit 1 or 100 when the application is stopped', a.StartProgram);
    return 0;
  }
  if (result !== 'offline') {
    ctx.log.info({ msgId: 46439 }, 'already online: StartProgram %s not run', a.StartProgram);
    return 0;
  }
  const r = await runProgram(ctx, 'StartProgram', a.StartProgram, remainingMs(ctx));
  if (r.code !== 0) ctx.log.error({ msgId: 53053 }, 'StartProgram %s exited %s%s%s', a.StartProgram, r.code ?? r.signal, r.timedOut ? ' (killed at the online timeout)' : '', r.output ? `: ${r.output.split('\n').pop()}` : '');
  else ctx.log.info({ msgId: 32794 }, 'StartProgram %s done', a.StartProgram);
  return a.DelayAfterOnline ?? 0;
}

async function offline(ctx: AppContext): Promise<number> {
  const a = ctx.attributes;
  if (!a.StopProgram?.trim()) throw appError(ctx, 'StopProgram is not set');
  const r = await runProgram(ctx, 'StopProgram', a.StopProgram, remainingMs(ctx));
  if (r.code !== 0) ctx.log.error({ msgId: 22221 }, 'StopProgram %s exited %s%s', a.StopProgram, r.code ?? r.signal, r.timedOut ? ' (killed at the offline timeout)' : '');
  else ctx.log.info({ msgId: 45755 }, 'StopProgram %s done', a.StopProgram);
  return a.DelayAfterOffline ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function clean(ctx: AppContext): Promise<boolean> {
  const a = ctx.attributes;
  if (a.CleanProgram?.trim()) {
    const r = await runProgram(ctx, 'CleanProgram', a.CleanProgram, remainingMs(ctx, 4000) / 2);
    if (r.code !== 0) ctx.log.warn({ msgId: 29303 }, 'CleanProgram %s exited %s', a.CleanProgram, r.code ?? r.signal);
  }
  const table = async () => ((a.MonitorProcesses ?? []).length ? processTable(ctx) : []);
  let pids = targets(ctx, await table());
  for (const [signal, waitMs] of [['SIGTERM', 2000], ['SIGKILL', 1000]] as const) {
    if (!pids.length) break;
    ctx.log.notice({ msgId: 57800 }, 'cleaning: %s to %s', signal, pids.join(' '));
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // Gone meanwhile.
      }
    }
    await sleep(waitMs);
    pids = targets(ctx, await table());
  }
  if (pids.length) {
    ctx.log.error({ msgId: 16868 }, 'processes %s are still running after SIGKILL', pids.join(' '));
    return false;
  }
  return true;
}

export default defineAgent<AppAttributes>({
  type: 'Application',
  entryPoints: { monitor, online, offline, clean },
});
