/** DROpts as the LPAR agent reads it, and the VLAN 123 protocol's parsing and answers. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drPathsIn, ensureDrDirs } from '../../../agents/lpar/dr/paths.js';
import { answer } from '../../../agents/lpar/dr/responder.js';
import { parseEndpoint, parseReply, parseRequest } from '../../../agents/reconfig/protocol.js';
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

  it('parses requests strictly and replies only for a served partition', () => {
    expect(parseRequest('{"v":1,"op":"get","partition":"lp1"}')).toEqual({ v: 1, op: 'get', partition: 'lp1' });
    expect(parseRequest('{"v":2,"op":"get","partition":"lp1"}')).toMatch(/protocol version 2 is not spoken here/);
    expect(parseRequest('{"v":1,"op":"put","partition":"lp1"}')).toMatch(/unknown op/);
    expect(parseRequest('{"v":1,"op":"get","partition":"../etc/passwd"}')).toBe('partition is not a partition name');
    expect(parseRequest('nope')).toBe('the request is not JSON');
    expect(parseReply('{"v":1,"status":"weird"}')).toBeUndefined();
    expect(parseEndpoint('127.0.0.1:14123')).toEqual({ host: '127.0.0.1', port: 14123 });
    expect(parseEndpoint('127.0.0.1:99999')).toBeUndefined();

    dir = mkdtempSync(join(tmpdir(), 'dr-answer-'));
    const paths = drPathsIn(dir);
    ensureDrDirs(paths);
    writeFileSync(join(paths.served, 'lp1.json'), JSON.stringify({ v: 1, partition: 'lp1', resource: 'r1', system: 'sys1', settings: { Device: 'en0', HostName: 'h' }, guestSlot: null }));
    expect(answer(paths, '{"v":1,"op":"get","partition":"lp1"}', 'peer')).toEqual({ v: 1, status: 'ok', partition: 'lp1', settings: { Device: 'en0', HostName: 'h' } });
    expect(answer(paths, '{"v":1,"op":"get","partition":"lp2"}', 'peer')).toEqual({ v: 1, status: 'unknown-partition' });
    expect(answer(paths, '{"v":1}', 'peer')).toMatchObject({ status: 'bad-request' });
  });
});
