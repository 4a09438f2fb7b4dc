/**
 * LPAR notifications by batched HMC polling: per group (HMCs + managed
 * system), one `lssyscfg -r lpar -m SYS -F name,state` per poll, whatever
 * the number of registered partitions on it. Each HMC list keeps one
 * session for the life of imf_getnotification; its commands go through the
 * connection broker the monitors use (one SSH connection per HMC for the
 * whole agent), so a poll costs one command and no login.
 */
import { BatchedPoller, type PollStats } from '../../../framework/imf/batched-poller.js';
import type { ObservedState } from '../../../framework/imf/protocol.js';
import type { SourceLogger } from '../../../framework/imf/source.js';
import type { Clock } from '../../../framework/clock.js';
import type { Logger } from '../../../framework/remote/logger.js';
import { HmcSession } from '../hmc/session.js';
import { parseFields } from '../hmc/records.js';
import { observedOf } from './observe.js';
import { lparGroup, watchOf } from './target.js';

export const POLL_FIELDS = ['name', 'state'] as const;

export function pollCommand(system: string): string[] {
  return ['lssyscfg', '-r', 'lpar', '-m', system, '-F', POLL_FIELDS.join(',')];
}

export interface HmcPollSourceOptions {
  intervalMs: number;
  log: SourceLogger;
  clock?: Clock;
  onPoll?(stats: PollStats): void;
  /** HOME/USER for ~/.ssh (tests). */
  env?: Readonly<Record<string, string | undefined>>;
}

export function createHmcPollSource(opts: HmcPollSourceOptions): BatchedPoller & { sessions: Map<string, HmcSession> } {
  const sessions = new Map<string, HmcSession>();
  const queryTimeout = Math.max(10_000, opts.intervalMs * 5);
  const session = (names: string[], users: string[]): HmcSession => {
    const key = lparGroup({ names, users, system: '' });
    let s = sessions.get(key);
    if (!s) {
      s = new HmcSession({ names, users, log: opts.log as unknown as Logger, quiet: true, ...(opts.env ? { env: opts.env } : {}) });
      sessions.set(key, s);
    }
    return s;
  };
  const poller = new BatchedPoller({
    intervalMs: opts.intervalMs,
    log: opts.log,
    queryTimeoutMs: queryTimeout,
    ...(opts.clock ? { clock: opts.clock } : {}),
    ...(opts.onPoll ? { onPoll: opts.onPoll } : {}),
    query: async (_group, regs) => {
      const w = watchOf(regs[0]!.target.data);
      const hmc = session(w.names, w.users);
      const out = await hmc.check(pollCommand(w.system), { idempotent: true, timeoutMs: queryTimeout });
      const states = new Map<string, string>();
      for (const row of parseFields(out, POLL_FIELDS)) states.set(row.name!, row.state!);
      const result = new Map<string, ObservedState>();
      for (const r of regs) {
        const rw = watchOf(r.target.data);
        result.set(r.target.key, observedOf(states.get(r.target.key), rw.vios.map((v) => states.get(v))));
      }
      return result;
    },
  });
  const close = poller.close.bind(poller);
  poller.close = async () => {
    await close();
    await Promise.all([...sessions.values()].map((s) => s.close()));
  };
  return Object.assign(poller, { sessions });
}
