import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execOn, sshClient, sshInteractive, sshPassword, startSim, tmp, type SimProcess } from './helpers.js';

let sim: SimProcess;
let keyA: string;
let keyB: string;

function keygen(dir: string, name: string): string {
  const path = join(dir, name);
  spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', path]);
  return path;
}

beforeAll(async () => {
  const dir = tmp();
  keyA = keygen(dir, 'keyA');
  keyB = keygen(dir, 'keyB');
  const authorized = join(dir, 'authorized_keys');
  writeFileSync(authorized, `# test keys\n${readFileSync(`${keyA}.pub`, 'utf8')}`);
  sim = await startSim({ extra: ['--authorized-keys', authorized] });
});
afterAll(() => sim?.stop());

const keyLogin = (port: number, key: string, command: string) =>
  spawnSync('/usr/bin/ssh', ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-o', 'BatchMode=yes', '-o', 'PasswordAuthentication=no', '-o', 'KbdInteractiveAuthentication=no', '-o', 'IdentitiesOnly=yes', '-i', key, '-p', String(port), 'hscroot@127.0.0.1', command], { encoding: 'utf8', timeout: 90_000 });

describe('hmcsim over OpenSSH', () => {
  it('runs exec requests: output on stdout, HMC errors on stdout with exit 1, shell errors on stderr', () => {
    const [port] = sim.ports;
    expect(sshPassword(port!, 'lssyscfg -r sys -F name')).toEqual({ status: 0, stdout: 'sys1\nsys2\n', stderr: '' });
    const err = sshPassword(port!, "lssyscfg -r lpar -m sys1 --filter 'lpar_names=ghost'");
    expect(err).toEqual({ status: 1, stdout: 'HSCL8012 The partition named ghost was not found.  Please check your entry and retry the command.\n', stderr: '' });
    expect(sshPassword(port!, 'last')).toEqual({ status: 127, stdout: '', stderr: '/bin/bash: last: command not found\n' });
  });

  it('refuses a wrong password (ssh exit 255) and counts the failure', () => {
    const before = JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${sim.ports[0]}`].authFailures;
    const r = sshPassword(sim.ports[0]!, 'lssyscfg -r sys', { password: 'wrong' });
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/Permission denied/);
    expect(JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${sim.ports[0]}`].authFailures).toBeGreaterThan(before);
  });

  it('accepts a key from --authorized-keys, and one added with mkauthkeys -a, and refuses others', () => {
    const port = sim.ports[1]!;
    expect(keyLogin(port, keyA, 'lshmc -r -F ssh').stdout).toBe('enable\n');
    const denied = keyLogin(port, keyB, 'lshmc -r -F ssh');
    expect(denied.status).toBe(255);
    const pub = readFileSync(`${keyB}.pub`, 'utf8').trim();
    // The form of ansible's passwordless setup: the key in single quotes inside double quotes.
    expect(sshPassword(port, `mkauthkeys -a "'${pub}'"`).status).toBe(0);
    expect(keyLogin(port, keyB, 'lshmc -n -F hostname').stdout).toBe('hmc7\n');
    expect(sshPassword(port, `mkauthkeys -r "keyB@test"`).status).toBe(0);
    expect(keyLogin(port, keyB, 'true').status).toBe(255);
  });

  it('authenticates ssh2 clients with password and keyboard-interactive', async () => {
    const pw = await sshClient(sim.ports[0]!);
    expect((await execOn(pw, 'lssyscfg -r sys -m sys1 -F state')).stdout).toBe('Operating\n');
    pw.end();
    const prompts: string[] = [];
    const kbd = await sshClient(sim.ports[0]!, { password: undefined, tryKeyboard: true, authHandler: ['keyboard-interactive'] } as never, (c) =>
      c.on('keyboard-interactive', (_n, _i, _l, asked, finish) => {
        prompts.push(...asked.map((a) => a.prompt));
        finish(['abc123']);
      }),
    );
    expect(prompts).toEqual(['Password: ']);
    expect((await execOn(kbd, 'echo ok')).stdout).toBe('ok\n');
    kbd.end();
  });

  it('gives an interactive login the banner, prompt, echo and \\r\\n line endings', () => {
    const r = sshInteractive(sim.ports[0]!, 'lssyscfg -r sys -F name\nexit 4\n');
    expect(r.status).toBe(4);
    expect(r.stdout).toMatch(/^Last login: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} from 127\.0\.0\.1\r\nhscroot@hmc6:~> lssyscfg -r sys -F name\r\nsys1\r\nsys2\r\nhscroot@hmc6:~> exit 4\r\nlogout\r\n$/);
    const second = sshInteractive(sim.ports[1]!, 'quit\n');
    expect(second.stdout).toContain('hscroot@hmc7:~> quit\r\n');
  });

  it('continues a line with an open quote with the > prompt, and edits with backspace', () => {
    const r = sshInteractive(sim.ports[0]!, "echo 'a\nb'\necho abx\u007fc\n\u0004");
    expect(r.stdout).toContain("hscroot@hmc6:~> echo 'a\r\n> b'\r\na\r\nb\r\n");
    expect(r.stdout).toContain('echo abx\b \bc\r\nabc\r\n');
    expect(r.status).toBe(0);
  });

  it('runs a shell without a pty from standard input, without prompt or echo', () => {
    const r = sshPassword(sim.ports[0]!, '', { extra: ['-T'], input: 'lssyscfg -r sys -F name\nnosuch\n' });
    expect(r.stdout).toBe('sys1\nsys2\n');
    expect(r.stderr).toBe('bash: nosuch: command not found\n');
    expect(r.status).toBe(127);
  });

  it('serves one world through every endpoint (redundant HMCs) and counts the work per endpoint', async () => {
    sim.ctl('stats', '--reset');
    const [p1, p2] = sim.ports as [number, number];
    expect(sshPassword(p1, 'chsyscfg -r lpar -m sys2 -i "name=aixnode56mp1,lpar_avail_priority=200"').status).toBe(0);
    expect(sshPassword(p2, 'lssyscfg -r lpar -m sys2 --filter lpar_names=aixnode56mp1 -F lpar_avail_priority').stdout).toBe('200\n');
    const c = await sshClient(p2);
    await execOn(c, 'lssyscfg -r sys');
    const stats = JSON.parse(sim.ctl('stats').stdout);
    expect(stats[`127.0.0.1:${p1}`]).toMatchObject({ name: 'hmc6', logins: 1, commands: { chsyscfg: 1 } });
    expect(stats[`127.0.0.1:${p2}`]).toMatchObject({ name: 'hmc7', logins: 2, openSessions: 1, commands: { lssyscfg: 2 } });
    c.end();
  });
});

describe('files on the HMC', () => {
  const scp = (port: number, from: string, to: string) => {
    const dir = tmp('askpass-');
    const askpass = join(dir, 'askpass.sh');
    writeFileSync(askpass, '#!/bin/sh\necho abc123\n', { mode: 0o700 });
    try {
      return spawnSync('/usr/bin/scp', ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-P', String(port), from, to], {
        encoding: 'utf8',
        env: { ...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0' },
        timeout: 90_000,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  it('takes files copied with scp into the home directory, where mksyscfg -f reads them', () => {
    const dir = tmp();
    const cfg = join(dir, 'lpars.cfg');
    writeFileSync(cfg, 'name=scp1,lpar_env=aixlinux,profile_name=p1,all_resources=1\nname=scp2,lpar_env=aixlinux,profile_name=p2,all_resources=1\n');
    const port = sim.ports[0]!;
    expect(scp(port, cfg, 'hscroot@127.0.0.1:').status).toBe(0);
    expect(sshPassword(port, 'mksyscfg -r lpar -m sys2 -f lpars.cfg').status).toBe(0);
    expect(sshPassword(port, 'lssyscfg -r lpar -m sys2 -F name | grep scp').stdout).toBe('scp1\nscp2\n');
    expect(scp(port, 'hscroot@127.0.0.1:lpars.cfg', join(dir, 'back.cfg')).status).toBe(0);
    expect(readFileSync(join(dir, 'back.cfg'), 'utf8')).toBe(readFileSync(cfg, 'utf8'));
    const outside = scp(port, cfg, 'hscroot@127.0.0.1:/etc/lpars.cfg');
    expect(outside.status).not.toBe(0);
    expect(outside.stderr).toMatch(/Permission denied/);
  });
});

describe('host key', () => {
  it('is created once in --host-key FILE (0600) and pins: StrictHostKeyChecking=yes accepts it, refuses another', async () => {
    const dir = tmp();
    const hostKey = join(dir, 'host_key');
    const first = await startSim({ endpoints: 1, extra: ['--host-key', hostKey] });
    const pub = readFileSync(`${hostKey}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
    expect(readFileSync(hostKey, 'utf8')).toMatch(/BEGIN OPENSSH PRIVATE KEY/);
    expect((spawnSync('stat', ['-c', '%a', hostKey], { encoding: 'utf8' }).stdout ?? '').trim()).toBe('600');
    await first.stop();
    const second = await startSim({ endpoints: 1, extra: ['--host-key', hostKey] });
    try {
      const port = second.ports[0]!;
      const known = join(dir, 'known_hosts');
      writeFileSync(known, `[127.0.0.1]:${port} ${pub}\n`);
      const pinned = sshPassword(port, 'lshmc -V', { extra: ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${known}`] });
      expect(pinned.status).toBe(0);
      expect(pinned.stdout).toContain('base_version=V10R3');
      const other = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'other')]);
      expect(other.status).toBe(0);
      writeFileSync(known, `[127.0.0.1]:${port} ${readFileSync(join(dir, 'other.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')}\n`);
      const refused = sshPassword(port, 'lshmc -V', { extra: ['-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${known}`] });
      expect(refused.status).toBe(255);
      expect(refused.stderr).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
    } finally {
      await second.stop();
    }
  });
});
