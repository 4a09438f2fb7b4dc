/**
 * The HMC REST event feed as an LPAR notification source, its HTTP side
 * answered by nock: logon and the session header, events, empty 204 polls,
 * missed events (MISSING_EVENTS, CACHE_CLEARED, REST026C, transport errors)
 * falling back to a full poll, session expiry and logging on again, and the
 * password never leaving the logon body.
 */
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lparGroup } from '../../../../agents/lpar/imf/target.js';
import { RestFeedSource } from '../../../../agents/lpar/imf/rest-feed-source.js';
import { cliState, logonBody, parseEvents, parseLogonResponse, partitionUuidOf } from '../../../../agents/lpar/imf/rest-client.js';
import type { ObservedState, Registration } from '../../../../framework/imf/protocol.js';
import type { SourceLogger } from '../../../../framework/imf/source.js';

const HMC = 'https://hmc6.example.com:12443';
const HMC2 = 'https://hmc7.example.com:12443';
const SECRET = 'pa$$w0rd<&>';
const TOKEN = 'tok-123_ABC';
const SYS_UUID = '11111111-2222-3333-4444-555555555555';
const L1 = 'AAAAAAAA-0000-0000-0000-000000000001';
const L2 = 'AAAAAAAA-0000-0000-0000-000000000002';
const EVENT = /^\/rest\/api\/uom\/Event\?QUEUE_CLIENTKEY_METHOD=USE_APPLICATIONID&QUEUE_APPLICATIONID=[0-9a-f]{32}$/;

function feed(events: { type: string; id?: string; data?: string; detail?: string }[]): string {
  const entries = events
    .map(
      (e, i) => `<entry><id>${i}</id><content type="application/vnd.ibm.powervm.uom+xml; type=Event"><Event:Event xmlns:Event="http://www.ibm.com/xmlns/systems/power/firmware/uom/mc/2012_10/" schemaVersion="V1_0"><Metadata><Atom/></Metadata>
<EventType kb="ROR" kxe="false">${e.type}</EventType><EventID kxe="false" kb="ROR">${e.id ?? i}</EventID>${e.data ? `<EventData kxe="false" kb="ROR">${e.data}</EventData>` : '<EventData kxe="false" kb="ROR"/>'}<EventDetail kb="ROR" kxe="false">${e.detail ?? ''}</EventDetail></Event:Event></content></entry>`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">${entries}</feed>`;
}

const lparUri = (uuid: string) => `${HMC}/rest/api/uom/ManagedSystem/${SYS_UUID}/LogicalPartition/${uuid}`;

function reg(resource: string, lpar: string, names = ['hmc6']): Registration {
  const w = { names, users: names.map(() => 'hscroot'), system: 'sys1', vios: [] };
  return { id: resource, resource, state: 'online', target: { group: lparGroup(w), key: lpar, data: w }, since: 0 };
}

interface Captured {
  lines: string[];
  log: SourceLogger;
}

function capture(): Captured {
  const lines: string[] = [];
  const rec = (level: string) => (obj: object, msg?: string, ...args: unknown[]) => {
    let text = msg ?? '';
    for (const a of args) text = text.replace(/%[sd]/, String(a));
    lines.push(`${level} ${JSON.stringify(obj)} ${text}`);
  };
  return { lines, log: { debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') } };
}

/** The HMC's answers for a full poll. */
function fullPoll(scope: nock.Scope, states: Record<string, string>): nock.Scope {
  return scope
    .get('/rest/api/uom/ManagedSystem/quick/All')
    .matchHeader('X-API-Session', TOKEN)
    .reply(200, [{ SystemName: 'sys1', UUID: SYS_UUID.toLowerCase(), State: 'operating' }, { SystemName: 'other', UUID: '99999999-2222-3333-4444-555555555555' }])
    .get(`/rest/api/uom/ManagedSystem/${SYS_UUID}/LogicalPartition/quick/All`)
    .matchHeader('X-API-Session', TOKEN)
    .reply(200, [
      { PartitionName: 'lpar1', UUID: L1, PartitionState: states.lpar1 ?? 'running' },
      { PartitionName: 'lpar2', UUID: L2, PartitionState: states.lpar2 ?? 'running' },
    ]);
}

function logon(scope: nock.Scope, token = TOKEN): nock.Scope {
  return scope
    .put('/rest/api/web/Logon', (body: string) => body.includes('<UserID kb="CUR" kxe="false">hscroot</UserID>') && body.includes('<Password kb="CUR" kxe="false">pa$$w0rd&lt;&amp;&gt;</Password>'))
    .matchHeader('Content-Type', /type=LogonRequest/)
    .reply(200, `<LogonResponse xmlns="http://www.ibm.com/xmlns/systems/power/firmware/web/mc/2012_10/" schemaVersion="V1_0"><Metadata><Atom/></Metadata><X-API-Session kxe="false" kb="ROR">${token}</X-API-Session></LogonResponse>`);
}

interface Harness {
  source: RestFeedSource;
  seen: [string, ObservedState][];
  full: string[];
  cap: Captured;
  until(pred: () => boolean, ms?: number): Promise<void>;
}

function harness(endpoints = [{ name: 'hmc6', baseUrl: HMC, user: 'hscroot', password: SECRET }]): Harness {
  const cap = capture();
  const seen: [string, ObservedState][] = [];
  const full: string[] = [];
  const source = new RestFeedSource({
    endpoints: (names) => endpoints.filter((e) => names.includes(e.name)),
    log: cap.log,
    backoffMs: 20,
    minPollMs: 5,
    onFullPoll: (hmc, why) => full.push(`${hmc}:${why}`),
  });
  source.start((r, s) => seen.push([r, s]));
  return {
    source,
    seen,
    full,
    cap,
    until: async (pred, ms = 5000) => {
      const end = Date.now() + ms;
      while (!pred()) {
        if (Date.now() > end) throw new Error(`timed out; seen ${JSON.stringify(seen)}; full polls ${full.join(' ')}; pending ${nock.pendingMocks().join(' | ')}; log ${cap.lines.join(' / ')}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('HMC REST client parsing', () => {
  it('reads the logon token, events, partition URIs and REST state spellings', () => {
    expect(parseLogonResponse('<LogonResponse><X-API-Session kxe="false" kb="ROR">abc=</X-API-Session></LogonResponse>')).toBe('abc=');
    expect(logonBody('u&1', 'p<2>')).toContain('<UserID kb="CUR" kxe="false">u&amp;1</UserID><Password kb="CUR" kxe="false">p&lt;2&gt;</Password>');
    const evs = parseEvents(feed([{ type: 'NEW_CLIENT' }, { type: 'MODIFY_URI', data: lparUri(L1), detail: 'RMCState,PartitionState,Other' }]));
    expect(evs).toEqual([
      { type: 'NEW_CLIENT', id: '0', data: '', detail: [] },
      { type: 'MODIFY_URI', id: '1', data: lparUri(L1), detail: ['RMCState', 'PartitionState', 'Other'] },
    ]);
    expect(partitionUuidOf(lparUri(L1.toLowerCase()))).toBe(L1);
    expect(partitionUuidOf(`${HMC}/rest/api/uom/ManagedSystem/${SYS_UUID}`)).toBeUndefined();
    expect(cliState('not activated')).toBe('Not Activated');
    expect(cliState('migrating running')).toBe('Migrating - Running');
    expect(cliState('open firmware')).toBe('Open Firmware');
  });
});

describe('REST event feed source', () => {
  it('logs on, polls everything once, then follows PartitionState events', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, { lpar1: 'running', lpar2: 'running' });
    scope
      .get(EVENT)
      .matchHeader('X-API-Session', TOKEN)
      .reply(200, feed([{ type: 'NEW_CLIENT' }]))
      .get(EVENT)
      .matchHeader('X-API-Session', TOKEN)
      .reply(200, feed([{ type: 'MODIFY_URI', data: lparUri(L2), detail: 'RMCState' }, { type: 'MODIFY_URI', data: lparUri(L1), detail: 'PartitionState,Other' }]))
      .get(`/rest/api/uom/LogicalPartition/${L1}/quick/PartitionState`)
      .matchHeader('X-API-Session', TOKEN)
      .reply(200, '"error"', { 'Content-Type': 'application/json' });
    fullPoll(scope, { lpar1: 'error' }); // NEW_CLIENT asks for one more full poll
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    h.source.add(reg('r2', 'lpar2'));
    await h.until(() => h.seen.some(([r, s]) => r === 'r1' && s === 'offline'));
    expect(h.seen.slice(0, 2)).toEqual([
      ['r1', 'online'],
      ['r2', 'online'],
    ]);
    // The RMCState-only change of lpar2 was not worth a request.
    expect(h.seen.filter(([r]) => r === 'r2')).toHaveLength(h.full.length);
    await h.source.close();
  });

  it('empty 204 polls: keeps polling, nothing observed, no full poll', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, {});
    scope.get(EVENT).times(5).reply(204);
    scope.get(EVENT).reply(200, feed([{ type: 'MODIFY_URI', data: lparUri(L1), detail: 'PartitionState' }]));
    scope.get(`/rest/api/uom/LogicalPartition/${L1}/quick/PartitionState`).reply(200, 'not activated', { 'Content-Type': 'text/plain' });
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    await h.until(() => h.seen.some(([, s]) => s === 'offline'));
    expect(h.full).toEqual(['hmc6:start']);
    expect(h.seen).toEqual([
      ['r1', 'online'],
      ['r1', 'offline'],
    ]);
    await h.source.close();
  });

  for (const missed of ['MISSING_EVENTS', 'CACHE_CLEARED']) {
    it(`${missed}: a full poll finds what the events did not say`, async () => {
      const scope = logon(nock(HMC));
      fullPoll(scope, {});
      scope.get(EVENT).reply(200, feed([{ type: missed }]));
      fullPoll(scope, { lpar1: 'not activated' });
      const h = harness();
      h.source.add(reg('r1', 'lpar1'));
      await h.until(() => h.seen.some(([, s]) => s === 'offline'));
      expect(h.full).toEqual(['hmc6:start', `hmc6:${missed}`]);
      await h.source.close();
    });
  }

  it('REST026C (too many event requests): a full poll, then events again', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, {});
    scope.get(EVENT).reply(500, '<HttpErrorResponse><Message>REST026C Maximum number of event requests exceeded</Message></HttpErrorResponse>');
    fullPoll(scope, { lpar1: 'shutting down' });
    scope.get(EVENT).reply(200, feed([{ type: 'MODIFY_URI', data: lparUri(L1) }]));
    scope.get(`/rest/api/uom/LogicalPartition/${L1}/quick/PartitionState`).reply(200, '"not activated"');
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    await h.until(() => h.seen.some(([, s]) => s === 'offline'));
    expect(h.full).toEqual(['hmc6:start', 'hmc6:event-limit']);
    expect(h.cap.lines.some((l) => l.startsWith('warn') && l.includes('REST026C'))).toBe(true);
    await h.source.close();
  });

  it('session expiry: logs on again, with the new token from then on, and polls everything', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, {});
    scope.get(EVENT).matchHeader('X-API-Session', TOKEN).reply(401, 'session expired');
    logon(scope, 'tok-NEW');
    scope
      .get('/rest/api/uom/ManagedSystem/quick/All')
      .matchHeader('X-API-Session', 'tok-NEW')
      .reply(200, [{ SystemName: 'sys1', UUID: SYS_UUID }])
      .get(`/rest/api/uom/ManagedSystem/${SYS_UUID}/LogicalPartition/quick/All`)
      .matchHeader('X-API-Session', 'tok-NEW')
      .reply(200, [{ PartitionName: 'lpar1', UUID: L1, PartitionState: 'not activated' }]);
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    await h.until(() => h.seen.some(([, s]) => s === 'offline'));
    expect(h.full).toEqual(['hmc6:start', 'hmc6:session-expired']);
    expect(h.cap.lines.some((l) => l.includes('expired: logging on again'))).toBe(true);
    await h.source.close();
  });

  it('a transport error: falls back to a full poll on the next HMC of MCName', async () => {
    const first = logon(nock(HMC));
    fullPoll(first, {});
    first.get(EVENT).replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const second = logon(nock(HMC2));
    fullPoll(second, { lpar1: 'not activated' });
    second.get(EVENT).reply(204);
    const h = harness([
      { name: 'hmc6', baseUrl: HMC, user: 'hscroot', password: SECRET },
      { name: 'hmc7', baseUrl: HMC2, user: 'hscroot', password: SECRET },
    ]);
    h.source.add(reg('r1', 'lpar1', ['hmc6', 'hmc7']));
    await h.until(() => h.seen.some(([, s]) => s === 'offline'));
    expect(h.full).toEqual(['hmc6:start', 'hmc7:transport']);
    await h.source.close();
  });

  it('a deleted partition is offline here; an added one is learnt by a full poll', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, {});
    scope.get(EVENT).reply(200, feed([{ type: 'DELETE_URI', data: lparUri(L1) }, { type: 'ADD_URI', data: lparUri('AAAAAAAA-0000-0000-0000-000000000009') }]));
    fullPoll(scope, {});
    scope.get(EVENT).reply(204);
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    await h.until(() => h.full.length === 2);
    expect(h.seen.slice(0, 2)).toEqual([
      ['r1', 'online'],
      ['r1', 'offline'],
    ]);
    expect(h.full[1]).toBe('hmc6:partition added');
    await h.source.close();
  });

  it('never logs the password, and sends it only in the logon body', async () => {
    const scope = logon(nock(HMC));
    fullPoll(scope, {});
    scope.get(EVENT).reply(401);
    scope.put('/rest/api/web/Logon').reply(401, 'HSCL350B the user ID or password is not valid');
    const h = harness();
    h.source.add(reg('r1', 'lpar1'));
    await h.until(() => h.cap.lines.some((l) => l.includes('refused')));
    await h.source.close();
    const all = h.cap.lines.join('\n');
    expect(all).not.toContain(SECRET);
    expect(all).not.toContain('pa$$w0rd');
    expect(all).toMatch(/logon as hscroot refused \(HTTP 401\)/);
  });
});
