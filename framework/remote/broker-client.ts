/**
 * The client side of the connection broker: what a short-lived process does
 * instead of loading ssh2 and logging in. Small on purpose (node:net and a
 * few file checks): a monitor served by a warm broker loads nothing else of
 * framework/remote.
 *
 * brokerRun() answers with what happened, so that the caller can decide:
 *   reply     the broker ran the command (or says why it could not: a typed error)
 *   absent    nothing serves the socket (or a stale one): run directly, start a broker
 *   older     a broker of an older build answered; it retires: run directly, start a new one
 *   unusable  the directory or socket is not safely ours, or the broker refused us: run directly
 *   lost      the broker accepted the command and went away: it may have run
 */
import { lstatSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { SshError } from '../errors.js';
import { checkPrivateDir, currentUid, type BrokerFiles } from './broker-paths.js';
import { LineReader, PROTOCOL_VERSION, type HelloReply, type PingReply, type RunReply, type RunRequest } from './broker-protocol.js';

export interface BrokerTarget {
  files: BrokerFiles;
  /** The profile text (broker-paths.ts). */
  profile: string;
  /** This build's stamp. */
  stamp: number;
}

export type BrokerAttempt =
  | { kind: 'reply'; reply: RunReply; pid: number }
  | { kind: 'absent'; reason: string }
  | { kind: 'older'; reason: string; pid: number }
  | { kind: 'unusable'; reason: string }
  | { kind: 'lost'; reason: string; pid: number };

/** Responses can carry two streams of up to maxOutputBytes each, JSON-escaped. */
const MAX_REPLY_BYTES = 1024 * 1024 * 1024;

/** Why the socket cannot be trusted, or undefined when it can (ours, a socket, in an owner-only directory). */
function distrust(files: BrokerFiles): string | undefined {
  let st;
  try {
    lstatSync(files.dir);
  } catch {
    return 'absent';
  }
  try {
    checkPrivateDir(files.dir, false);
  } catch (e) {
    return (e as Error).message;
  }
  try {
    st = lstatSync(files.socket);
  } catch {
    return 'absent';
  }
  if (!st.isSocket()) return `${files.socket} is not a socket`;
  const uid = currentUid();
  if (uid >= 0 && st.uid !== uid) return `${files.socket} belongs to uid ${st.uid}`;
  return undefined;
}

function readToken(files: BrokerFiles): string | undefined {
  try {
    return readFileSync(files.token, 'utf8').trim();
  } catch {
    return undefined;
  }
}

interface Exchange {
  /** Resolves with the broker's lines after the hello, or how the exchange ended. */
  lines: string[];
  hello?: HelloReply;
  end: 'complete' | 'closed' | 'error' | 'guard';
  error?: NodeJS.ErrnoException;
}

/**
 * One connection: hello, then `request`; collects lines until `want` lines
 * after the hello arrived, the connection ends, or `guardMs` passes. Closing
 * the connection (abort, guard) cancels the command on the broker's side.
 */
function exchange(target: BrokerTarget, token: string, request: object, want: number, guardMs: number, signal: AbortSignal | undefined, onAbort: () => Error): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const sock = connect(target.files.socket);
    const reader = new LineReader(MAX_REPLY_BYTES);
    const result: Exchange = { lines: [], end: 'closed' };
    let done = false;
    const finish = (end: Exchange['end'], error?: NodeJS.ErrnoException): void => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      signal?.removeEventListener('abort', abort);
      sock.destroy();
      result.end = end;
      if (error) result.error = error;
      resolve(result);
    };
    const abort = (): void => {
      if (done) return;
      done = true;
      clearTimeout(guard);
      sock.destroy();
      reject(onAbort());
    };
    const guard = setTimeout(() => finish('guard'), guardMs);
    signal?.addEventListener('abort', abort, { once: true });
    sock.on('connect', () => {
      const hello = { op: 'hello', protocol: PROTOCOL_VERSION, stamp: target.stamp, profile: target.profile, token };
      sock.write(`${JSON.stringify(hello)}\n${JSON.stringify(request)}\n`);
    });
    sock.on('data', (chunk: Buffer) => {
      let lines: string[];
      try {
        lines = reader.push(chunk);
      } catch {
        finish('error', Object.assign(new Error('reply too long'), { code: 'EMSGSIZE' }));
        return;
      }
      for (const line of lines) {
        if (!result.hello) {
          try {
            result.hello = JSON.parse(line) as HelloReply;
          } catch {
            finish('error', Object.assign(new Error('hello reply is not JSON'), { code: 'EPROTO' }));
            return;
          }
          if (!result.hello.ok) return finish('complete');
          continue;
        }
        result.lines.push(line);
        if (result.lines.length >= want) return finish('complete');
      }
    });
    sock.on('error', (e: NodeJS.ErrnoException) => finish('error', e));
    sock.on('close', () => finish('closed'));
  });
}

function refusal(h: HelloReply, files: BrokerFiles): BrokerAttempt {
  switch (h.reason) {
    case 'older':
      return { kind: 'older', pid: h.pid, reason: `broker pid ${h.pid} is of an older build; it retires` };
    case 'retiring':
      return { kind: 'absent', reason: `broker pid ${h.pid} is retiring` };
    case 'busy':
      return { kind: 'unusable', reason: `broker pid ${h.pid} is busy` };
    default:
      return { kind: 'unusable', reason: `broker pid ${h.pid} on ${files.socket} refused the hello (${h.reason ?? 'no reason'})` };
  }
}

/** Runs `request` through the broker of `target`, if one serves (see the module comment). */
export async function brokerRun(target: BrokerTarget, request: RunRequest, opts: { guardMs: number; signal?: AbortSignal; onAbort: () => Error }): Promise<BrokerAttempt> {
  const { files } = target;
  const why = distrust(files);
  if (why === 'absent') return { kind: 'absent', reason: `no broker socket ${files.socket}` };
  if (why) return { kind: 'unusable', reason: why };
  const token = readToken(files);
  if (token === undefined) return { kind: 'absent', reason: `no token beside ${files.socket}` };
  const x = await exchange(target, token, request, 1, opts.guardMs, opts.signal, opts.onAbort);
  if (!x.hello) {
    // Nothing was accepted: nothing ran.
    const code = x.error?.code;
    if (code === 'ECONNREFUSED' || code === 'ENOENT') return { kind: 'absent', reason: `stale socket ${files.socket} (${code})` };
    if (code === 'EACCES' || code === 'EPERM') return { kind: 'unusable', reason: `${files.socket}: ${code}` };
    return { kind: 'absent', reason: `broker on ${files.socket} did not answer the hello (${x.end}${code ? ` ${code}` : ''})` };
  }
  if (!x.hello.ok) return refusal(x.hello, files);
  const pid = x.hello.pid;
  if (x.lines.length === 0) {
    const reason = x.end === 'guard' ? `no answer within ${opts.guardMs} ms` : `connection ${x.end}${x.error?.code ? ` (${x.error.code})` : ''}`;
    return { kind: 'lost', pid, reason };
  }
  try {
    return { kind: 'reply', pid, reply: JSON.parse(x.lines[0]!) as RunReply };
  } catch {
    return { kind: 'lost', pid, reason: 'the reply is not JSON' };
  }
}

/**
 * Asks the broker serving `files` who it is (any build, any profile: the token
 * file is what proves we may ask); undefined when none answers.
 */
export async function brokerPing(files: BrokerFiles, timeoutMs = 2000): Promise<PingReply | undefined> {
  return control(files, 'ping', timeoutMs);
}

/** Asks the broker serving `files` to retire: it stops accepting, finishes what runs, and exits. */
export async function brokerRetire(files: BrokerFiles, timeoutMs = 2000): Promise<PingReply | undefined> {
  return control(files, 'retire', timeoutMs);
}

async function control(files: BrokerFiles, op: 'ping' | 'retire', timeoutMs: number): Promise<PingReply | undefined> {
  if (distrust(files)) return undefined;
  const token = readToken(files);
  if (token === undefined) return undefined;
  try {
    const x = await exchange({ files, profile: '', stamp: 0 }, token, { op }, 1, timeoutMs, undefined, () => new Error('aborted'));
    if (!x.hello?.ok || x.lines.length === 0) return undefined;
    const r = JSON.parse(x.lines[0]!) as PingReply;
    return r.op === 'pong' ? r : undefined;
  } catch {
    return undefined;
  }
}

export function brokerLostError(files: BrokerFiles, what: string, reason: string): SshError {
  return new SshError('VCSPVM_SSH_BROKER_LOST', { socket: files.socket, what, reason });
}
