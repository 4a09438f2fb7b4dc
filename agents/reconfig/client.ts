/** vcs-reconfig's request over VLAN 123: one connection, one line each way, bounded in time. */
import { connect } from 'node:net';
import { MAX_LINE, PROTOCOL_VERSION, parseReply, type Reply } from './protocol.js';

export type AskResult = { kind: 'reply'; reply: Reply } | { kind: 'failed'; reason: string };

export function ask(endpoint: { host: string; port: number }, partition: string, timeoutMs = 3_000): Promise<AskResult> {
  return new Promise((resolve) => {
    let buf = '';
    let settled = false;
    const done = (r: AskResult) => {
      if (settled) return;
      settled = true;
      sock.destroy();
      resolve(r);
    };
    const sock = connect({ host: endpoint.host, port: endpoint.port });
    sock.setEncoding('utf8');
    sock.setTimeout(timeoutMs, () => done({ kind: 'failed', reason: `no answer within ${timeoutMs} ms` }));
    sock.on('error', (e) => done({ kind: 'failed', reason: e.message }));
    sock.on('connect', () => sock.write(`${JSON.stringify({ v: PROTOCOL_VERSION, op: 'get', partition })}\n`));
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
