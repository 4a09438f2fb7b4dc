/** Who we log in as and with what: ssh config aliases, identities, the agent, passwords. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoEndpointError } from '../../../framework/remote/index.js';
import { fixture, rejection, sleep, type Fixture } from './helpers/fixture.js';
import { generateKey } from './helpers/ssh-server.js';

let f: Fixture;
beforeEach(() => {
  f = fixture();
});
afterEach(async () => f.dispose());

describe('ssh config and identities', () => {
  it('resolves a Host alias to HostName, Port, User and IdentityFile, and reports it', async () => {
    const hmcKey = generateKey('ecdsa');
    const s = await f.server({ authorizedKeys: [hmcKey] });
    f.home.addKey('hmc_key', hmcKey);
    const sshConfig = f.home.write('.ssh/config', `Host hmc-a\n  HostName 127.0.0.1\n  Port ${s.port}\n  User hscroot\n  IdentityFile ~/.ssh/hmc_key\n`);
    const r = await f.remote({ host: 'hmc-a' }, { sshConfigPath: sshConfig }).run(['lshmc', '-V']);
    expect(r.endpoint).toEqual({ host: 'hmc-a', hostname: '127.0.0.1', port: s.port, user: 'hscroot', index: 0 });
    expect(s.commands).toEqual(['lshmc -V']);
    // IdentityFile replaces the defaults (~/.ssh/id_ed25519 exists but is not offered), as with ssh
    expect(s.offeredKeys.length).toBeGreaterThan(0);
    expect(s.offeredKeys.every((k) => k.equals(hmcKey.blob))).toBe(true);
    expect(f.log.text()).toContain('hmc_key');
  });

  it('uses the default identities when none is configured (id_ecdsa here)', async () => {
    const k = generateKey('ecdsa');
    rmSync(f.home.path('.ssh/id_ed25519'));
    f.home.addKey('id_ecdsa', k);
    const s = await f.server({ authorizedKeys: [k] });
    await f.remote(f.endpoint(s)).run('true');
    expect(s.logins).toBe(1);
  });

  it('passes over a passphrase-protected key with a logged reason, and a group-readable one', async () => {
    const locked = generateKey('ed25519', 'secret phrase');
    rmSync(f.home.path('.ssh/id_ed25519'));
    f.home.addKey('id_ed25519', locked);
    const loose = generateKey('ecdsa');
    f.home.write('.ssh/id_ecdsa', loose.private, 0o644);
    const s = await f.server({ authorizedKeys: [locked, loose] });
    const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s), { agent: false }).run('true'));
    expect(e.failures[0]!.error.code).toBe('VCSPVM_SSH_AUTH');
    expect(f.log.records.some((r) => r.level === 'warn' && /passphrase-protected/.test(r.message) && String(r.fields.file).endsWith('id_ed25519'))).toBe(true);
    expect(f.log.records.some((r) => r.level === 'warn' && /accessible by others/.test(r.message) && r.fields.mode === '644')).toBe(true);
    expect(s.logins).toBe(0);
  });

  it('uses a password only when given, and never logs it', async () => {
    const s = await f.server({ authorizedKeys: [], password: 'Pa55-w0rd!' });
    const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s)).run('true'));
    expect(e.failures[0]!.error.message).toBe(`authentication as hscroot to 127.0.0.1:${s.port} failed`);
    expect(s.authAttempts).not.toContain('password');
    const r = await f.remote(f.endpoint(s), { password: 'Pa55-w0rd!' }).run('true');
    expect(r.code).toBe(0);
    expect(s.authAttempts).toContain('password');
    expect(f.log.text()).not.toContain('Pa55-w0rd!');
  });

  it('never logs key material', async () => {
    const s = await f.server();
    await f.remote(f.endpoint(s)).run('true');
    const text = f.log.text();
    const privateBody = f.clientKey.private.split('\n')[1]!;
    expect(text).not.toContain(privateBody);
    expect(text).not.toContain(f.clientKey.blob.toString('base64'));
  });
});

describe('ssh-agent', () => {
  let agent: ChildProcess | undefined;
  afterEach(() => {
    agent?.kill();
    agent = undefined;
  });

  it('logs in with a key held by the agent at SSH_AUTH_SOCK (the file on disk is locked)', async () => {
    const locked = generateKey('ed25519', 'phrase');
    rmSync(f.home.path('.ssh/id_ed25519'));
    f.home.addKey('id_ed25519', locked);
    // ssh-add reads the passphrase from SSH_ASKPASS when there is no terminal
    const askpass = f.home.write('askpass.sh', '#!/bin/sh\necho phrase\n', 0o700);
    const sock = f.home.path('agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 100 && spawnSync('test', ['-S', sock]).status !== 0; i++) await sleep(20);
    const add = spawnSync('ssh-add', [f.home.path('.ssh/id_ed25519')], {
      env: { ...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(add.status, add.stderr).toBe(0);
    const s = await f.server({ authorizedKeys: [locked] });
    f.home.env.SSH_AUTH_SOCK = sock;
    const r = await f.remote(f.endpoint(s)).run('true');
    expect(r.code).toBe(0);
    expect(s.logins).toBe(1);
  });
});
