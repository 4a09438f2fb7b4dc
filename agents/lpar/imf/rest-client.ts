/**
 * The few HMC REST API calls the LPAR event feed needs (research
 * anchors.md §3; IBM's REST API reference, pypowervm, the Ruby SDK):
 *
 *   PUT    /rest/api/web/Logon               LogonRequest → X-API-Session token
 *   DELETE /rest/api/web/Logon               log off
 *   GET    /rest/api/uom/Event?QUEUE_CLIENTKEY_METHOD=USE_APPLICATIONID&QUEUE_APPLICATIONID=ID
 *                                            long poll: 200 with events, 204 after ~10 s of none
 *   GET    /rest/api/uom/ManagedSystem/quick/All                       [{SystemName, UUID, ...}]
 *   GET    /rest/api/uom/ManagedSystem/{uuid}/LogicalPartition/quick/All  [{PartitionName, PartitionState, UUID, ...}]
 *   GET    /rest/api/uom/LogicalPartition/{uuid}/quick/PartitionState   "running"
 *
 * Every call after logon carries the X-API-Session header. TLS is verified
 * (the HMC's certificate must chain to the system CAs or to `caFile`). The
 * password goes into the logon body only: never into a log line or an error.
 */
import { request } from 'node:https';
import type { Agent } from 'node:https';
import { ImfError } from '../../../framework/imf/errors.js';

export interface RestEndpoint {
  /** The HMC as MCName names it (for messages). */
  name: string;
  /** https://host:port — 443 on HMC V11 and later, 12443 on V10R3 and earlier. */
  baseUrl: string;
  user: string;
  password: string;
  /** PEM CA certificate(s) the HMC's certificate chains to (its own self-signed one, typically). */
  ca?: string | Buffer;
}

/** Why a call failed, for the feed to decide what to do. */
export type RestFailure = 'session-expired' | 'event-limit' | 'auth' | 'http' | 'transport' | 'protocol';

export class HmcRestError extends ImfError {
  constructor(
    readonly kind: RestFailure,
    readonly hmc: string,
    detail: string,
    readonly status?: number,
  ) {
    super('VCSPVM_IMF_REST', { hmc, detail });
  }
}

export interface HmcEvent {
  type: string;
  id: string;
  /** The resource URI the event is about ('' when none). */
  data: string;
  /** Comma-separated property names that changed (PartitionState, RMCState, Other...). */
  detail: string[];
}

export interface ManagedSystemQuick {
  name: string;
  uuid: string;
}

export interface PartitionQuick {
  name: string;
  uuid: string;
  /** REST spelling: "running", "not activated", ... */
  state: string;
}

const WEB_XML = 'application/vnd.ibm.powervm.web+xml';
const EVENT_PATH = '/rest/api/uom/Event';

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, '&');
}

export function logonBody(user: string, password: string): string {
  return (
    '<LogonRequest xmlns="http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/" schemaVersion="V1_0">' +
    `<Metadata><Atom/></Metadata><UserID kb="CUR" kxe="false">${xmlEscape(user)}</UserID>` +
    `<Password kb="CUR" kxe="false">${xmlEscape(password)}</Password></LogonRequest>`
  );
}

/** The text of the first `<tag ...>text</tag>` (or '' for `<tag .../>`); undefined when absent. */
function element(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<(?:[A-Za-z0-9_]+:)?${tag}\\b[^>]*?(?:/>|>([\\s\\S]*?)</(?:[A-Za-z0-9_]+:)?${tag}>)`).exec(xml);
  if (!m) return undefined;
  return xmlUnescape((m[1] ?? '').trim());
}

export function parseLogonResponse(xml: string): string | undefined {
  const token = element(xml, 'X-API-Session');
  return token ? token : undefined;
}

/** The events of an Event feed (Atom entries each holding one <Event>). */
export function parseEvents(xml: string): HmcEvent[] {
  const out: HmcEvent[] = [];
  const re = /<(?:[A-Za-z0-9_]+:)?Event(?:\s[^>]*)?>([\s\S]*?)<\/(?:[A-Za-z0-9_]+:)?Event>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(xml))) {
    const body = m[1]!;
    const type = element(body, 'EventType');
    if (!type) continue;
    out.push({
      type,
      id: element(body, 'EventID') ?? '',
      data: (element(body, 'EventData') ?? '').replace(/\s+/g, ''),
      detail: (element(body, 'EventDetail') ?? '')
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    });
  }
  return out;
}

/** The partition UUID an event URI names (…/LogicalPartition/{uuid}), if any. */
export function partitionUuidOf(uri: string): string | undefined {
  const m = /\/LogicalPartition\/([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?:[/?]|$)/.exec(uri);
  return m ? m[1]!.toUpperCase() : undefined;
}

/** REST's lower-case partition states in the CLI's spelling, which the state table (state.ts) uses. */
const REST_STATES: Record<string, string> = {
  running: 'Running',
  'not activated': 'Not Activated',
  starting: 'Starting',
  'shutting down': 'Shutting Down',
  'open firmware': 'Open Firmware',
  error: 'Error',
  'not available': 'Not Available',
  'hardware discovery': 'Hardware Discovery',
  'migrating running': 'Migrating - Running',
  'migrating not active': 'Migrating - Not Activated',
  suspended: 'Suspended',
  suspending: 'Suspending',
  resuming: 'Resuming',
};

export function cliState(restState: string): string {
  const k = restState.trim().toLowerCase().replace(/_/g, ' ');
  return REST_STATES[k] ?? restState;
}

interface Reply {
  status: number;
  body: string;
}

export interface RestClientOptions {
  /** Bound for one call; the event long poll gets `eventTimeoutMs`. */
  timeoutMs?: number;
  /** The HMC holds an event request about 10 s before answering 204. */
  eventTimeoutMs?: number;
  agent?: Agent;
}

export class HmcRestClient {
  session: string | undefined;
  /** Requests sent, for the log and tests. */
  requests = 0;
  private readonly base: URL;

  constructor(
    readonly endpoint: RestEndpoint,
    private readonly opts: RestClientOptions = {},
  ) {
    this.base = new URL(endpoint.baseUrl);
    if (this.base.protocol !== 'https:') throw new HmcRestError('protocol', endpoint.name, `${endpoint.baseUrl}: the HMC REST API is HTTPS only`);
  }

  private call(method: string, path: string, headers: Record<string, string>, body?: string, timeoutMs = this.opts.timeoutMs ?? 30_000, signal?: AbortSignal): Promise<Reply> {
    const url = new URL(path, this.base);
    this.requests++;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          headers: { ...headers, ...(body !== undefined ? { 'Content-Length': String(Buffer.byteLength(body)) } : {}) },
          ...(this.endpoint.ca ? { ca: this.endpoint.ca } : {}),
          ...(this.opts.agent ? { agent: this.opts.agent } : {}),
          rejectUnauthorized: true,
          timeout: timeoutMs,
          ...(signal ? { signal } : {}),
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            if (data.length < 8 * 1024 * 1024) data += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: data }));
          res.on('error', (e) => reject(new HmcRestError('transport', this.endpoint.name, e.message)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => reject(new HmcRestError('transport', this.endpoint.name, `${method} ${url.pathname}: ${e.code ?? e.message}`)));
      if (body !== undefined) req.write(body);
      req.end();
    });
  }

  private sessionHeaders(accept: string): Record<string, string> {
    if (!this.session) throw new HmcRestError('session-expired', this.endpoint.name, 'not logged on');
    return { 'X-API-Session': this.session, Accept: accept };
  }

  /** Fails the reply the way the feed needs to tell apart. */
  private check(r: Reply, what: string): Reply {
    if (r.status === 401 || r.status === 403) {
      this.session = undefined;
      throw new HmcRestError('session-expired', this.endpoint.name, `${what}: HTTP ${r.status} (session expired)`, r.status);
    }
    if (/REST026C/.test(r.body)) throw new HmcRestError('event-limit', this.endpoint.name, `${what}: REST026C maximum number of event requests exceeded`, r.status);
    if (r.status < 200 || r.status >= 300) throw new HmcRestError('http', this.endpoint.name, `${what}: HTTP ${r.status}`, r.status);
    return r;
  }

  async logon(): Promise<void> {
    const r = await this.call('PUT', '/rest/api/web/Logon', { 'Content-Type': `${WEB_XML}; type=LogonRequest`, Accept: `${WEB_XML}; type=LogonResponse` }, logonBody(this.endpoint.user, this.endpoint.password));
    if (r.status === 401 || r.status === 403) throw new HmcRestError('auth', this.endpoint.name, `logon as ${this.endpoint.user} refused (HTTP ${r.status})`, r.status);
    if (r.status !== 200) throw new HmcRestError('http', this.endpoint.name, `logon: HTTP ${r.status}`, r.status);
    const token = parseLogonResponse(r.body);
    if (!token) throw new HmcRestError('protocol', this.endpoint.name, 'logon: no X-API-Session in the answer');
    this.session = token;
  }

  async logoff(): Promise<void> {
    if (!this.session) return;
    try {
      await this.call('DELETE', '/rest/api/web/Logon', this.sessionHeaders('*/*'), undefined, 5000);
    } catch {
      // The session times out on the HMC anyway.
    }
    this.session = undefined;
  }

  /** One long poll of the event queue of `appId`: [] on 204. */
  async events(appId: string, signal?: AbortSignal): Promise<HmcEvent[]> {
    const path = `${EVENT_PATH}?QUEUE_CLIENTKEY_METHOD=USE_APPLICATIONID&QUEUE_APPLICATIONID=${encodeURIComponent(appId)}`;
    const r = this.check(await this.call('GET', path, this.sessionHeaders('application/atom+xml'), undefined, this.opts.eventTimeoutMs ?? 60_000, signal), 'Event');
    if (r.status === 204 || r.body.trim() === '') return [];
    return parseEvents(r.body);
  }

  private async json(path: string, what: string): Promise<unknown> {
    const r = this.check(await this.call('GET', path, this.sessionHeaders('application/json')), what);
    if (r.status === 204) return [];
    try {
      return JSON.parse(r.body) as unknown;
    } catch {
      throw new HmcRestError('protocol', this.endpoint.name, `${what}: not JSON`);
    }
  }

  async managedSystems(): Promise<ManagedSystemQuick[]> {
    const v = await this.json('/rest/api/uom/ManagedSystem/quick/All', 'ManagedSystem/quick/All');
    if (!Array.isArray(v)) throw new HmcRestError('protocol', this.endpoint.name, 'ManagedSystem/quick/All: not a list');
    return v.filter((s) => s && typeof s.SystemName === 'string' && typeof s.UUID === 'string').map((s) => ({ name: s.SystemName as string, uuid: String(s.UUID).toUpperCase() }));
  }

  async partitions(systemUuid: string): Promise<PartitionQuick[]> {
    const v = await this.json(`/rest/api/uom/ManagedSystem/${encodeURIComponent(systemUuid)}/LogicalPartition/quick/All`, 'LogicalPartition/quick/All');
    if (!Array.isArray(v)) throw new HmcRestError('protocol', this.endpoint.name, 'LogicalPartition/quick/All: not a list');
    return v
      .filter((p) => p && typeof p.PartitionName === 'string' && typeof p.UUID === 'string')
      .map((p) => ({ name: p.PartitionName as string, uuid: String(p.UUID).toUpperCase(), state: String(p.PartitionState ?? '') }));
  }

  /** A partition's state, or undefined when the HMC no longer knows it (404). */
  async partitionState(uuid: string): Promise<string | undefined> {
    const r = await this.call('GET', `/rest/api/uom/LogicalPartition/${encodeURIComponent(uuid)}/quick/PartitionState`, this.sessionHeaders('application/json, text/plain'));
    if (r.status === 404) return undefined;
    this.check(r, 'PartitionState');
    const text = r.body.trim();
    try {
      const v = JSON.parse(text) as unknown;
      if (typeof v === 'string') return v;
    } catch {
      // Plain text.
    }
    return text.replace(/^"|"$/g, '');
  }
}
