/**
 * What the runner reports: typed events, one per state change or decision,
 * each stamped with the clock's time and the system. `formatEvent` prints
 * one as a person reads it; engine-log.ts writes the VCS engine log from the
 * same stream.
 */
import type { CleanReason } from '../agent/define.js';

/** What the engine shows for a resource. */
export type ResourceState = 'unknown' | 'online' | 'offline' | 'faulted';

/** The agent framework's own view of a resource (Agent Developer's Guide, state transitions). */
export type AgentState =
  | 'detached'
  | 'probing'
  | 'online'
  | 'offline'
  | 'going-online'
  | 'going-online-waiting'
  | 'going-offline'
  | 'going-offline-waiting'
  | 'cleaning'
  | 'migrating'
  | 'admin-wait';

export type GroupState = 'online' | 'offline' | 'partial' | 'faulted';

/** Why a resource state changed. */
export type StateCause =
  | 'probe'
  | 'vcs-initiated'
  | 'not-vcs-initiated'
  | 'intentional-offline'
  | 'restart'
  | 'fault'
  | 'clean'
  | 'migrated'
  | 'clear';

export type RunnerEvent = { time: number; system: string } & (
  | { kind: 'runner-started'; groups: string[] }
  | { kind: 'runner-stopped' }
  | { kind: 'ep-started'; resource: string; type: string; entryPoint: string; args: readonly string[] }
  | { kind: 'ep-finished'; resource: string; type: string; entryPoint: string; exitCode: number | null; timedOut: boolean; durationMs: number; error?: string; interrupted?: boolean }
  | { kind: 'resource-state'; resource: string; type: string; group: string; from: ResourceState; to: ResourceState; cause: StateCause; intentional?: boolean }
  | { kind: 'agent-state'; resource: string; from: AgentState; to: AgentState }
  | { kind: 'monitor'; resource: string; result: 'online' | 'offline' | 'unknown' | 'intentional-offline' | 'timeout'; confidence: number; via: 'poll' | 'imf' | 'wait' | 'probe' }
  | { kind: 'monitor-timeout'; resource: string; count: number; limit: number }
  | { kind: 'tolerated-offline'; resource: string; count: number; limit: number }
  | { kind: 'clean'; resource: string; reason: CleanReason; code: number; ok: boolean }
  | { kind: 'restart'; resource: string; attempt: number; limit: number }
  | { kind: 'online-retry'; resource: string; attempt: number; limit: number }
  | { kind: 'online-failed'; resource: string; reason: CleanReason }
  | { kind: 'online-still-waiting'; resource: string; monitors: number }
  | { kind: 'info'; resource: string; op: 1 | 2; ok: boolean; text?: string; timedOut?: boolean }
  | { kind: 'offline-failed'; resource: string; reason: CleanReason }
  | { kind: 'unable-to-offline'; resource: string }
  | { kind: 'admin-wait'; resource: string; reason: CleanReason }
  | { kind: 'counters-reset'; resource: string; after: number }
  | { kind: 'migrate'; resource: string; target: string; waitSeconds: number }
  | { kind: 'migrate-failed'; resource: string; target: string; detail: string }
  | { kind: 'group-state'; group: string; from: GroupState; to: GroupState }
  | { kind: 'group-command'; group: string; command: 'online' | 'offline' | 'migrate' | 'clear'; target?: string }
  | { kind: 'imf-registered'; resource: string; state: 'online' | 'offline'; id: string }
  | { kind: 'imf-unregistered'; resource: string; why: string }
  | { kind: 'imf-register-failed'; resource: string; attempt: number; limit: number; detail: string }
  | { kind: 'imf-disabled'; resource: string; why: string }
  | { kind: 'imf-notification'; resource: string; state: string; id: string }
  | { kind: 'imf-daemon'; type: string; action: 'started' | 'ready' | 'exited' | 'gave-up' | 'init-failed'; detail?: string; pid?: number }
  | { kind: 'attribute-changed'; resource: string; attribute: string; value: string[] }
  | { kind: 'error'; detail: string; resource?: string }
);

export type RunnerEventKind = RunnerEvent['kind'];
export type EventOf<K extends RunnerEventKind> = Extract<RunnerEvent, { kind: K }>;

function hhmmss(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)}`;
}

const CAUSE_TEXT: Record<StateCause, string> = {
  probe: 'first probe',
  'vcs-initiated': 'VCS initiated',
  'not-vcs-initiated': 'not initiated by VCS',
  'intentional-offline': 'intentional offline',
  restart: 'restarted',
  fault: 'fault',
  clean: 'after clean',
  migrated: 'migrated away',
  clear: 'fault cleared',
};

/** One line, as a person wants to read it; undefined for events only a debugger wants. */
export function formatEvent(e: RunnerEvent, opts: { verbose?: boolean } = {}): string | undefined {
  const t = hhmmss(e.time);
  const line = (s: string) => `${t} ${e.system}  ${s}`;
  switch (e.kind) {
    case 'runner-started':
      return line(`runner started (groups: ${e.groups.join(', ') || 'none'})`);
    case 'runner-stopped':
      return line('runner stopped');
    case 'ep-started':
      return opts.verbose ? line(`${e.resource}: ${e.entryPoint} started`) : undefined;
    case 'ep-finished':
      if (!opts.verbose && !e.timedOut && !e.error) return undefined;
      return line(`${e.resource}: ${e.entryPoint} ${e.timedOut ? 'TIMED OUT' : e.interrupted ? 'INTERRUPTED (the runner is stopping)' : e.error ? `failed to start: ${e.error}` : `exited ${e.exitCode}`} after ${e.durationMs} ms`);
    case 'resource-state':
      return line(`${e.resource} (${e.type}, group ${e.group}): ${e.from.toUpperCase()} -> ${e.to.toUpperCase()} (${CAUSE_TEXT[e.cause]})`);
    case 'agent-state':
      return opts.verbose ? line(`${e.resource}: agent state ${e.from} -> ${e.to}`) : undefined;
    case 'monitor':
      return opts.verbose ? line(`${e.resource}: monitor (${e.via}) says ${e.result}${e.result === 'online' && e.confidence < 100 ? ` (confidence ${e.confidence})` : ''}`) : undefined;
    case 'monitor-timeout':
      return line(`${e.resource}: monitor timed out (${e.count} in a row${e.limit > 0 ? `, fault at ${e.limit}` : ''})`);
    case 'tolerated-offline':
      return line(`${e.resource}: reported OFFLINE ${e.count} time(s), within ToleranceLimit ${e.limit}`);
    case 'clean':
      return line(`${e.resource}: clean (reason ${e.code}, ${e.reason}) ${e.ok ? 'succeeded' : 'FAILED'}`);
    case 'restart':
      return line(`${e.resource}: restarting (attempt ${e.attempt} of RestartLimit ${e.limit})`);
    case 'online-retry':
      return line(`${e.resource}: retrying online (attempt ${e.attempt} of OnlineRetryLimit ${e.limit})`);
    case 'online-failed':
      return line(`${e.resource}: online failed (${e.reason})`);
    case 'online-still-waiting':
      return line(`${e.resource}: not online after ${e.monitors} monitors (OnlineWaitLimit); no clean entry point, so monitoring every MonitorInterval until it is`);
    case 'info':
      return opts.verbose || !e.ok ? line(`${e.resource}: info (resinfo_op ${e.op}) ${e.ok ? `ResourceInfo Msg: ${(e.text ?? '').trim()}` : e.timedOut ? 'TIMED OUT' : 'failed: ResourceInfo State Invalid'}`) : undefined;
    case 'offline-failed':
      return line(`${e.resource}: offline failed (${e.reason})`);
    case 'unable-to-offline':
      return line(`${e.resource}: UNABLE TO OFFLINE — clean failed; administrative intervention required`);
    case 'admin-wait':
      return line(`${e.resource}: ADMIN_WAIT (${e.reason}; ManageFaults is NONE, clean not called)`);
    case 'counters-reset':
      return line(`${e.resource}: online for ConfInterval ${e.after} s — restart, tolerance and monitor-timeout counts cleared`);
    case 'migrate':
      return line(`${e.resource}: migrating to ${e.target}; monitoring again in ${e.waitSeconds} s`);
    case 'migrate-failed':
      return line(`${e.resource}: migration to ${e.target} failed: ${e.detail}`);
    case 'group-state':
      return line(`group ${e.group}: ${e.from.toUpperCase()} -> ${e.to.toUpperCase()}`);
    case 'group-command':
      return line(`group ${e.group}: ${e.command}${e.target ? ` to ${e.target}` : ''} requested`);
    case 'imf-registered':
      return line(`${e.resource}: registered with IMF for ${e.state} monitoring (id ${e.id})`);
    case 'imf-unregistered':
      return line(`${e.resource}: unregistered from IMF (${e.why})`);
    case 'imf-register-failed':
      return line(`${e.resource}: IMF registration failed (attempt ${e.attempt}, RegisterRetryLimit ${e.limit}): ${e.detail}`);
    case 'imf-disabled':
      return line(`${e.resource}: IMF off, traditional monitoring (${e.why})`);
    case 'imf-notification':
      return line(`${e.resource}: IMF notification (${e.state}); confirming with monitor`);
    case 'imf-daemon':
      return line(`IMF ${e.type}: imf_getnotification ${e.action}${e.pid ? ` (pid ${e.pid})` : ''}${e.detail ? `: ${e.detail}` : ''}`);
    case 'attribute-changed':
      return line(`${e.resource}: ${e.attribute} = ${e.value.join(' ')}`);
    case 'error':
      return line(`${e.resource ? `${e.resource}: ` : ''}error: ${e.detail}`);
  }
}
