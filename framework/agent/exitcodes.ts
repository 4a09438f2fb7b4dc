/**
 * VCS exit codes, both ways: what an entry point's result becomes when the
 * process exits, and what an exit code means to the agent framework that
 * reads it (the local runner uses the second half).
 *
 * Facts: research/vcs-facts.md §1.2 — monitor 100 offline, 101–109 online
 * with confidence 10–90, 110 online (confidence 100), 200 intentional
 * offline, anything else unknown (99 by convention); online/offline exit with
 * the seconds to wait before the next monitor; migrate with a tenth of that
 * wait (0–100, the framework waits exit × 10 s); clean/action/info 0 success.
 */

export const MONITOR_OFFLINE = 100;
export const MONITOR_ONLINE = 110;
export const MONITOR_UNKNOWN = 99;
export const MONITOR_INTENTIONAL_OFFLINE = 200;
/** Largest exit code a process can return. */
export const MAX_EXIT = 255;
/** migrate exits 0–100; the framework waits ten times that many seconds. */
export const MAX_MIGRATE_EXIT = 100;
/** What `hares -action` shows of an action's output (stdout and stderr together). */
export const ACTION_OUTPUT_LIMIT = 2048;

export type MonitorState = 'online' | 'offline' | 'unknown' | 'intentional-offline';

/** What a monitor entry point returns. Confidence applies to online only (10–100, in steps of 10). */
export type MonitorResult = MonitorState | { state: 'online'; confidence: number };

export function monitorExitCode(result: MonitorResult): number {
  if (typeof result === 'object') {
    const c = Math.round(result.confidence / 10);
    if (!Number.isFinite(c) || c < 1) return 101;
    return c >= 10 ? MONITOR_ONLINE : MONITOR_OFFLINE + c;
  }
  switch (result) {
    case 'online':
      return MONITOR_ONLINE;
    case 'offline':
      return MONITOR_OFFLINE;
    case 'intentional-offline':
      return MONITOR_INTENTIONAL_OFFLINE;
    default:
      return MONITOR_UNKNOWN;
  }
}

/** A wait in seconds as an online/offline exit code (0–255). */
export function waitExitCode(seconds: number | void | undefined): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(MAX_EXIT, Math.ceil(seconds));
}

/** A wait in seconds as a migrate exit code: tenths, rounded up, 0–100. */
export function migrateExitCode(seconds: number | void | undefined): number {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return 0;
  return Math.min(MAX_MIGRATE_EXIT, Math.ceil(seconds / 10));
}

export interface MonitorOutcome {
  state: MonitorState;
  /** 10–100 for online, 0 otherwise. */
  confidence: number;
}

/** How VCS reads a monitor exit code. */
export function interpretMonitorExit(code: number | null): MonitorOutcome {
  if (code === MONITOR_OFFLINE) return { state: 'offline', confidence: 0 };
  if (code !== null && code > MONITOR_OFFLINE && code <= MONITOR_ONLINE) {
    return { state: 'online', confidence: (code - MONITOR_OFFLINE) * 10 };
  }
  if (code === MONITOR_INTENTIONAL_OFFLINE) return { state: 'intentional-offline', confidence: 0 };
  return { state: 'unknown', confidence: 0 };
}

/** Seconds the framework waits before the next monitor, from an online/offline/migrate exit code. */
export function interpretWaitExit(entryPoint: 'online' | 'offline' | 'migrate', code: number | null): number {
  if (code === null || code < 0) return 0;
  return entryPoint === 'migrate' ? Math.min(code, MAX_MIGRATE_EXIT) * 10 : code;
}

/** Truncates to at most `limit` bytes of UTF-8 without splitting a character. */
export function capUtf8(text: string, limit: number): string {
  const buf = Buffer.from(text, 'utf8');
  if (buf.length <= limit) return text;
  let end = limit;
  // Back off continuation bytes (10xxxxxx) so the cut lands on a character boundary.
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--;
  return buf.subarray(0, end).toString('utf8');
}
