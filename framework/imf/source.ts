/**
 * A notification source: what imf_getnotification watches with. It is told
 * which registrations exist and reports what it observes; the daemon
 * compares that with the registered state and notifies the framework.
 * Sources are small modules: a batched poller (batched-poller.ts, and the
 * pollers built on it: WPAR, LPAR over the HMC CLI) or an event feed (the
 * HMC REST event feed in agents/lpar/imf/).
 */
import type { ObservedState, Registration } from './protocol.js';

export type Observe = (resource: string, state: ObservedState) => void;

export interface NotificationSource {
  /** Starts watching; `observe` gets a resource's state whenever the source learns it. */
  start(observe: Observe): void | Promise<void>;
  add(reg: Registration): void;
  remove(resource: string): void;
  /** Stops watching and releases connections. */
  close(): Promise<void>;
}

/** Where sources log (pino's call shape; the agent logger fits). */
export interface SourceLogger {
  debug(obj: object, msg?: string, ...args: unknown[]): void;
  info(obj: object, msg?: string, ...args: unknown[]): void;
  warn(obj: object, msg?: string, ...args: unknown[]): void;
  error(obj: object, msg?: string, ...args: unknown[]): void;
}

export const silentSourceLogger: SourceLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
