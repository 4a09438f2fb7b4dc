import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VcsPowervmError } from '../../../framework/errors.js';
import { SshConfig, type LocalContext } from '../../../framework/remote/ssh-config.js';
import { makeHome, type TestHome } from './helpers/home.js';

let home: TestHome;
let local: LocalContext;
beforeEach(() => {
  home = makeHome();
  local = { home: home.home, localUser: 'me', localHost: 'node1.example.com', uid: 1234, env: { HOME: home.home, KEYDIR: '/keys' } };
});
afterEach(() => home.cleanup());

function config(text: string, extra: Partial<ConstructorParameters<typeof SshConfig>[0]> = {}): SshConfig {
  home.write('.ssh/config', text);
  return new SshConfig({ local, systemPath: home.path('no-system-config'), ...extra });
}

describe('ssh config resolution', () => {
  it('maps a Host alias to HostName, Port, User and IdentityFile', () => {
    const c = config(`
# the two HMCs
Host hmc1
    HostName 10.0.0.11
    Port 2222
    User hscroot
    IdentityFile ~/.ssh/hmc_key
`);
    const r = c.resolve({ host: 'hmc1' });
    expect(r).toMatchObject({ alias: 'hmc1', hostname: '10.0.0.11', port: 2222, user: 'hscroot', identityFiles: [home.path('.ssh/hmc_key')], identityFilesConfigured: true });
    expect(c.resolve({ host: 'other' })).toMatchObject({ hostname: 'other', port: 22, user: 'me', identityFilesConfigured: false });
  });

  it('uses the OpenSSH default identities and known_hosts files when none is configured', () => {
    const r = config('').resolve({ host: 'h' });
    expect(r.identityFiles).toEqual(['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => home.path('.ssh', f)));
    expect(r.userKnownHostsFiles).toEqual([home.path('.ssh/known_hosts'), home.path('.ssh/known_hosts2')]);
    expect(r.globalKnownHostsFiles).toEqual(['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']);
    expect(r.strictHostKeyChecking).toBe('yes');
  });

  it('keeps the first value obtained, but accumulates IdentityFile', () => {
    const r = config(`
Host hmc*
  User first
  IdentityFile ~/.ssh/a
Host *
  User second
  Port 2200
  IdentityFile ~/.ssh/b
`).resolve({ host: 'hmc7' });
    expect(r.user).toBe('first');
    expect(r.port).toBe(2200);
    expect(r.identityFiles).toEqual([home.path('.ssh/a'), home.path('.ssh/b')]);
  });

  it('lets the caller’s user and port win, as ssh -l and -p do', () => {
    const c = config('Host h\n User cfguser\n Port 2022\n');
    expect(c.resolve({ host: 'h', user: 'hscroot', port: 22 })).toMatchObject({ user: 'hscroot', port: 22 });
  });

  it('matches ?, * and ! negation, case-insensitively', () => {
    const c = config(`
Host hmc? !hmc9
  User matched
Host *.EXAMPLE.com
  Port 2022
`);
    expect(c.resolve({ host: 'hmc1' }).user).toBe('matched');
    expect(c.resolve({ host: 'hmc9' }).user).toBe('me');
    expect(c.resolve({ host: 'hmc10' }).user).toBe('me');
    expect(c.resolve({ host: 'a.example.COM' }).port).toBe(2022);
  });

  it('reads Keyword=value, quoted values and trailing comments', () => {
    const r = config(`Host h
  HostName=10.1.1.1
  Port = 2022
  IdentityFile "~/.ssh/my key" # the key with a space
`).resolve({ host: 'h' });
    expect(r).toMatchObject({ hostname: '10.1.1.1', port: 2022, identityFiles: [home.path('.ssh/my key')] });
  });

  it('expands %h %p %r %u %d %n %% tokens and ${ENV} in paths, %h in HostName', () => {
    const r = config(`Host hmc1
  HostName %h.mgmt.example.com
  User hscroot
  Port 2022
  IdentityFile %d/.ssh/%r@%h:%p-%u-%n-100%%
  IdentityFile \${KEYDIR}/id
  UserKnownHostsFile ~/.ssh/kh_%n /tmp/kh2
`).resolve({ host: 'hmc1' });
    expect(r.hostname).toBe('hmc1.mgmt.example.com');
    expect(r.identityFiles).toEqual([home.path('.ssh/hscroot@hmc1.mgmt.example.com:2022-me-hmc1-100%'), '/keys/id']);
    expect(r.userKnownHostsFiles).toEqual([home.path('.ssh/kh_hmc1'), '/tmp/kh2']);
  });

  it('reads StrictHostKeyChecking, with ask meaning yes (we never prompt)', () => {
    const c = config('Host a\n StrictHostKeyChecking no\nHost b\n StrictHostKeyChecking accept-new\nHost c\n StrictHostKeyChecking ask\nHost d\n StrictHostKeyChecking off\n');
    expect(c.resolve({ host: 'a' }).strictHostKeyChecking).toBe('no');
    expect(c.resolve({ host: 'b' }).strictHostKeyChecking).toBe('accept-new');
    expect(c.resolve({ host: 'c' }).strictHostKeyChecking).toBe('yes');
    expect(c.resolve({ host: 'd' }).strictHostKeyChecking).toBe('no');
  });

  it('reads ConnectTimeout, ServerAlive*, HashKnownHosts, HostKeyAlias, IdentitiesOnly, IdentityAgent', () => {
    const r = config(`Host h
  ConnectTimeout 7
  ServerAliveInterval 1m
  ServerAliveCountMax 5
  HashKnownHosts yes
  HostKeyAlias hmc-cluster
  IdentitiesOnly yes
  IdentityAgent none
  UserKnownHostsFile none
`).resolve({ host: 'h' });
    expect(r).toMatchObject({
      connectTimeoutMs: 7000,
      serverAliveIntervalMs: 60_000,
      serverAliveCountMax: 5,
      hashKnownHosts: true,
      hostKeyAlias: 'hmc-cluster',
      identitiesOnly: true,
      identityAgent: null,
      userKnownHostsFiles: [],
    });
  });

  it('follows Include relative to ~/.ssh, with globs, only inside a Host block that applies', () => {
    home.write('.ssh/config.d/10-hmc.conf', 'Host hmc1\n  HostName 10.0.0.1\n');
    home.write('.ssh/config.d/20-hmc.conf', 'Host hmc2\n  HostName 10.0.0.2\n');
    home.write('.ssh/only-for-x.conf', 'User from-include\n');
    const c = config(`Include config.d/*.conf
Host x
  Include only-for-x.conf
Host *
  Port 2022
`);
    expect(c.resolve({ host: 'hmc1' })).toMatchObject({ hostname: '10.0.0.1', port: 2022, user: 'me' });
    expect(c.resolve({ host: 'hmc2' }).hostname).toBe('10.0.0.2');
    expect(c.resolve({ host: 'x' }).user).toBe('from-include');
  });

  it('skips Match blocks it cannot evaluate, and evaluates host/user/all', () => {
    const notes: string[] = [];
    const c = config(
      `Match exec "true"
  User via-exec
Match host 10.0.0.* user hscroot
  Port 2022
Match originalhost hmc1
  IdentityFile ~/.ssh/hmc1
Host hmc1
  HostName 10.0.0.1
Match all
  ConnectTimeout 3
`,
      { onNote: (n) => notes.push(n) },
    );
    const r = c.resolve({ host: 'hmc1', user: 'hscroot' });
    expect(r.user).toBe('hscroot');
    // `Match host` sees HostName only once set: here the Host hmc1 block comes after it.
    expect(r.port).toBe(22);
    expect(r.identityFiles).toEqual([home.path('.ssh/hmc1')]);
    expect(r.connectTimeoutMs).toBe(3000);
    expect(notes.join('\n')).toMatch(/Match exec is not evaluated; block skipped/);
    expect(c.resolve({ host: '10.0.0.5', user: 'hscroot' }).port).toBe(2022);
    expect(c.resolve({ host: '10.0.0.5', user: 'other' }).port).toBe(22);
    const before = config('Host hmc1\n  HostName 10.0.0.1\nMatch host 10.0.0.*\n  Port 2022\nMatch !originalhost hmc1\n  User not-hmc1\n');
    expect(before.resolve({ host: 'hmc1' })).toMatchObject({ port: 2022, user: 'me' });
    expect(before.resolve({ host: 'hmc2' })).toMatchObject({ port: 22, user: 'not-hmc1' });
  });

  it('reports a bad value with file:line:column', () => {
    const c = config('Host h\n  Port nope\n');
    try {
      c.resolve({ host: 'h' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(VcsPowervmError);
      expect((e as VcsPowervmError).code).toBe('VCSPVM_SSH_CONFIG');
      expect((e as Error).message).toBe(`${home.path('.ssh/config')}:2:8: bad Port "nope": expected 1-65535`);
    }
    expect(() => config('Host h\n  StrictHostKeyChecking maybe\n').resolve({ host: 'h' })).toThrow(/:2:25: bad StrictHostKeyChecking/);
    expect(() => config('Host h\n  IdentityFile "unterminated\n').resolve({ host: 'h' })).toThrow(/:2:16: unterminated quoted argument/);
  });

  it('ignores keywords it does not use, and a missing file', () => {
    const c = config('Host *\n  SendEnv LANG LC_*\n  GSSAPIAuthentication yes\n  ForwardAgent no\n');
    expect(c.resolve({ host: 'h' }).port).toBe(22);
    expect(new SshConfig({ local, path: home.path('missing') }).resolve({ host: 'h' }).hostname).toBe('h');
  });

  it('reads the system file after the user file unless a path was given (ssh -F)', () => {
    home.write('.ssh/config', 'Host h\n  Port 2001\n');
    const sys = home.write('etc-ssh_config', 'Host *\n  Port 2002\n  User sysuser\n');
    expect(new SshConfig({ local, systemPath: sys }).resolve({ host: 'h' })).toMatchObject({ port: 2001, user: 'sysuser' });
    expect(new SshConfig({ local, systemPath: sys }).resolve({ host: 'z' }).port).toBe(2002);
    expect(new SshConfig({ local, path: home.path('.ssh/config'), systemPath: sys }).resolve({ host: 'z' }).port).toBe(22);
    expect(new SshConfig({ local, path: 'none', systemPath: sys }).resolve({ host: 'h' }).port).toBe(22);
  });
});
