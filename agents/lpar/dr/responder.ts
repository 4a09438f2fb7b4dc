/**
 * The responder: the management LPAR's end of the DR VLAN. It answers a
 * guest's request (agents/reconfig/protocol.ts) with the settings online
 * recorded for that partition, and with nothing for any other. It reads the
 * served files at each request, so online and offline change what it serves
 * without restarting it; it exits when nothing is served any more (SIGHUP
 * asks it to look now), on SIGTERM, or when its directory goes away.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { writeFileAtomic } from '../../../framework/fs.js';
import { MAX_LINE, PROTOCOL_VERSION, parseRequest, type Reply } from '../../reconfig/protocol.js';
import { readJsonFile, servedFile, servedPartitions, type DrPaths, type ResponderInfo, type Served } from './paths.js';

/** A guest that connects must ask within this time. */
const REQUEST_TIMEOUT_MS = 5_000;
/** How often the responder checks that it still has something to serve. */
const IDLE_CHECK_MS = 10_000;

export interface ResponderOptions {
  paths: DrPaths;
  host: string;
  port: number;
  /** File to publish the address in (the simulation's VLAN 123), if any. */
  publish?: string;
}

function logLine(paths: DrPaths, text: string): void {
  try {
    appendFileSync(paths.log, `${new Date().toISOString()} [${process.pid}] ${text}\n`, { mode: 0o600 });
  } catch {
    // The log is a convenience; serving goes on without it.
  }
}

export function answer(paths: DrPaths, line: string, peer: string): Reply {
  const req = parseRequest(line);
  if (typeof req === 'string') {
    logLine(paths, `refused a request from ${peer}: ${req}`);
    return { v: PROTOCOL_VERSION, status: 'bad-request', detail: req };
  }
  const served = readJsonFile<Served>(servedFile(paths, req.partition));
  if (!served || served.partition !== req.partition) {
    logLine(paths, `${peer} asked for ${req.partition}: not served here`);
    return { v: PROTOCOL_VERSION, status: 'unknown-partition' };
  }
  logLine(paths, `sent the DR network settings of ${req.partition} (resource ${served.resource}) to ${peer}`);
  return { v: PROTOCOL_VERSION, status: 'ok', partition: req.partition, settings: served.settings };
}

function handle(paths: DrPaths, sock: Socket): void {
  const peer = `${sock.remoteAddress}:${sock.remotePort}`;
  let buf = '';
  sock.setEncoding('utf8');
  sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buf += chunk;
    const nl = buf.indexOf('\n');
    if (nl < 0 && buf.length <= MAX_LINE) return;
    const line = nl < 0 ? '' : buf.slice(0, nl);
    sock.removeAllListeners('data');
    const reply = nl < 0 ? { v: PROTOCOL_VERSION, status: 'bad-request' as const, detail: 'request too long' } : answer(paths, line, peer);
    sock.end(`${JSON.stringify(reply)}\n`);
  });
}

/** Serves until told to stop; resolves when it has stopped. */
export async function runResponder(o: ResponderOptions): Promise<void> {
  const { paths } = o;
  const server: Server = createServer((s) => handle(paths, s));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  const info: ResponderInfo = { pid: process.pid, host: o.host, port, ...(o.publish ? { publish: o.publish } : {}) };
  writeFileAtomic(paths.pid, `${JSON.stringify(info)}\n`, { mode: 0o600, backup: false, fsync: false });
  if (o.publish) writeFileAtomic(o.publish, `${JSON.stringify({ v: PROTOCOL_VERSION, host: o.host === '0.0.0.0' ? '127.0.0.1' : o.host, port })}\n`, { backup: false, fsync: false });
  logLine(paths, `listening on ${o.host}:${port}${o.publish ? ` (published in ${o.publish})` : ''}`);

  await new Promise<void>((resolve) => {
    let done = false;
    const stop = (why: string) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      logLine(paths, `stops: ${why}`);
      // Only our own pid file: a successor may already have written its own.
      if (readJsonFile<ResponderInfo>(paths.pid)?.pid === process.pid) rmSync(paths.pid, { force: true });
      if (o.publish && existsSync(o.publish)) {
        const mine = readFileSync(o.publish, 'utf8').includes(`"port":${port}`);
        if (mine) rmSync(o.publish, { force: true });
      }
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
