/**
 * The connection broker's wire protocol: newline-delimited JSON on a Unix
 * stream socket, one connection per command.
 *
 *   client → broker   {"op":"hello","protocol":1,"stamp":N,"profile":"...","token":"..."}
 *                     {"op":"run", endpoints, connection, argv | command, timeoutMs,
 *                      maxOutputBytes, idempotent, sensitive}   (or {"op":"ping"}, {"op":"retire"})
 *   broker → client   {"op":"hello","ok":true,"protocol":1,"stamp":N,"pid":P}
 *                     {"op":"result","result":{...},"logs":[...]} | {"op":"error","error":{...},"logs":[...]}
 *
 * The client sends both lines at once and the broker answers the hello
 * knowing the request. The hello is the same in every version (so that
 * builds can tell each other apart): `token` proves the client can read the
 * owner-only token file; for a run, `profile` must equal the broker's (the
 * security settings it was started with) and `stamp` orders builds: a newer
 * client makes an older broker retire. ping and retire need the token only.
 * A client closing its connection cancels its command. A run request carries no security setting (no known_hosts file,
 * no StrictHostKeyChecking, no ssh config, no key, no password): those are the
 * broker's own, fixed when it started, and a request naming one is refused.
 */
import { SshError, VcsPowervmError, ERROR_TABLE, type ErrorCode, type ErrorParams } from '../errors.js';
import { NoEndpointError, type Endpoint, type EndpointFailure, type RunResult } from './types.js';

export const PROTOCOL_VERSION = 1;
/** Requests are short (a command line); anything longer is refused. */
export const MAX_REQUEST_BYTES = 1024 * 1024;
/** Log records carried back per command, at most. */
export const MAX_LOG_RECORDS = 200;

export interface Hello {
  op: 'hello';
  protocol: number;
  stamp: number;
  profile: string;
  token: string;
}

export type HelloRefusal = 'token' | 'profile' | 'protocol' | 'older' | 'retiring' | 'busy';

export interface HelloReply {
  op: 'hello';
  ok: boolean;
  protocol: number;
  stamp: number;
  pid: number;
  reason?: HelloRefusal;
}

/** Settings of the pooled connection a command uses (none of them touches security). */
export interface ConnectionTunables {
  connectTimeoutMs?: number;
  readyTimeoutMs?: number;
  maxChannels?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  failbackMs?: number;
}

export interface RunRequest {
  op: 'run';
  endpoints: Endpoint[];
  connection: ConnectionTunables;
  argv?: string[];
  command?: string;
  timeoutMs?: number;
  maxOutputBytes?: number;
  idempotent?: boolean;
  sensitive?: boolean;
}

export interface ControlRequest {
  op: 'ping' | 'retire';
}

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export interface WireError {
  code: string;
  params: ErrorParams;
  failures?: Array<{ endpoint: string; error: WireError }>;
}

export type RunReply =
  | { op: 'result'; result: RunResult; logs: LogRecord[] }
  | { op: 'error'; error: WireError; logs: LogRecord[] };

export interface PingReply {
  op: 'pong';
  pid: number;
  stamp: number;
  protocol: number;
  active: number;
  served: number;
  socket: string;
}

/* ---------- requests: checked field by field, nothing unknown accepted ---------- */

const RUN_FIELDS = new Set(['op', 'endpoints', 'connection', 'argv', 'command', 'timeoutMs', 'maxOutputBytes', 'idempotent', 'sensitive']);
const TUNABLES = ['connectTimeoutMs', 'readyTimeoutMs', 'maxChannels', 'keepaliveIntervalMs', 'keepaliveCountMax', 'failbackMs'] as const;
const DAY_MS = 24 * 3600 * 1000;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intIn(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

export function parseHello(v: unknown): Hello | string {
  if (!isObject(v) || v.op !== 'hello') return 'the first request must be hello';
  if (!intIn(v.protocol, 1, 1_000_000)) return 'hello: bad protocol';
  if (typeof v.stamp !== 'number' || !Number.isFinite(v.stamp)) return 'hello: bad stamp';
  if (typeof v.profile !== 'string' || typeof v.token !== 'string') return 'hello: profile and token are required';
  return { op: 'hello', protocol: v.protocol, stamp: v.stamp, profile: v.profile, token: v.token };
}

/** A run request, or why it is refused. */
export function parseRunRequest(v: unknown): RunRequest | string {
  if (!isObject(v) || v.op !== 'run') return 'not a run request';
  for (const k of Object.keys(v)) {
    if (!RUN_FIELDS.has(k)) return `unknown field ${JSON.stringify(k)} (security settings are the broker's own)`;
  }
  if (!Array.isArray(v.endpoints) || v.endpoints.length === 0 || v.endpoints.length > 64) return 'endpoints: 1 to 64 expected';
  const endpoints: Endpoint[] = [];
  for (const e of v.endpoints) {
    if (!isObject(e)) return 'endpoints: objects expected';
    for (const k of Object.keys(e)) if (k !== 'host' && k !== 'user' && k !== 'port') return `endpoints: unknown field ${JSON.stringify(k)}`;
    if (typeof e.host !== 'string') return 'endpoints: host must be a string';
    if (e.user !== undefined && typeof e.user !== 'string') return 'endpoints: user must be a string';
    if (e.port !== undefined && !intIn(e.port, 1, 65535)) return 'endpoints: port must be 1-65535';
    endpoints.push({ host: e.host, ...(e.user !== undefined ? { user: e.user as string } : {}), ...(e.port !== undefined ? { port: e.port as number } : {}) });
  }
  const connection: ConnectionTunables = {};
  if (v.connection !== undefined) {
    if (!isObject(v.connection)) return 'connection: object expected';
    for (const k of Object.keys(v.connection)) {
      if (!(TUNABLES as readonly string[]).includes(k)) return `connection: unknown field ${JSON.stringify(k)} (security settings are the broker's own)`;
      const n = v.connection[k];
      if (!intIn(n, 0, DAY_MS)) return `connection: ${k} must be an integer from 0 to ${DAY_MS}`;
      connection[k as (typeof TUNABLES)[number]] = n;
    }
  }
  const req: RunRequest = { op: 'run', endpoints, connection };
  if (v.argv !== undefined) {
    if (!Array.isArray(v.argv) || v.argv.length === 0 || v.argv.length > 65_536 || !v.argv.every((a) => typeof a === 'string')) return 'argv: a non-empty list of strings expected';
    req.argv = v.argv as string[];
  }
  if (v.command !== undefined) {
    if (typeof v.command !== 'string') return 'command: a string expected';
    req.command = v.command;
  }
  if ((req.argv === undefined) === (req.command === undefined)) return 'exactly one of argv and command expected';
  if (v.timeoutMs !== undefined) {
    if (!intIn(v.timeoutMs, 1, DAY_MS)) return 'timeoutMs: 1 ms to a day';
    req.timeoutMs = v.timeoutMs;
  }
  if (v.maxOutputBytes !== undefined) {
    if (!intIn(v.maxOutputBytes, 0, 1024 * 1024 * 1024)) return 'maxOutputBytes: 0 to 1 GiB';
    req.maxOutputBytes = v.maxOutputBytes;
  }
  for (const k of ['idempotent', 'sensitive'] as const) {
    if (v[k] !== undefined) {
      if (typeof v[k] !== 'boolean') return `${k}: a boolean expected`;
      req[k] = v[k] as boolean;
    }
  }
  return req;
}

/* ---------- errors across the socket: the same typed error on both sides ---------- */

export function encodeError(e: unknown): WireError {
  if (e instanceof NoEndpointError) {
    return { code: e.code, params: e.params, failures: e.failures.map((f) => ({ endpoint: f.endpoint, error: encodeError(f.error) })) };
  }
  if (e instanceof VcsPowervmError) return { code: e.code, params: e.params };
  return { code: 'VCSPVM_INTERNAL', params: { detail: e instanceof Error ? e.message : String(e) } };
}

export function decodeError(w: WireError): VcsPowervmError {
  if (!(w.code in ERROR_TABLE)) {
    return new SshError('VCSPVM_SSH_BROKER_PROTOCOL', { socket: 'broker', detail: `unknown error code ${w.code}` });
  }
  const code = w.code as ErrorCode;
  if (code === 'VCSPVM_SSH_NO_ENDPOINT' && Array.isArray(w.failures)) {
    const failures: EndpointFailure[] = w.failures.map((f) => ({ endpoint: f.endpoint, error: decodeError(f.error) }));
    return new NoEndpointError(failures);
  }
  return code.startsWith('VCSPVM_SSH_') ? new SshError(code, w.params) : new VcsPowervmError(code, w.params);
}

/* ---------- framing ---------- */

/** Splits a byte stream into lines; keeps at most `limit` bytes of an unfinished line. */
export class LineReader {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  /** The complete lines in `chunk` (and before it); throws RangeError when a line is over the limit. */
  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10); nl >= 0; nl = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, nl);
      const line = this.chunks.length === 0 ? piece : Buffer.concat([...this.chunks, piece]);
      this.chunks = [];
      this.size = 0;
      lines.push(line.toString('utf8'));
      start = nl + 1;
    }
    if (start < chunk.length) {
      this.chunks.push(chunk.subarray(start));
      this.size += chunk.length - start;
      if (this.size > this.limit) throw new RangeError('line too long');
    }
    return lines;
  }
}
