/** DROpts as the LPAR agent reads it, and the VLAN 123 protocol's parsing and answers. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drPathsIn, ensureDrDirs } from '../../../agents/lpar/dr/paths.js';
import { answer, NonceCache } from '../../../agents/lpar/dr/responder.js';
import { guestAddress, MANAGEMENT_ADDRESS, newNonce, parseEndpoint, parseReply, parseRequest, replyMacValid, signRequest, type OkReply } from '../../../agents/reconfig/protocol.js';
import { replyProblem } from '../../../agents/reconfig/start.js';
import { networkTransport } from '../../../agents/reconfig/transport.js';
import { drOptsVerdict, settingsFromWire, toDrOpts } from '../../../agents/reconfig/settings.js';

describe('DROpts verdict', () => {
  it('is off unless ConfigureNetwork is 1, and refuses a ConfigureNetwork that is neither 0 nor 1', () => {
    expect(drOptsVerdict(undefined)).toEqual({ kind: 'off' });
    expect(drOptsVerdict({ IPAddress: 'garbage' })).toEqual({ kind: 'off' });
    expect(drOptsVerdict({ ConfigureNetwork: '0', IPAddress: '10.0.0.1' })).toEqual({ kind: 'off' });
    expect(drOptsVerdict({ ConfigureNetwork: 'yes' })).toEqual({ kind: 'bad', problems: ['ConfigureNetwork must be 0 or 1, not "yes"'] });
  });

  it('types the settings: en0 by default, a hex netmask dotted, lists split on spaces or commas', () => {
    const v = drOptsVerdict({ ConfigureNetwork: '1', IPAddress: '10.1.2.3', Netmask: '0xffffff00', Gateway: '10.1.2.1', DNSServers: '10.1.2.53,10.1.3.53', DNSSearchPath: 'a.example b.example' });
    expect(v).toEqual({ kind: 'apply', settings: { device: 'en0', ipAddress: '10.1.2.3', netmask: '255.255.255.0', gateway: '10.1.2.1', dnsServers: ['10.1.2.53', '10.1.3.53'], dnsSearchPath: ['a.example', 'b.example'] } });
    if (v.kind === 'apply') expect(settingsFromWire(toDrOpts(v.settings))).toEqual({ settings: v.settings, problems: [] });
  });

  it('refuses unknown keys, IPAddress without Netmask, a gateway outside the subnet, nothing to apply', () => {
    expect(drOptsVerdict({ ConfigureNetwork: '1', IPAdress: '10.0.0.1' })).toMatchObject({ kind: 'bad', problems: ['IPAdress is not a DROpts key of LPAR (keys: IPAddress, Netmask, Gateway, DNSServers, DNSSearchPath, Device, Domain, HostName, ConfigureNetwork)'] });
    expect(drOptsVerdict({ ConfigureNetwork: '1', IPAddress: '10.0.0.1' })).toEqual({ kind: 'bad', problems: ['IPAddress is set without Netmask'] });
    expect(drOptsVerdict({ ConfigureNetwork: '1', IPAddress: '10.0.0.5', Netmask: '255.255.255.0', Gateway: '10.0.1.1' })).toEqual({ kind: 'bad', problems: ['Gateway 10.0.1.1 is not in the subnet of 10.0.0.5/255.255.255.0'] });
    expect(drOptsVerdict({ ConfigureNetwork: '1', Device: 'en1' })).toMatchObject({ kind: 'bad', problems: [expect.stringMatching(/none of IPAddress/)] });
    expect(settingsFromWire({ IPAddress: 5 })).toEqual({ problems: ['a setting is not a string'] });
  });
});

describe('VLAN 123 protocol', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  const KEY = Buffer.alloc(32, 7);
  const OTHER = Buffer.alloc(32, 9);
  const me = { partition: 'lp1', id: 5, systemid: 'IBM,021234567' };
  const request = (key = KEY, extra: Partial<{ nonce: string; time: number; id: number; systemid: string; partition: string }> = {}) =>
    JSON.stringify(signRequest(key, { ...me, nonce: newNonce(), time: Math.floor(Date.now() / 1000), ...extra }));

  function responder() {
    dir = mkdtempSync(join(tmpdir(), 'dr-answer-'));
    const paths = drPathsIn(join(dir, 'dr'));
    ensureDrDirs(paths);
    const keys = join(dir, 'keys');
    mkdirSync(keys, { mode: 0o700 });
    writeFileSync(join(keys, 'lp1.key'), `${KEY.toString('hex')}\n`, { mode: 0o600 });
    writeFileSync(join(paths.served, 'lp1.json'), JSON.stringify({ v: 2, partition: 'lp1', resource: 'r1', system: 'sys1', lparId: 5, profile: 'p', settings: { Device: 'en0', HostName: 'h' }, guestSlot: null }));
    writeFileSync(join(paths.served, 'lp2.json'), JSON.stringify({ v: 2, partition: 'lp2', resource: 'r2', system: 'sys1', lparId: 6, profile: 'p', settings: { Device: 'en0', HostName: 'h2' }, guestSlot: null }));
    const o = { paths, keys, management: 'mgmt1', systemid: me.systemid, host: '169.254.123.1', port: 14123, transport: networkTransport };
    return { o, paths, nonces: new NonceCache() };
  }

  it('parses requests and replies strictly', () => {
    expect(parseRequest(request())).toMatchObject({ v: 2, op: 'get', partition: 'lp1', id: 5 });
    expect(parseRequest('{"v":1,"op":"get","partition":"lp1"}')).toMatch(/protocol version 1 is not spoken here/);
    expect(parseRequest(request().replace('"get"', '"put"'))).toMatch(/unknown op/);
    expect(parseRequest(request(KEY, { partition: '../etc/passwd' }))).toBe('partition is not a partition name');
    expect(parseRequest(JSON.stringify({ ...JSON.parse(request()), mac: undefined }))).toBe('the request carries no MAC');
    expect(parseRequest('nope')).toBe('the request is not JSON');
    expect(parseReply('{"v":2,"status":"weird"}')).toBeUndefined();
    expect(parseReply('{"v":2,"status":"ok","partition":"lp1"}')).toBeUndefined();
    expect(parseEndpoint('127.0.0.1:14123')).toEqual({ host: '127.0.0.1', port: 14123 });
    expect(parseEndpoint('127.0.0.1:99999')).toBeUndefined();
  });

  it('answers a served partition with an authenticated reply to that request, and refuses everything else, saying why', () => {
    const { o, paths, nonces } = responder();
    const line = request();
    const nonce = JSON.parse(line).nonce as string;
    const reply = answer(o, nonces, line, 'peer') as OkReply;
    expect(reply).toMatchObject({ v: 2, status: 'ok', partition: 'lp1', id: 5, systemid: me.systemid, management: 'mgmt1', nonce, settings: { Device: 'en0', HostName: 'h' } });
    expect(replyMacValid(KEY, reply)).toBe(true);
    expect(replyMacValid(OTHER, reply)).toBe(false);
    expect(replyMacValid(KEY, { ...reply, settings: { ...reply.settings, HostName: 'evil' } })).toBe(false);
    expect(replyProblem(reply, me, nonce)).toBeUndefined();
    expect(replyProblem(reply, me, newNonce())).toMatch(/does not answer this request/);
    expect(replyProblem({ ...reply, partition: 'someoneelse' }, me, nonce)).toMatch(/for partition someoneelse, not lp1/);
    expect(replyProblem(reply, { ...me, id: 7 }, nonce)).toMatch(/partition ID 5, not 7/);
    expect(replyProblem(reply, { ...me, systemid: 'IBM,029999999' }, nonce)).toMatch(/from managed system IBM,021234567, not this one/);

    expect(answer(o, nonces, line, 'peer')).toMatchObject({ status: 'denied', detail: expect.stringMatching(/replay/) });
    expect(answer(o, nonces, request(OTHER), 'peer')).toMatchObject({ status: 'denied', detail: expect.stringMatching(/does not verify/) });
    // The responder's clock fixed: the request is an hour old however long the machine takes to answer.
    const at = Date.now();
    expect(answer({ ...o, now: () => at }, nonces, request(KEY, { time: Math.floor(at / 1000) - 3600 }), 'peer')).toMatchObject({ status: 'denied', detail: expect.stringMatching(/-3600 s from this management LPAR's clock/) });
    expect(answer(o, nonces, request(KEY, { id: 9 }), 'peer')).toMatchObject({ status: 'denied', detail: 'partition ID 9 is not the ID of lp1 on sys1 (5)' });
    expect(answer(o, nonces, request(KEY, { systemid: 'IBM,020000000' }), 'peer')).toMatchObject({ status: 'denied', detail: expect.stringMatching(/managed system IBM,020000000 is not this one/) });
    // Served, but this management LPAR has no key for it: never answered unauthenticated.
    expect(answer(o, nonces, request(KEY, { partition: 'lp2', id: 6 }), 'peer')).toMatchObject({ status: 'denied', detail: expect.stringMatching(/no usable key/) });
    expect(answer(o, nonces, request(KEY, { partition: 'lp3' }), 'peer')).toMatchObject({ status: 'unknown-partition' });
    expect(answer(o, nonces, '{"v":2}', 'peer')).toMatchObject({ status: 'bad-request' });
    const log = readFileSync(paths.log, 'utf8');
    expect(log).toMatch(/sent the DR network settings of lp1 \(ID 5, resource r1\) to peer/);
    expect(log).toMatch(/lp1: the request's HMAC does not verify with its key \(a wrong key on the guest\?\)/);
    expect(log).not.toContain(KEY.toString('hex'));
  });

  it('gives each partition ID its own link-local address on VLAN 123, never the management LPAR\'s', () => {
    expect(guestAddress(1)).toBe('169.254.1.1');
    expect(guestAddress(256)).toBe('169.254.2.0');
    expect(guestAddress(1000)).toBe('169.254.4.232');
    const all = new Set(Array.from({ length: 1000 }, (_, i) => guestAddress(i + 1)));
    expect(all.size).toBe(1000);
    expect(all.has(MANAGEMENT_ADDRESS)).toBe(false);
    expect(() => guestAddress(0)).toThrow();
  });
});
