/** Who we log in as and with what: ssh config aliases, identities, the agent, passwords. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NoEndpointError } from '../../../framework/remote/index.js';
import { allowMs } from '../../support/timing.js';
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

  it('stops on a bad ssh config line, naming file:line:column, before connecting', async () => {
    const s = await f.server();
    const sshConfig = f.home.write('.ssh/config', `Host *\n  ConnectTimeout soon\n`);
    const e = await rejection<Error & { code: string }>(f.remote(f.endpoint(s), { sshConfigPath: sshConfig }).run('true'));
    expect(e.code).toBe('VCSPVM_SSH_CONFIG');
    expect(e.message).toBe(`${sshConfig}:2:18: bad time value "soon" for ConnectTimeout`);
    expect(s.connections).toBe(0);
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

  it('answers a keyboard-interactive password prompt (PAM) with the given password', async () => {
    const s = await f.server({ authorizedKeys: [], password: 'kbd-Secret', keyboardInteractiveOnly: true });
    const r = await f.remote(f.endpoint(s), { password: 'kbd-Secret' }).run('true');
    expect(r.code).toBe(0);
    expect(s.authAttempts).toContain('keyboard-interactive');
    expect(s.authAttempts).not.toContain('password');
    const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s), { password: 'wrong' }).run('true'));
    expect(e.failures[0]!.error.code).toBe('VCSPVM_SSH_AUTH');
    expect(f.log.text()).not.toContain('kbd-Secret');
  });

  it('works with a pino logger, and pino never sees the password', async () => {
    const { default: pino } = await import('pino');
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (l: string) => lines.push(l) });
    const s = await f.server({ authorizedKeys: [], password: 'pino-Secret' });
    await f.remote(f.endpoint(s), { password: 'pino-Secret', logger }).run('true');
    const out = lines.join('');
    expect(out).toContain('"msg":"ssh: connected"');
    expect(out).toContain(`"endpoint":"hscroot@127.0.0.1:${s.port}"`);
    expect(out).not.toContain('pino-Secret');
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
  it('goes on with the key files when SSH_AUTH_SOCK points at no agent', async () => {
    const s = await f.server();
    f.home.env.SSH_AUTH_SOCK = f.home.path('no-agent.sock');
    // the agent comes after the key files: make the files fail first
    const other = generateKey('ed25519');
    rmSync(f.home.path('.ssh/id_ed25519'));
    f.home.addKey('id_ed25519', other);
    const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s)).run('true'));
    expect(e.failures[0]!.error.code).toBe('VCSPVM_SSH_AUTH');
    expect(f.log.records.some((r) => r.level === 'warn' && /SSH agent unusable/.test(r.message))).toBe(true);
    // with a password after the dead agent, login still succeeds
    const s2 = await f.server({ authorizedKeys: [], password: 'pw-after-agent' });
    expect((await f.remote(f.endpoint(s2), { password: 'pw-after-agent' }).run('true')).code).toBe(0);
  });

  let agent: ChildProcess | undefined;
  afterEach(() => {
    agent?.kill();
    agent = undefined;
  });

  /** Starts a real ssh-agent holding `keyFile` (unlocked with `passphrase`); returns its socket. */
  async function startAgent(keyFile: string, passphrase: string): Promise<string> {
    // ssh-add reads the passphrase from SSH_ASKPASS when there is no terminal
    const askpass = f.home.write('askpass.sh', `#!/bin/sh\necho '${passphrase}'\n`, 0o700);
    const sock = f.home.path('agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const env = { ...process.env, SSH_AUTH_SOCK: sock, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' };
    // The socket appears when ssh-agent binds it, a moment before it listens: wait until it answers
    // (`ssh-add -l` exits 2 while it cannot connect, 1 for an agent with no key).
    const end = Date.now() + allowMs(5_000);
    while (spawnSync('ssh-add', ['-l'], { env, stdio: 'ignore' }).status === 2 && Date.now() < end) await sleep(20);
    const add = spawnSync('ssh-add', [keyFile], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
    expect(add.status, add.stderr).toBe(0);
    return sock;
  }

  it('logs in with a key held by the agent at SSH_AUTH_SOCK (the file on disk is locked)', async () => {
    const locked = generateKey('ed25519', 'phrase');
    rmSync(f.home.path('.ssh/id_ed25519'));
    const file = f.home.addKey('id_ed25519', locked);
    f.home.env.SSH_AUTH_SOCK = await startAgent(file, 'phrase');
    const s = await f.server({ authorizedKeys: [locked] });
    const r = await f.remote(f.endpoint(s)).run('true');
    expect(r.code).toBe(0);
    expect(s.logins).toBe(1);
  });

  it('with IdentitiesOnly, offers only the agent keys matching IdentityFile', async () => {
    const inAgent = generateKey('ed25519', 'p');
    const agentFile = f.home.addKey('agent_only', inAgent);
    f.home.env.SSH_AUTH_SOCK = await startAgent(agentFile, 'p');
    rmSync(f.home.path('.ssh/agent_only'));
    rmSync(f.home.path('.ssh/agent_only.pub'));
    const s = await f.server({ authorizedKeys: [inAgent] });
    const only = f.home.write('.ssh/config', 'Host *\n  IdentityFile ~/.ssh/id_ed25519\n  IdentitiesOnly yes\n');
    const e = await rejection<NoEndpointError>(f.remote(f.endpoint(s), { sshConfigPath: only }).run('true'));
    expect(e.failures[0]!.error.code).toBe('VCSPVM_SSH_AUTH');
    expect(s.offeredKeys.some((k) => k.equals(inAgent.blob))).toBe(false);
    // without IdentitiesOnly the agent's key is offered and accepted
    const any = f.home.write('.ssh/config2', 'Host *\n  IdentityFile ~/.ssh/id_ed25519\n');
    expect((await f.remote(f.endpoint(s), { sshConfigPath: any }).run('true')).code).toBe(0);
  });
});
