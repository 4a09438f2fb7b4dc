/**
 * The VLAN 123 protocol between the LPAR agent's responder (management
 * LPAR) and vcs-reconfig (managed LPAR): one JSON line each way over TCP,
 * both lines authenticated with HMAC-SHA256 under the partition's shared
 * key (keys.ts).
 *
 *   request  {"v":2,"op":"get","partition":NAME,"id":N,"systemid":S,"nonce":HEX,"time":SECONDS,"mac":HEX}
 *   reply    {"v":2,"status":"ok","partition":NAME,"id":N,"systemid":S,"management":MGMT,
 *             "nonce":(the request's),"time":SECONDS,"settings":{DROpts keys},"mac":HEX}
 *            {"v":2,"status":"unknown-partition"|"denied"|"bad-request","detail":"..."}   (not authenticated)
 *
 * The guest sends its partition name and number (lparstat -i) and its
 * managed system's systemid (lsattr -El sys0); the responder answers only a
 * partition it serves, whose number and managed system match, with a valid
 * MAC, a time within REPLAY_WINDOW_S of its own and a nonce it has not seen.
 * The guest applies only an `ok` reply with a valid MAC, its own nonce, name,
 * number and systemid. Anything else changes nothing.
 *
 * Addresses (docs/dr.md): the management LPAR's VLAN 123 interface is
 * MANAGEMENT_ADDRESS/VLAN_NETMASK, the responder listens there only, on
 * DEFAULT_PORT; a booting guest takes guestAddress(its partition ID) for the
 * time of its request.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const PROTOCOL_VERSION = 2;
export const DR_VLAN_ID = 123;
/** Link-local (RFC 3927), on a VLAN no Shared Ethernet Adapter bridges: never routed, the same on every managed system. */
export const MANAGEMENT_ADDRESS = '169.254.123.1';
export const VLAN_NETMASK = '255.255.0.0';
export const DEFAULT_PORT = 14123;
/** Requests and replies are small; anything longer is not ours. */
export const MAX_LINE = 8192;
/** How far apart the two clocks may be, and how long a nonce is remembered. */
export const REPLAY_WINDOW_S = 300;

/**
 * The guest's address on VLAN 123 while it asks: 169.254.<1 + ID / 256>.<ID % 256>,
 * unique per managed system (partition IDs are), never MANAGEMENT_ADDRESS
 * (IDs stay far below 31233) nor in 169.254.0.0/24 or 169.254.255.0/24 (RFC 3927 reserves them).
 */
export function guestAddress(lparId: number): string {
  if (!Number.isInteger(lparId) || lparId < 1 || lparId > 30_000) throw new RangeError(`partition ID ${lparId} is not one`);
  return `169.254.${1 + (lparId >> 8)}.${lparId & 255}`;
}

export interface GetRequest {
  v: number;
  op: 'get';
  partition: string;
  id: number;
  systemid: string;
  nonce: string;
  time: number;
  mac: string;
}

export interface OkReply {
  v: number;
  status: 'ok';
  partition: string;
  id: number;
  systemid: string;
  management: string;
  nonce: string;
  time: number;
  settings: Record<string, string>;
  mac: string;
}

export type ErrorStatus = 'unknown-partition' | 'denied' | 'bad-request';
export interface ErrorReply {
  v: number;
  status: ErrorStatus;
  detail: string;
}

export type Reply = OkReply | ErrorReply;

const PARTITION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,46}$/;
const HEX = /^[0-9a-f]+$/;

function hmac(key: Buffer, fields: readonly unknown[]): string {
  return createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex');
}

function sameMac(a: string, b: string): boolean {
  if (!HEX.test(a) || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

const requestFields = (r: Omit<GetRequest, 'mac'>) => ['vcs-reconfig request', r.v, r.op, r.partition, r.id, r.systemid, r.nonce, r.time];
const replyFields = (r: Omit<OkReply, 'mac'>) => [
  'vcs-reconfig reply', r.v, r.status, r.partition, r.id, r.systemid, r.management, r.nonce, r.time,
  Object.entries(r.settings).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
];

export function newNonce(): string {
  return randomBytes(16).toString('hex');
}

export function signRequest(key: Buffer, r: Omit<GetRequest, 'mac' | 'v' | 'op'>): GetRequest {
  const body = { v: PROTOCOL_VERSION, op: 'get' as const, ...r };
  return { ...body, mac: hmac(key, requestFields(body)) };
}

export function requestMacValid(key: Buffer, r: GetRequest): boolean {
  return sameMac(r.mac, hmac(key, requestFields(r)));
}

export function signReply(key: Buffer, r: Omit<OkReply, 'mac' | 'v' | 'status'>): OkReply {
  const body = { v: PROTOCOL_VERSION, status: 'ok' as const, ...r };
  return { ...body, mac: hmac(key, replyFields(body)) };
}

export function replyMacValid(key: Buffer, r: OkReply): boolean {
  return sameMac(r.mac, hmac(key, replyFields(r)));
}

/** Parses a request line; a string says what is wrong. */
export function parseRequest(line: string): GetRequest | string {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    return 'the request is not JSON';
  }
  if (!o || typeof o !== 'object' || Array.isArray(o)) return 'the request is not an object';
  const r = o as Record<string, unknown>;
  if (r.v !== PROTOCOL_VERSION) return `protocol version ${JSON.stringify(r.v)} is not spoken here (${PROTOCOL_VERSION} is)`;
  if (r.op !== 'get') return `unknown op ${JSON.stringify(r.op)}`;
  if (typeof r.partition !== 'string' || !PARTITION.test(r.partition)) return 'partition is not a partition name';
  if (typeof r.id !== 'number' || !Number.isInteger(r.id) || r.id < 1) return 'id is not a partition ID';
  if (typeof r.systemid !== 'string' || r.systemid.length > 64) return 'systemid is not a system ID';
  if (typeof r.nonce !== 'string' || !HEX.test(r.nonce) || r.nonce.length < 16 || r.nonce.length > 64) return 'nonce is not 16 to 64 hex digits';
  if (typeof r.time !== 'number' || !Number.isFinite(r.time)) return 'time is not a number';
  if (typeof r.mac !== 'string' || !HEX.test(r.mac)) return 'the request carries no MAC';
  return { v: PROTOCOL_VERSION, op: 'get', partition: r.partition, id: r.id, systemid: r.systemid, nonce: r.nonce, time: r.time, mac: r.mac };
}

/** Parses a reply line; undefined when it is not a reply of this protocol. */
export function parseReply(line: string): Reply | undefined {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (!o || typeof o !== 'object' || o.v !== PROTOCOL_VERSION) return undefined;
  if (o.status === 'ok') {
    const ok =
      typeof o.partition === 'string' && typeof o.id === 'number' && typeof o.systemid === 'string' && typeof o.management === 'string' &&
      typeof o.nonce === 'string' && typeof o.time === 'number' && typeof o.mac === 'string' && !!o.settings && typeof o.settings === 'object' && !Array.isArray(o.settings) &&
      Object.values(o.settings).every((v) => typeof v === 'string');
    return ok ? (o as unknown as OkReply) : undefined;
  }
  if (o.status === 'unknown-partition' || o.status === 'denied' || o.status === 'bad-request') return { v: PROTOCOL_VERSION, status: o.status, detail: String(o.detail ?? '') };
  return undefined;
}

/** `host:port` → its parts; undefined when it is not one. */
export function parseEndpoint(s: string): { host: string; port: number } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(s.trim());
  if (!m) return undefined;
  const port = Number(m[2]);
  if (port > 65535) return undefined;
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}
