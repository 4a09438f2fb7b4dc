/** vcs-reconfig's request over VLAN 123: one connection, one line each way, bounded in time. */
import { MAX_LINE, parseReply, type GetRequest, type Reply } from './protocol.js';
import type { Transport } from './transport.js';

export type AskResult = { kind: 'reply'; reply: Reply } | { kind: 'failed'; reason: string; code?: string };

export function ask(transport: Transport, endpoint: { host: string; port: number }, request: GetRequest, timeoutMs = 3_000): Promise<AskResult> {
  return new Promise((resolve) => {
    let buf = '';
    let settled = false;
    const sock = transport.connect(endpoint.host, endpoint.port);
    const done = (r: AskResult) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve(r);
    };
    sock.setEncoding('utf8');
    sock.setTimeout(timeoutMs, () => done({ kind: 'failed', reason: `no answer within ${timeoutMs} ms`, code: 'ETIMEDOUT' }));
    sock.on('error', (e: NodeJS.ErrnoException) => done({ kind: 'failed', reason: e.code ?? e.message, ...(e.code ? { code: e.code } : {}) }));
    sock.on('connect', () => sock.write(`${JSON.stringify(request)}\n`));
    sock.on('data', (d: string) => {
      buf += d;
      if (buf.length > MAX_LINE) return done({ kind: 'failed', reason: 'the reply is too long' });
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const reply = parseReply(buf.slice(0, nl));
      done(reply ? { kind: 'reply', reply } : { kind: 'failed', reason: 'the reply is not of this protocol' });
    });
    sock.on('end', () => done({ kind: 'failed', reason: 'closed without a reply' }));
  });
}
