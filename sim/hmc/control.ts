/**
 * The control socket: a Unix socket, owner-only, speaking JSON lines.
 *   request   {"command": "lpar-crash", "args": ["sys1", "lpar05"]}
 *   response  {"ok": true, "result": ...}  or  {"ok": false, "error": "..."}
 * Several requests may share one connection; each gets one response line.
 */
import { chmodSync, existsSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { ControlError, type Simulator } from './simulator.js';

/** Requests larger than this are refused (a request is a command and a few words). */
const MAX_REQUEST = 64 * 1024;

export interface ControlResponse {
  ok: boolean;
  result?: unknown;
  error?: string;
}

export async function listenControl(path: string, sim: Simulator): Promise<Server> {
  if (existsSync(path)) {
    if (!lstatSync(path).isSocket()) throw new ControlError('listen', `${path} exists and is not a socket`);
    if (await answers(path)) throw new ControlError('listen', `${path} is in use by another simulator`);
    unlinkSync(path);
  }
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => undefined);
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST) {
        sock.end(JSON.stringify({ ok: false, error: 'request too large' }) + '\n');
        return;
      }
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (line) void handle(line).then((r) => sock.writable && sock.write(JSON.stringify(r) + '\n'));
      }
    });
  });
  const handle = async (line: string): Promise<ControlResponse> => {
    let req: { command?: unknown; args?: unknown };
    try {
      req = JSON.parse(line) as typeof req;
    } catch {
      return { ok: false, error: 'request is not JSON' };
    }
    if (typeof req.command !== 'string' || (req.args !== undefined && !(Array.isArray(req.args) && req.args.every((x) => typeof x === 'string')))) {
      return { ok: false, error: 'request needs "command" (string) and "args" (array of strings)' };
    }
    try {
      return { ok: true, result: await sim.control(req.command, (req.args as string[] | undefined) ?? []) };
    } catch (e) {
      return { ok: false, error: e instanceof ControlError ? e.message : String(e) };
    }
  };
  // Owner-only from the start: no window in which another user could connect.
  const old = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(path, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(old);
  }
  chmodSync(path, 0o600);
  server.on('error', () => undefined);
  return server;
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Sends one request and returns the response (the `hmcsim ctl` client). */
export function ctlRequest(path: string, command: string, args: string[], timeoutMs = 30_000): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new ControlError(command, `no answer from ${path} within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.once('connect', () => sock.write(JSON.stringify({ command, args }) + '\n'));
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      sock.end();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as ControlResponse);
      } catch {
        reject(new ControlError(command, 'the simulator sent an unreadable answer'));
      }
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(new ControlError(command, `cannot reach ${path}: ${e.message}`));
    });
  });
}
