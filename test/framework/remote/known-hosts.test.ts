import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  formatKnownHostsLine,
  keyTypeOf,
  knownHostsName,
  knownKeyTypes,
  loadKnownHosts,
  parseKnownHosts,
} from '../../../framework/remote/known-hosts.js';
import { makeHome, type TestHome } from './helpers/home.js';
import { generateKey, type KeyPair } from './helpers/ssh-server.js';

let home: TestHome;
let ed: KeyPair;
let ec: KeyPair;
let other: KeyPair;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());
ed = generateKey('ed25519');
ec = generateKey('ecdsa');
other = generateKey('ed25519');

const pub = (k: KeyPair): string => k.public.split(' ').slice(0, 2).join(' ');
const verdict = (text: string, name: string, key: KeyPair) => checkHostKey(parseKnownHosts(text, 'kh').entries, name, key.blob);

describe('known_hosts matching', () => {
  it('names hosts as ssh does: plain on port 22, [host]:port elsewhere, lower case', () => {
    expect(knownHostsName('HMC1.example.com', 22)).toBe('hmc1.example.com');
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222');
  });

  it('accepts a plain entry, a comma list, and [host]:port', () => {
    expect(verdict(`hmc1 ${pub(ed)}\n`, 'hmc1', ed).status).toBe('known');
    expect(verdict(`hmc0,hmc1,10.0.0.1 ${pub(ed)}\n`, '10.0.0.1', ed).status).toBe('known');
    expect(verdict(`[hmc1]:2222 ${pub(ed)}\n`, '[hmc1]:2222', ed).status).toBe('known');
    // an entry for port 22 does not vouch for another port
    expect(verdict(`hmc1 ${pub(ed)}\n`, '[hmc1]:2222', ed).status).toBe('unknown');
  });

  it('accepts wildcard patterns and honours ! negation', () => {
    const text = `hmc*.example.com,!hmc9.example.com ${pub(ed)}\n`;
    expect(verdict(text, 'hmc1.example.com', ed).status).toBe('known');
    expect(verdict(text, 'hmc9.example.com', ed).status).toBe('unknown');
    expect(verdict(`10.0.0.? ${pub(ed)}\n`, '10.0.0.7', ed).status).toBe('known');
  });

  it('matches hashed entries written by OpenSSH (ssh-keygen -H)', () => {
    const file = home.write('.ssh/known_hosts', `[127.0.0.1]:2222 ${pub(ed)}\nhmc1 ${pub(ec)}\n`);
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\|1\|/m);
    expect(text).not.toContain('127.0.0.1');
    expect(verdict(text, '[127.0.0.1]:2222', ed).status).toBe('known');
    expect(verdict(text, 'hmc1', ec).status).toBe('known');
    expect(verdict(text, 'hmc2', ec).status).toBe('unknown');
  });

  it('writes hashed lines OpenSSH finds (ssh-keygen -F)', () => {
    const line = formatKnownHostsLine('[hmc1]:2222', ed.blob, true);
    expect(line).toMatch(/^\|1\|[A-Za-z0-9+/=]{28}\|[A-Za-z0-9+/=]{28} ssh-ed25519 /);
    const file = home.write('.ssh/known_hosts', `${line}\n`);
    const found = execFileSync('ssh-keygen', ['-F', '[hmc1]:2222', '-f', file], { encoding: 'utf8' });
    expect(found).toContain(ed.blob.toString('base64'));
    expect(verdict(line, '[hmc1]:2222', ed).status).toBe('known');
  });

  it('reports a different key of the same type as changed', () => {
    const v = verdict(`# comment\nhmc1 ${pub(other)}\n`, 'hmc1', ed);
    expect(v.status).toBe('changed');
    expect(v.status === 'changed' && v.entry.line).toBe(2);
  });

  it('keeps several key types per host: each matches its own type', () => {
    const text = `hmc1 ${pub(ec)}\nhmc1 ${pub(ed)}\n`;
    expect(verdict(text, 'hmc1', ed).status).toBe('known');
    expect(verdict(text, 'hmc1', ec).status).toBe('known');
    expect(knownKeyTypes(parseKnownHosts(text, 'kh').entries, 'hmc1')).toEqual(['ecdsa-sha2-nistp256', 'ssh-ed25519']);
    // a key of a type not recorded is unknown, and says which types are recorded
    const v = verdict(`hmc1 ${pub(ec)}\n`, 'hmc1', ed);
    expect(v).toMatchObject({ status: 'unknown', otherTypes: ['ecdsa-sha2-nistp256'] });
  });

  it('refuses @revoked keys, even when a plain line also lists them', () => {
    expect(verdict(`hmc1 ${pub(ed)}\n@revoked * ${pub(ed)}\n`, 'hmc1', ed).status).toBe('revoked');
    expect(verdict(`hmc1 ${pub(ed)}\n@revoked hmc2 ${pub(ed)}\n`, 'hmc1', ed).status).toBe('known');
  });

  it('never lets @cert-authority vouch for a plain key', () => {
    expect(verdict(`@cert-authority *.example.com ${pub(ed)}\n`, 'hmc1.example.com', ed)).toEqual({ status: 'unknown', otherTypes: [], certAuthorityOnly: true });
  });

  it('skips malformed lines and says why', () => {
    const parsed = parseKnownHosts(
      [`hmc1`, `hmc1 ssh-ed25519 !!notbase64`, `hmc1 ssh-rsa ${ed.blob.toString('base64')}`, `@weird hmc1 ${pub(ed)}`, `|1|short|x ${pub(ed)}`, `|2|abc ${pub(ed)}`, `hmc1 ${pub(ed)}`].join('\n'),
      'kh',
    );
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.skipped.map((s) => [s.line, s.reason])).toEqual([
      [1, 'expected: hosts keytype key'],
      [2, 'key is not base64'],
      [3, 'key type ssh-rsa does not match the key blob (ssh-ed25519)'],
      [4, 'unknown marker @weird'],
      [5, 'hashed host has a bad salt or hash length'],
      [6, 'hashed host is not |1|salt|hash'],
    ]);
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1]))).toBeUndefined();
  });

  it('loads several files, a missing one being empty', () => {
    const a = home.write('a', `hmc1 ${pub(other)}\n`);
    const kh = loadKnownHosts([home.path('missing'), a]);
    expect(kh.files).toEqual([a]);
    expect(checkHostKey(kh.entries, 'hmc1', ed.blob).status).toBe('changed');
  });
});

describe('appendKnownHost (accept-new)', () => {
  it('creates ~/.ssh/known_hosts 0600 and records the key, plain or hashed', async () => {
    const file = home.path('.ssh', 'sub', 'known_hosts');
    expect(await appendKnownHost(file, '[hmc1]:2222', ed.blob, false)).toBe('added');
    expect(readFileSync(file, 'utf8')).toBe(`[hmc1]:2222 ${pub(ed)}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(await appendKnownHost(file, 'hmc2', ec.blob, true)).toBe('added');
    const text = readFileSync(file, 'utf8');
    expect(text.split('\n')[1]).toMatch(/^\|1\|/);
    expect(text).not.toContain('hmc2');
    expect(verdict(text, 'hmc2', ec).status).toBe('known');
    // the previous content is kept as a backup
    expect(readFileSync(`${file}.old`, 'utf8')).toBe(`[hmc1]:2222 ${pub(ed)}\n`);
  });

  it('does not add a second key when one was recorded meanwhile', async () => {
    const file = home.write('.ssh/known_hosts', `hmc1 ${pub(other)}`);
    expect(await appendKnownHost(file, 'hmc1', ed.blob, false)).toMatchObject({ status: 'changed' });
    expect(await appendKnownHost(file, 'hmc1', other.blob, false)).toBe('already-known');
    expect(readFileSync(file, 'utf8')).toBe(`hmc1 ${pub(other)}`);
  });

  it('serialises concurrent writers with a lock file: every key lands', async () => {
    const file = home.path('.ssh/known_hosts');
    writeFileSync(file, '', { mode: 0o600 });
    const keys = Array.from({ length: 8 }, () => generateKey('ed25519'));
    const results = await Promise.all(keys.map((k, i) => appendKnownHost(file, `host${i}`, k.blob, i % 2 === 0)));
    expect(results).toEqual(keys.map(() => 'added'));
    const entries = parseKnownHosts(readFileSync(file, 'utf8'), file).entries;
    keys.forEach((k, i) => expect(checkHostKey(entries, `host${i}`, k.blob).status).toBe('known'));
  });
});
