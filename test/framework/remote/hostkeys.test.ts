/** Host key verification over real SSH: the client against an ssh2 server on loopback. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoEndpointError, closeAllConnections } from '../../../framework/remote/index.js';
import { fixture, rejection, type Fixture } from './helpers/fixture.js';
import { generateKey } from './helpers/ssh-server.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => f.dispose());

const pub = (k: { public: string }): string => k.public.split(' ').slice(0, 2).join(' ');

async function refusal(code: string) {
  const s = f.servers[0]!;
  const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s)).run('echo hi'));
  expect(e).toBeInstanceOf(NoEndpointError);
  expect(e.failures).toHaveLength(1);
  expect(e.failures[0]!.error.code).toBe(code);
  // refused during key exchange: no credential was ever sent, no command ran
  expect(s.authAttempts).toEqual([]);
  expect(s.commands).toEqual([]);
  return e;
}

describe('known_hosts verification', () => {
  it('accepts the [host]:port entry of a non-22 port', async () => {
    const s = await f.server();
    expect(readFileSync(f.home.path('.ssh/known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${s.port} ssh-ed25519 `);
    const r = await f.remote(f.endpoint(s)).run('echo hi');
    expect(r.code).toBe(0);
    expect(s.logins).toBe(1);
  });

  it('accepts a hashed entry (ssh-keygen -H)', async () => {
    const s = await f.server();
    execFileSync('ssh-keygen', ['-H', '-f', f.home.path('.ssh/known_hosts')], { stdio: 'ignore' });
    expect(readFileSync(f.home.path('.ssh/known_hosts'), 'utf8')).not.toContain('127.0.0.1');
    await f.remote(f.endpoint(s)).run('echo hi');
    expect(s.logins).toBe(1);
  });

  it('accepts a wildcard entry', async () => {
    const s = await f.server({ known: false });
    f.home.write('.ssh/known_hosts', `[127.0.0.?]:*,!other ${pub(s.hostKey)}\n`);
    await f.remote(f.endpoint(s)).run('echo hi');
    expect(s.logins).toBe(1);
  });

  it('refuses an unknown host key, and logs it', async () => {
    await f.server({ known: false });
    const e = await refusal('VCSPVM_SSH_HOSTKEY_UNKNOWN');
    expect(e.message).toMatch(/host key of 127\.0\.0\.1:\d+ is not in .*\/\.ssh\/known_hosts \(no such file\); refusing to connect/);
    expect(f.log.records.some((r) => r.level === 'error' && /unknown host key/.test(r.message))).toBe(true);
  });

  it('refuses a changed host key (man in the middle), whatever StrictHostKeyChecking says', async () => {
    const s = await f.server({ known: false });
    f.home.write('.ssh/known_hosts', `[127.0.0.1]:${s.port} ${pub(generateKey('ed25519'))}\n`);
    const e = await refusal('VCSPVM_SSH_HOSTKEY_CHANGED');
    expect(e.failures[0]!.error.message).toContain('known_hosts:1');
    expect(f.log.text()).toMatch(/HOST KEY CHANGED/);
    for (const mode of ['no', 'accept-new'] as const) {
      await closeAllConnections();
      const e2 = await rejection<NoEndpointError>(f.remote(f.endpoint(s), { strictHostKeyChecking: mode }).run('echo'));
      expect(e2.failures[0]!.error.code).toBe('VCSPVM_SSH_HOSTKEY_CHANGED');
    }
    expect(s.authAttempts).toEqual([]);
  });

  it('refuses a @revoked key even when it is also listed as known', async () => {
    const s = await f.server();
    f.home.write('.ssh/known_hosts', `${s.knownHostsLine()}\n@revoked * ${pub(s.hostKey)}\n`);
    await refusal('VCSPVM_SSH_HOSTKEY_REVOKED');
  });

  it('does not take @cert-authority lines as vouching for a plain key', async () => {
    const s = await f.server({ known: false });
    f.home.write('.ssh/known_hosts', `@cert-authority * ${pub(s.hostKey)}\n`);
    await refusal('VCSPVM_SSH_HOSTKEY_UNKNOWN');
    expect(f.log.text()).toMatch(/host certificates are not supported/);
  });

  it('asks the server for a key type known_hosts has when the server holds several', async () => {
    const ed = generateKey('ed25519');
    const ec = generateKey('ecdsa');
    // ed25519 is the client's first preference; only the ECDSA key is recorded.
    const s = await f.server({ hostKeys: [ed, ec], known: false });
    f.home.write('.ssh/known_hosts', `${s.knownHostsLine(undefined, ec)}\n`);
    await f.remote(f.endpoint(s)).run('echo hi');
    expect(s.logins).toBe(1);
  });

  it('StrictHostKeyChecking=no accepts an unknown key with a warning', async () => {
    const s = await f.server({ known: false });
    const sshConfig = f.home.write('.ssh/config', 'Host *\n  StrictHostKeyChecking no\n');
    await f.remote(f.endpoint(s), { sshConfigPath: sshConfig }).run('echo hi');
    expect(s.logins).toBe(1);
    expect(f.log.records.some((r) => r.level === 'warn' && /StrictHostKeyChecking=no/.test(r.message))).toBe(true);
  });

  it('accept-new records a new key atomically (hashed with HashKnownHosts) and trusts it from then on', async () => {
    const s = await f.server({ known: false });
    const sshConfig = f.home.write('.ssh/config', 'Host *\n  StrictHostKeyChecking accept-new\n  HashKnownHosts yes\n');
    await f.remote(f.endpoint(s), { sshConfigPath: sshConfig }).run('echo hi');
    const text = readFileSync(f.home.path('.ssh/known_hosts'), 'utf8');
    expect(text).toMatch(/^\|1\|\S+ ssh-ed25519 \S+\n$/);
    expect(text).toContain(s.hostKey.blob.toString('base64'));
    // OpenSSH finds what we wrote
    expect(execFileSync('ssh-keygen', ['-F', `[127.0.0.1]:${s.port}`, '-f', f.home.path('.ssh/known_hosts')], { encoding: 'utf8' })).toContain('ssh-ed25519');
    // and strict checking now accepts it
    await closeAllConnections();
    await f.remote(f.endpoint(s)).run('echo again');
    expect(s.logins).toBe(2);
  });

  it('reads UserKnownHostsFile and GlobalKnownHostsFile from the ssh config', async () => {
    const s = await f.server({ known: false });
    f.home.write('global_known', `${s.knownHostsLine()}\n`);
    const sshConfig = f.home.write('.ssh/config', `Host *\n  UserKnownHostsFile ~/.ssh/none_here\n  GlobalKnownHostsFile ${f.home.path('global_known')}\n`);
    await f.remote(f.endpoint(s), { sshConfigPath: sshConfig }).run('echo hi');
    expect(s.logins).toBe(1);
  });

  it('uses HostKeyAlias as the known_hosts name', async () => {
    const s = await f.server({ known: false });
    f.home.write('.ssh/known_hosts', `[hmc-cluster]:${s.port} ${pub(s.hostKey)}\n`);
    const sshConfig = f.home.write('.ssh/config', 'Host *\n  HostKeyAlias hmc-cluster\n');
    await f.remote(f.endpoint(s), { sshConfigPath: sshConfig }).run('echo hi');
    expect(s.logins).toBe(1);
  });
});
