/**
 * An Application resource as its entry points see it: the Application type
 * of the Bundled Agents Reference Guide for AIX (types-cf/types.cf).
 */
import type { ResourceContext } from '../../framework/agent/define.js';
import { VcsPowervmError } from '../../framework/errors.js';

export interface AppAttributes {
  User: string;
  StartProgram: string;
  StopProgram: string;
  CleanProgram: string;
  MonitorProgram: string;
  PidFiles: string[];
  MonitorProcesses: string[];
  EnvFile: string;
  UseSUDash: number;
  DelayAfterOnline: number;
  DelayAfterOffline: number;
}

export type AppContext = ResourceContext<AppAttributes>;

export const appError = (ctx: { resource: string }, detail: string) => new VcsPowervmError('VCSPVM_APPLICATION', { resource: ctx.resource, detail });

/** Milliseconds left before the entry point's deadline, less a reserve; at least 1 s. */
export function remainingMs(ctx: AppContext, reserveMs = 1000): number {
  const left = Number.isFinite(ctx.deadline) ? ctx.deadline - Date.now() - reserveMs : 300_000;
  return Math.max(1000, left);
}
