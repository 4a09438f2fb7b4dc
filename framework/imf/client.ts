/**
 * How imf_register talks to imf_getnotification: one JSON request line on
 * the type's Unix socket, one JSON response line back.
 */
import { connect } from 'node:net';
import { ImfError } from './errors.js';
import { MAX_LINE_BYTES, type Request, type Response } from './protocol.js';

export interface RequestOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Sends one request; throws VCSPVM_IMF_UNAVAILABLE when nothing serves the socket. */
export function imfRequest(socket: string, type: string, req: Request, opts: RequestOptions = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const conn = connect(socket);
    let buf = '';
    let done = false;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      conn.destroy();
      fn();
    };
    const unavailable = (reason: string) => finish(() => reject(new ImfError('VCSPVM_IMF_UNAVAILABLE', { type, socket, reason })));
    const timer = setTimeout(() => unavailable(`no answer within ${opts.timeoutMs ?? 10_000} ms`), opts.timeoutMs ?? 10_000);
    const onAbort = () => unavailable('interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    conn.on('connect', () => conn.write(`${JSON.stringify(req)}\n`));
    conn.on('data', (chunk) => {
      buf += chunk.toString();
      if (buf.length > MAX_LINE_BYTES) return finish(() => reject(new ImfError('VCSPVM_IMF_PROTOCOL', { what: 'response', detail: 'too long' })));
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      finish(() => {
        try {
          resolve(JSON.parse(line) as Response);
        } catch {
          reject(new ImfError('VCSPVM_IMF_PROTOCOL', { what: 'response', detail: `not JSON: ${line.slice(0, 80)}` }));
        }
      });
    });
    conn.on('error', (e: NodeJS.ErrnoException) => unavailable(e.code ?? e.message));
    conn.on('close', () => unavailable('connection closed before an answer'));
  });
}
