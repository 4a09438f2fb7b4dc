/**
 * The two wire formats of IMF.
 *
 * 1. The exposed pipe (fd 3, named by VCS_IMF_PIPE_FD) from IMF entry
 *    points to the agent framework. Text, one line per message, so that a
 *    shell-script agent can speak it with `echo ... >&3`:
 *      imf_register         <id>                         the resource ID
 *      imf_getnotification  READY                        serving registrations
 *                           NOTIFY <id> <resource> <state>      state changed
 *                           RECOVERED <id> <resource> <state>   held since before a restart
 *    state: ONLINE | OFFLINE | UNKNOWN. Resource names never contain blanks.
 *
 * 2. The Unix socket of imf_getnotification, served to imf_register
 *    processes: one JSON object per line each way.
 *      → {"op":"register","resource":R,"state":"online"|"offline","target":{"group":G,"key":K,"data":{...}}}
 *      ← {"ok":true,"id":"7"}
 *      → {"op":"unregister","resource":R}           ← {"ok":true,"id":"7"} (id absent when not registered)
 *      → {"op":"list"}                               ← {"ok":true,"registrations":[...]}
 *      → {"op":"ping"}                               ← {"ok":true,"pid":N,"type":T}
 *      ← {"ok":false,"error":"..."} on any refusal
 *    A registration's target says what to watch: `group` is what one query
 *    covers (an HMC and managed system, a host), `key` the thing within it
 *    (an LPAR name, a WPAR name), `data` whatever else the source needs.
 */

export type WatchState = 'online' | 'offline';
export type ObservedState = WatchState | 'unknown';

export type PipeEvent =
  | { event: 'READY' }
  | { event: 'NOTIFY'; id: string; resource: string; state: ObservedState }
  | { event: 'RECOVERED'; id: string; resource: string; state: WatchState };

const STATE_WORD: Record<ObservedState, string> = { online: 'ONLINE', offline: 'OFFLINE', unknown: 'UNKNOWN' };
const WORD_STATE: Record<string, ObservedState> = { ONLINE: 'online', OFFLINE: 'offline', UNKNOWN: 'unknown' };
const TOKEN = /^[^\s]+$/;

export function formatPipeEvent(e: PipeEvent): string {
  switch (e.event) {
    case 'READY':
      return 'READY';
    case 'NOTIFY':
    case 'RECOVERED':
      return `${e.event} ${e.id} ${e.resource} ${STATE_WORD[e.state]}`;
  }
}

/** Parses one pipe line; undefined for anything else (ignored by the framework). */
export function parsePipeEvent(line: string): PipeEvent | undefined {
  const parts = line.trim().split(/\s+/);
  if (parts[0] === 'READY' && parts.length === 1) return { event: 'READY' };
  if ((parts[0] === 'NOTIFY' || parts[0] === 'RECOVERED') && parts.length === 4) {
    const state = WORD_STATE[parts[3]!.toUpperCase()];
    if (!state) return undefined;
    if (parts[0] === 'RECOVERED') {
      if (state === 'unknown') return undefined;
      return { event: 'RECOVERED', id: parts[1]!, resource: parts[2]!, state };
    }
    return { event: 'NOTIFY', id: parts[1]!, resource: parts[2]!, state };
  }
  return undefined;
}

/** The resource ID imf_register writes: one token. */
export function parseRegisterId(lines: readonly string[]): string | undefined {
  for (const l of lines) {
    const t = l.trim();
    if (TOKEN.test(t)) return t;
  }
  return undefined;
}

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** What a registration watches (see the header). */
export interface WatchTarget {
  group: string;
  key: string;
  data?: { [k: string]: Json };
}

export interface Registration {
  id: string;
  resource: string;
  /** The state the framework registered it in: a different observation is an event. */
  state: WatchState;
  target: WatchTarget;
  /** Epoch ms of registration. */
  since: number;
}

export type Request =
  | { op: 'register'; resource: string; state: WatchState; target: WatchTarget }
  | { op: 'unregister'; resource: string }
  | { op: 'list' }
  | { op: 'ping' };

export type Response =
  | { ok: true; id?: string; registrations?: Registration[]; pid?: number; type?: string }
  | { ok: false; error: string };

const RESOURCE = /^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,254}$/;

/** Checks a request read from the socket; returns an error text for anything malformed. */
export function validateRequest(x: unknown): Request | string {
  if (!x || typeof x !== 'object' || Array.isArray(x)) return 'request is not an object';
  const r = x as Record<string, unknown>;
  switch (r.op) {
    case 'ping':
    case 'list':
      return { op: r.op };
    case 'unregister':
      if (typeof r.resource !== 'string' || !RESOURCE.test(r.resource)) return 'bad resource name';
      return { op: 'unregister', resource: r.resource };
    case 'register': {
      if (typeof r.resource !== 'string' || !RESOURCE.test(r.resource)) return 'bad resource name';
      if (r.state !== 'online' && r.state !== 'offline') return 'state must be online or offline';
      const t = r.target as Record<string, unknown> | undefined;
      if (!t || typeof t !== 'object' || typeof t.group !== 'string' || typeof t.key !== 'string' || !t.group || !t.key) {
        return 'target must have a group and a key';
      }
      if (t.data !== undefined && (typeof t.data !== 'object' || t.data === null || Array.isArray(t.data))) return 'target data must be an object';
      const target: WatchTarget = { group: t.group, key: t.key, ...(t.data ? { data: t.data as { [k: string]: Json } } : {}) };
      return { op: 'register', resource: r.resource, state: r.state, target };
    }
    default:
      return `unknown op ${JSON.stringify(r.op)}`;
  }
}

/** Largest request line accepted (a registration with a big target). */
export const MAX_LINE_BYTES = 64 * 1024;
