/**
 * The simulated AIX WPAR commands, run as processes the way agents run them:
 * listings in each format, start/stop with their flags and errors, the
 * injected faults, clogin, mkwpar/chwpar/rmwpar. Needs dist/.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const BIN = join(ROOT, 'sim', 'aix', 'bin');

let sim: string;
beforeEach(() => {
  sim = mkdtempSync(join(tmpdir(), 'aixsim-wpar-'));
});
afterEach(() => rmSync(sim, { recursive: true, force: true }));

function run(cmd: string, args: string[], timeout = 20_000) {
  const r = spawnSync(join(BIN, cmd), args, { encoding: 'utf8', timeout, env: { ...process.env, AIXSIM_ROOT: sim } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const stateOf = (name: string) => run('lswpar', ['-c', '-q', '-a', 'state', name]).stdout.trim();

describe('mkwpar and lswpar', () => {
  it('creates system WPARs and lists them as a table, colon-separated, without header, by field and state', () => {
    expect(run('mkwpar', ['-n', 'w2', '-h', 'w2host', '-N', 'address=10.1.1.5', 'netmask=255.255.255.0'])).toMatchObject({ code: 0, stdout: 'Workload partition w2 created successfully.\n' });
    expect(run('mkwpar', ['-n', 'w1']).code).toBe(0);
    const table = run('lswpar', []).stdout.split('\n');
    expect(table[0]).toMatch(/^Name\s+State\s+Type\s+Hostname\s+Directory\s+RootVG WPAR$/);
    expect(table[1]).toMatch(/^-+$/);
    expect(table[2]).toMatch(new RegExp(`^w1\\s+D\\s+S\\s+w1\\s+${join(sim, 'wpars', 'w1')}\\s+no$`));
    expect(table[3]).toMatch(/^w2\s+D\s+S\s+w2host\s/);
    expect(run('lswpar', ['-c']).stdout.split('\n')[0]).toBe('#name:state:type:hostname:directory:rootvgwpar');
    expect(run('lswpar', ['-c', '-q']).stdout).toBe(`w1:D:S:w1:${join(sim, 'wpars', 'w1')}:no\nw2:D:S:w2host:${join(sim, 'wpars', 'w2')}:no\n`);
    expect(run('lswpar', ['-cq', '-a', 'name,state', 'w2']).stdout).toBe('w2:D\n');
    expect(run('lswpar', ['-Ncq']).stdout).toBe('w2:en0:10.1.1.5:255.255.255.0:\n');
    expect(run('startwpar', ['w1']).code).toBe(0);
    expect(run('lswpar', ['-cq', '-s', 'A', '-a', 'name']).stdout).toBe('w1\n');
    expect(existsSync(join(sim, 'wpars', 'w1', 'etc'))).toBe(true);
  });

  it('refuses bad names, duplicates, unknown fields, and names a WPAR it cannot find (exit 1, the others listed)', () => {
    for (const bad of ['a;b', '-x', '0abc', 'a b', 'x'.repeat(26), 'a/b', '$(id)']) expect(run('mkwpar', ['-n', bad]).code, bad).toBe(2);
    expect(run('mkwpar', ['-n', 'w1']).code).toBe(0);
    expect(run('mkwpar', ['-n', 'w1'])).toMatchObject({ code: 1, stderr: 'mkwpar: Workload partition w1 already exists.\n' });
    expect(run('lswpar', ['-a', 'bogus']).code).toBe(2);
    const r = run('lswpar', ['-cq', '-a', 'name,state', 'w1', 'nope']);
    expect(r).toMatchObject({ code: 1, stdout: 'w1:D\n', stderr: 'lswpar: Could not find a workload partition called nope.\n' });
  });

  it('mkwpar -r copies the host resolv.conf into the WPAR; -s starts it', () => {
    mkdirSync(join(sim, 'etc'), { recursive: true });
    writeFileSync(join(sim, 'etc', 'resolv.conf'), 'nameserver 192.0.2.1\n');
    expect(run('mkwpar', ['-n', 'w1', '-r', '-s']).code).toBe(0);
    expect(stateOf('w1')).toBe('A');
    expect(readFileSync(join(sim, 'wpars', 'w1', 'etc', 'resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.1\n');
  });
});

describe('startwpar and stopwpar', () => {
  beforeEach(() => {
    run('mkwpar', ['-n', 'w1']);
    run('wparsim', ['delay', 'w1', '50']);
  });

  it('start and stop change the state; each refuses the wrong state', () => {
    expect(run('stopwpar', ['w1'])).toMatchObject({ code: 1, stderr: 'stopwpar: Workload partition w1 is not active.\n' });
    expect(run('startwpar', ['-v', 'w1'])).toMatchObject({ code: 0 });
    expect(stateOf('w1')).toBe('A');
    expect(run('startwpar', ['w1']).code).toBe(1);
    expect(run('stopwpar', ['-r', 'w1']).code).toBe(0);
    expect(stateOf('w1')).toBe('A');
    expect(run('stopwpar', ['-t', '5', 'w1']).code).toBe(0);
    expect(stateOf('w1')).toBe('D');
    expect(run('startwpar', ['nope'])).toMatchObject({ code: 1, stderr: 'startwpar: Could not find a workload partition called nope.\n' });
    expect(run('stopwpar', ['-h', '-F', 'w1']).code).toBe(2);
    expect(run('stopwpar', ['-t', '5', '-N', 'w1']).code).toBe(2);
    expect(run('stopwpar', ['-t', 'x', 'w1']).code).toBe(2);
  });

  it('a normal stop that hangs fails after -t and leaves the WPAR Active; -F stops it', () => {
    run('startwpar', ['w1']);
    run('wparsim', ['fault', 'w1', 'stopHang', 'on']);
    const t0 = Date.now();
    expect(run('stopwpar', ['-t', '1', 'w1'])).toMatchObject({ code: 1, stderr: 'stopwpar: Timed out waiting for the processes of w1 to stop.\n' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(stateOf('w1')).toBe('A');
    expect(run('stopwpar', ['-F', 'w1']).code).toBe(0);
    expect(stateOf('w1')).toBe('D');
  });

  it('a stop killed while it hangs leaves the WPAR Transitional: only -F or -h stop it then', () => {
    run('startwpar', ['w1']);
    run('wparsim', ['fault', 'w1', 'stopHang', 'on']);
    expect(run('stopwpar', ['-N', 'w1'], 1500).code).toBe(null);
    expect(stateOf('w1')).toBe('T');
    expect(run('stopwpar', ['w1']).stderr).toMatch(/in transition; use -F or -h/);
    expect(run('stopwpar', ['-h', 'w1']).code).toBe(0);
    expect(stateOf('w1')).toBe('D');
  });

  it('Broken: a crashed WPAR needs -F; unkillable processes leave it Broken; a failed start breaks it', () => {
    run('startwpar', ['w1']);
    expect(run('wparsim', ['crash', 'w1']).code).toBe(0);
    expect(stateOf('w1')).toBe('B');
    expect(run('startwpar', ['w1']).code).toBe(1);
    expect(run('stopwpar', ['w1']).stderr).toMatch(/Broken; use -F/);
    run('wparsim', ['fault', 'w1', 'unkillable', 'on']);
    expect(run('stopwpar', ['-F', 'w1']).code).toBe(1);
    expect(stateOf('w1')).toBe('B');
    run('wparsim', ['fault', 'w1', 'unkillable', 'off']);
    expect(run('stopwpar', ['-F', 'w1']).code).toBe(0);
    run('wparsim', ['fault', 'w1', 'startFail', 'on']);
    expect(run('startwpar', ['w1']).code).toBe(1);
    expect(stateOf('w1')).toBe('B');
  });

  it('wparsim sets any state letter and refuses the others', () => {
    for (const s of ['D', 'L', 'A', 'F', 'P', 'B', 'T']) {
      expect(run('wparsim', ['set', 'w1', s]).code).toBe(0);
      expect(stateOf('w1')).toBe(s);
    }
    expect(run('wparsim', ['set', 'w1', 'X']).code).toBe(2);
    expect(run('wparsim', ['set', 'nope', 'A']).code).toBe(2);
  });
});

describe('clogin, chwpar, rmwpar', () => {
  it('clogin runs a command inside an active WPAR, absolute paths taken inside it', () => {
    run('mkwpar', ['-n', 'w1']);
    writeFileSync(join(sim, 'wpars', 'w1', 'etc', 'resolv.conf'), 'domain inside.example\n');
    expect(run('clogin', ['w1', 'cat', '/etc/resolv.conf'])).toMatchObject({ code: 1, stderr: 'clogin: Workload partition w1 is not active.\n' });
    run('startwpar', ['w1']);
    expect(run('clogin', ['w1', 'cat', '/etc/resolv.conf'])).toMatchObject({ code: 0, stdout: 'domain inside.example\n' });
    expect(run('clogin', ['w1', '-l', 'root', 'cat', '/etc/nothing']).code).not.toBe(0);
    expect(run('clogin', ['w1']).code).toBe(2);
  });

  it('chwpar -R keeps resource controls and refuses unknown ones; rmwpar refuses an active WPAR without -s', () => {
    run('mkwpar', ['-n', 'w1']);
    expect(run('chwpar', ['-R', 'rset=sys/r1', 'shares_CPU=20', 'w1']).code).toBe(0);
    expect(run('chwpar', ['-R', 'bogus=1', 'w1']).code).toBe(2);
    const db = JSON.parse(run('wparsim', ['dump']).stdout);
    expect(db.wpars.w1.resourceControls).toEqual({ rset: 'sys/r1', shares_CPU: '20' });
    run('startwpar', ['w1']);
    expect(run('rmwpar', ['w1']).code).toBe(1);
    expect(run('rmwpar', ['-s', 'w1']).code).toBe(0);
    expect(existsSync(join(sim, 'wpars', 'w1'))).toBe(false);
    expect(run('lswpar', ['-cq']).stdout).toBe('');
    const log = readFileSync(join(sim, 'var', 'adm', 'wpar.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).argv[0]);
    // A usage error (chwpar -R bogus=1) is refused before anything is recorded.
    expect(log).toEqual(['mkwpar', 'chwpar', 'startwpar', 'rmwpar', 'rmwpar']);
  });
});

describe("the seed's own WPAR commands", () => {
  const outside: string[] = [];
  afterEach(() => {
    for (const d of outside.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('mkwpar -d /wpars/x -r makes the WPAR under $AIXSIM_ROOT, never at /wpars/x on this host', () => {
    const name = `x${process.pid}${Date.now() % 100000}`;
    outside.push(join('/wpars', name));
    mkdirSync(join(sim, 'etc'), { recursive: true });
    writeFileSync(join(sim, 'etc', 'resolv.conf'), 'nameserver 192.0.2.1\n');
    expect(run('mkwpar', ['-l', '-n', name, '-h', name, '-d', `/wpars/${name}`, '-r', '-N', 'address=10.209.87.132', 'netmask=255.255.252.0']).code).toBe(0);
    // Before: the root directory (and its resolv.conf) were made at /wpars/<name> on the machine itself.
    expect(existsSync(join('/wpars', name))).toBe(false);
    expect(readFileSync(join(sim, 'wpars', name, 'etc', 'resolv.conf'), 'utf8')).toBe('nameserver 192.0.2.1\n');
    expect(run('lswpar', ['-cq', '-a', 'directory', name]).stdout).toBe(`${join(sim, 'wpars', name)}\n`);
    expect(run('mkwpar', ['-n', 'y', '-d', 'relative/dir']).code).toBe(2);
  });

  it('startwpar -Dv and stopwpar -Dv, the debug trace on standard error (stopwpar -D was refused)', () => {
    run('mkwpar', ['-n', 'wpar1']);
    const start = run('startwpar', ['-Dv', 'wpar1']);
    expect(start.code).toBe(0);
    expect(start.stderr).toMatch(/^startwpar: debug: wpar1: /m);
    const stop = run('stopwpar', ['-Dv', 'wpar1']);
    expect(stop.code).toBe(0);
    expect(stop.stderr).toMatch(/^stopwpar: debug: wpar1: .*state D$/m);
    expect(stateOf('wpar1')).toBe('D');
  });

  it('a WPAR root on NFS made on one node and defined on the other from its specification file (-M, -w -o -e, -p -f)', () => {
    const nfs = mkdtempSync(join(tmpdir(), 'aixsim-nfs-'));
    const sim2 = mkdtempSync(join(tmpdir(), 'aixsim-wpar2-'));
    outside.push(nfs, sim2);
    const on = (root: string, cmd: string, args: string[]) => {
      const r = spawnSync(join(BIN, cmd), args, { encoding: 'utf8', env: { ...process.env, AIXSIM_ROOT: root, AIXSIM_NFS: nfs } });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const mounts = ['-M', 'directory=/', 'vfs=nfs', 'host=host123', 'dev=/root01', '-M', 'directory=/var', 'vfs=nfs', 'host=host123', 'dev=/var01'];
    expect(on(sim, 'mkwpar', ['-n', 'wpar', '-h', 'wparhost', '-N', 'interface=en0', 'address=172.16.0.5', 'netmask=255.255.255.0', '-r', ...mounts, '-d', '/wpar1']).code).toBe(0);
    expect(on(sim, 'lswpar', ['-Mcq', 'wpar']).stdout).toBe(
      'wpar:/:/root01:nfs:host123:\nwpar:/var:/var01:nfs:host123:\nwpar:/usr:/usr:namefs::ro\nwpar:/opt:/opt:namefs::ro\nwpar:/proc:/proc:namefs::rw\n',
    );
    expect(on(sim, 'mkwpar', ['-w', '-o', '/tmp/wpar.spec', '-e', 'wpar']).code).toBe(0);
    const spec = readFileSync(join(sim, 'tmp', 'wpar.spec'), 'utf8');
    expect(spec).toMatch(/^mount:\n\tdirectory = "\/"\n\tvfs = "nfs"\n\thost = "host123"\n\tdev = "\/root01"$/m);
    // The other node: the root is already there (on NFS), so mkwpar needs -p to keep it.
    mkdirSync(join(sim2, 'tmp'), { recursive: true });
    writeFileSync(join(sim2, 'tmp', 'wpar.spec'), spec);
    expect(on(sim2, 'mkwpar', ['-f', '/tmp/wpar.spec', '-n', 'wpar'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/is not empty; use -p/) });
    expect(on(sim2, 'mkwpar', ['-p', '-f', '/tmp/wpar.spec', '-n', 'wpar']).code).toBe(0);
    expect(on(sim2, 'lswpar', ['-cq', '-a', 'name,state,hostname', 'wpar']).stdout).toBe('wpar:D:wparhost\n');
    expect(on(sim2, 'lswpar', ['-Ncq', 'wpar']).stdout).toBe('wpar:en0:172.16.0.5:255.255.255.0:\n');
    // One root: what the first node's WPAR wrote, the second node's sees.
    expect(on(sim, 'startwpar', ['wpar']).code).toBe(0);
    expect(on(sim, 'clogin', ['wpar', 'sh', '-c', 'echo written-on-node1 > "$0"', '/var/marker']).code).toBe(0);
    expect(on(sim, 'stopwpar', ['wpar']).code).toBe(0);
    expect(on(sim2, 'startwpar', ['wpar']).code).toBe(0);
    expect(on(sim2, 'clogin', ['wpar', 'cat', '/var/marker']).stdout).toBe('written-on-node1\n');
    // Removing the definition on one node leaves the shared root alone.
    expect(on(sim2, 'rmwpar', ['-s', 'wpar']).code).toBe(0);
    expect(existsSync(join(nfs, 'host123', 'root01', 'etc'))).toBe(true);
    expect(on(sim2, 'mkwpar', ['-p', '-n', 'other', '-d', '/nowhere']).code).toBe(1);
  });

  it('mkwpar -M with a root device (the VxFS root of the seed) and namefs mounts of global directories', () => {
    const shared = mkdtempSync(join(tmpdir(), 'aixsim-shared-'));
    outside.push(shared);
    writeFileSync(join(shared, 'data'), 'global data\n');
    expect(run('mkwpar', ['-n', 'fsqawpar', '-M', 'directory=/', 'dev=/dev/vx/rdisk/rootdg/vol2', 'vfs=vxfs', '-M', 'directory=/vxfs_dir', 'vfs=namefs', `dev=${shared}`]).code).toBe(0);
    expect(run('startwpar', ['-v', 'fsqawpar']).code).toBe(0);
    expect(run('clogin', ['fsqawpar', 'cat', '/vxfs_dir/data']).stdout).toBe('global data\n');
    expect(run('lswpar', ['-Mcq', '-a', 'mountpoint,vfs', 'fsqawpar']).stdout.split('\n').slice(0, 2)).toEqual(['/:vxfs', '/vxfs_dir:namefs']);
  });

  it('clogin runs a command as seen inside: the shared /usr of a system WPAR, not the global /bin; a detached WPAR has its own /usr', () => {
    run('mkwpar', ['-n', 'shared']);
    run('mkwpar', ['-l', '-n', 'detached']);
    run('startwpar', ['shared']);
    run('startwpar', ['detached']);
    expect(run('clogin', ['shared', '/usr/bin/env', 'true']).code).toBe(0);
    expect(run('clogin', ['shared', '/bin/true'])).toMatchObject({ code: 127, stderr: 'clogin: /bin/true: not found in workload partition shared\n' });
    expect(run('clogin', ['detached', '/usr/bin/env', 'true']).code).toBe(127);
    mkdirSync(join(sim, 'wpars', 'detached', 'usr', 'bin'), { recursive: true });
    writeFileSync(join(sim, 'wpars', 'detached', 'usr', 'bin', 'hello'), '#!/bin/sh\necho "inside $(pwd)"\n', { mode: 0o755 });
    expect(run('clogin', ['detached', '/usr/bin/hello']).stdout).toBe(`inside ${join(sim, 'wpars', 'detached')}\n`);
  });
});

describe("a WPAR's processes", () => {
  it('what clogin started (daemons too) ends when the WPAR stops or crashes, not before', async () => {
    run('mkwpar', ['-n', 'w1']);
    run('wparsim', ['delay', 'w1', '10']);
    run('startwpar', ['w1']);
    const daemon = () => {
      const r = run('clogin', ['w1', 'sh', '-c', 'nohup sleep 300 >/dev/null 2>&1 & echo $!']);
      return Number(r.stdout.trim());
    };
    const alive = (pid: number) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
      } catch {
        return false;
      }
    };
    const a = daemon();
    expect(alive(a)).toBe(true);
    expect(run('stopwpar', ['w1']).code).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(a)).toBe(false);
    run('startwpar', ['w1']);
    const b = daemon();
    run('wparsim', ['crash', 'w1']);
    await new Promise((r) => setTimeout(r, 100));
    expect(alive(b)).toBe(false);
  });
});
