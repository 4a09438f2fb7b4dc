/**
 * The responder: the management LPAR's end of VLAN 123. It listens on the
 * well-known address only (MANAGEMENT_ADDRESS:DEFAULT_PORT, which online
 * configured on the VLAN 123 interface) and answers a guest's request
 * (agents/reconfig/protocol.ts) with the settings recorded for that
 * partition — only when the request verifies with that partition's key,
 * is fresh (time within REPLAY_WINDOW_S, nonce never seen), and names the
 * partition ID and managed system it runs with here. It reads the served
 * files and keys at each request, so online, monitor, attr_changed and
 * offline change what it serves without restarting it; it exits when
 * nothing is served any more (SIGHUP asks it to look now), on SIGTERM, or
 * when its directory goes away. Every answer and refusal is one line of
 * responder.log; keys and MACs never are.
 */
import { appendFileSync, existsSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { isVcsPowervmError } from '../../../framework/errors.js';
import { writeFileAtomic } from '../../../framework/fs.js';
import { readKey } from '../../reconfig/keys.js';
import { MAX_LINE, parseRequest, PROTOCOL_VERSION, REPLAY_WINDOW_S, requestMacValid, signReply, type ErrorStatus, type Reply } from '../../reconfig/protocol.js';
import type { Transport } from '../../reconfig/transport.js';
import { readJsonFile, servedFile, servedPartitions, type DrPaths, type ResponderInfo, type Served } from './paths.js';

/** A guest that connects must ask within this time. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How often the responder checks that it still has something to serve. */
const IDLE_CHECK_MS = 10_000;

export interface ResponderOptions {
  paths: DrPaths;
  /** The keys, one `<partition>.key` per partition. */
  keys: string;
  /** This management LPAR's name (in replies). */
  management: string;
  /** This managed system's systemid, as the guests read it (lsattr -E -l sys0 -a systemid). */
  systemid: string;
  host: string;
  port: number;
  transport: Transport;
  now?: () => number;
}

function logLine(paths: DrPaths, text: string): void {
  try {
    appendFileSync(paths.log, `${new Date().toISOString()} [${process.pid}] ${text}\n`, { mode: 0o600 });
  } catch {
    // The log is a convenience; serving goes on without it.
  }
}

/** Nonces seen within the replay window. */
export class NonceCache {
  private readonly seen = new Map<string, number>();

  /** Whether the nonce is new (and remembers it until `expires`). */
  fresh(nonce: string, now: number, expires: number): boolean {
    for (const [n, t] of this.seen) if (t < now) this.seen.delete(n);
    if (this.seen.has(nonce)) return false;
    this.seen.set(nonce, expires);
    return true;
  }
}

export function answer(o: ResponderOptions, nonces: NonceCache, line: string, peer: string): Reply {
  const { paths } = o;
  const refuse = (status: ErrorStatus, detail: string, why = detail): Reply => {
    logLine(paths, `refused ${peer}: ${why}`);
    return { v: PROTOCOL_VERSION, status, detail };
  };
  const req = parseRequest(line);
  if (typeof req === 'string') return refuse('bad-request', req);
  const served = readJsonFile<Served>(servedFile(paths, req.partition));
  if (!served || served.partition !== req.partition) return refuse('unknown-partition', `${req.partition} is not served here`);
  let key: Buffer;
  try {
    key = readKey(join(o.keys, `${req.partition}.key`));
  } catch (e) {
    if (!isVcsPowervmError(e)) throw e;
    return refuse('denied', 'this management LPAR has no usable key for the partition', `${req.partition}: ${e.message}`);
  }
  if (!requestMacValid(key, req)) return refuse('denied', 'the request does not verify (HMAC-SHA256): the guest\'s key is not this partition\'s key here', `${req.partition}: the request's HMAC does not verify with its key (a wrong key on the guest?)`);
  const now = Math.floor((o.now ?? Date.now)() / 1000);
  if (Math.abs(now - req.time) > REPLAY_WINDOW_S) return refuse('denied', `the request's time is ${req.time - now} s from this management LPAR's clock (more than ${REPLAY_WINDOW_S} s)`);
  if (!nonces.fresh(req.nonce, now, now + 2 * REPLAY_WINDOW_S)) return refuse('denied', 'the request was already answered (a replay)', `${req.partition}: a replayed request`);
  if (req.id !== served.lparId) return refuse('denied', `partition ID ${req.id} is not the ID of ${req.partition} on ${served.system} (${served.lparId})`);
  if (req.systemid !== o.systemid) return refuse('denied', `managed system ${req.systemid} is not this one (${o.systemid})`);
  logLine(paths, `sent the DR network settings of ${req.partition} (ID ${req.id}, resource ${served.resource}) to ${peer}`);
  return signReply(key, { partition: req.partition, id: req.id, systemid: o.systemid, management: o.management, nonce: req.nonce, time: now, settings: served.settings });
}

function handle(o: ResponderOptions, nonces: NonceCache, sock: Socket): void {
  const peer = `${sock.remoteAddress ?? '?'}:${sock.remotePort ?? '?'}`;
  let buf = '';
  sock.setEncoding('utf8');
  sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0 && buf.length <= MAX_LINE) return;
    sock.removeAllListeners('data');
    const reply: Reply = nl < 0 ? { v: PROTOCOL_VERSION, status: 'bad-request', detail: 'request too long' } : answer(o, nonces, buf.slice(0, nl), peer);
    sock.end(`${JSON.stringify(reply)}\n`);
  });
}

/** Serves until told to stop; resolves when it has stopped. */
export async function runResponder(o: ResponderOptions): Promise<void> {
  const { paths } = o;
  const nonces = new NonceCache();
  const server: Server = createServer((s) => handle(o, nonces, s));
  const withdraw = await o.transport.listen(server, o.host, o.port);
  const info: ResponderInfo = { pid: process.pid, host: o.host, port: o.port };
  writeFileAtomic(paths.pid, `${JSON.stringify(info)}\n`, { mode: 0o600, backup: false, fsync: false });
  logLine(paths, `listening on ${o.host}:${o.port} (VLAN 123) for ${o.management} on ${o.systemid}`);

  await new Promise<void>((resolve) => {
    let done = false;
    const stop = (why: string) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      logLine(paths, `stops: ${why}`);
      withdraw();
      // Only our own pid file: a successor may already have written its own.
      if (readJsonFile<ResponderInfo>(paths.pid)?.pid === process.pid) rmSync(paths.pid, { force: true });
      server.close(() => resolve());
      setTimeout(resolve, 2_000).unref();
    };
    const idle = () => {
      if (!existsSync(paths.dir)) stop('its directory is gone');
      else if (servedPartitions(paths).length === 0) stop('no partition is served any more');
    };
    const timer = setInterval(idle, IDLE_CHECK_MS);
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGHUP', idle);
  });
}
