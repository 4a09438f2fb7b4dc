/**
 * The VLAN 123 protocol between the LPAR agent's responder (management LPAR)
 * and vcs-reconfig (managed LPAR): one JSON line each way over TCP.
 *
 *   request  {"v":1,"op":"get","partition":"NAME"}
 *   reply    {"v":1,"status":"ok","partition":"NAME","settings":{DROpts keys}}
 *            {"v":1,"status":"unknown-partition"}   not served here (other partition, ConfigureNetwork 0)
 *            {"v":1,"status":"bad-request","detail":"..."}
 *
 * A peer answers a version it does not speak with bad-request; nothing else
 * is ever sent, so the settings reach only the partition that asked by name
 * and that this management LPAR serves.
 */
export const PROTOCOL_VERSION = 1;
/** The responder's TCP port unless VCSPVM_DR_LISTEN says otherwise. */
export const DEFAULT_PORT = 14123;
/** Requests and replies are small; anything longer is not ours. */
export const MAX_LINE = 8192;

export interface GetRequest {
  v: number;
  op: 'get';
  partition: string;
}

export type Reply =
  | { v: number; status: 'ok'; partition: string; settings: Record<string, string> }
  | { v: number; status: 'unknown-partition' }
  | { v: number; status: 'bad-request'; detail: string };

const PARTITION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,46}$/;

/** Parses a request line; a string says what is wrong. */
export function parseRequest(line: string): GetRequest | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'the request is not JSON';
  }
  if (!o || typeof o !== 'object') return 'the request is not an object';
  const r = o as Record<string, unknown>;
  if (r.v !== PROTOCOL_VERSION) return `protocol version ${JSON.stringify(r.v)} is not spoken here (${PROTOCOL_VERSION} is)`;
  if (r.op !== 'get') return `unknown op ${JSON.stringify(r.op)}`;
  if (typeof r.partition !== 'string' || !PARTITION.test(r.partition)) return 'partition is not a partition name';
  return { v: PROTOCOL_VERSION, op: 'get', partition: r.partition };
}

/** Parses a reply line; undefined when it is not a reply of this protocol. */
export function parseReply(line: string): Reply | undefined {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    if (!o || o.v !== PROTOCOL_VERSION) return undefined;
    if (o.status === 'ok' && typeof o.partition === 'string' && o.settings && typeof o.settings === 'object') return o as Reply;
    if (o.status === 'unknown-partition') return { v: PROTOCOL_VERSION, status: 'unknown-partition' };
    if (o.status === 'bad-request') return { v: PROTOCOL_VERSION, status: 'bad-request', detail: String(o.detail ?? '') };
    return undefined;
  } catch {
    return undefined;
  }
}

/** `host:port` → its parts; undefined when it is not one. */
export function parseEndpoint(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
