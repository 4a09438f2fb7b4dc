/** The shell over real SSH: scripts in exec requests, prompts of interactive sessions, streaming and interruption. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientChannel } from 'ssh2';
import { sshClient, sshInteractive, sshPassword, startSim, waitFor, type SimProcess } from './helpers.js';

let sim: SimProcess;
beforeAll(async () => {
  sim = await startSim({ endpoints: 1, speed: 20 });
});
afterAll(() => sim?.stop());

/** An interactive pty shell through ssh2, with everything it printed so far. */
async function ptyShell(port: number): Promise<{ stream: ClientChannel; seen: () => string; end: () => void }> {
  const c = await sshClient(port);
  const stream = await new Promise<ClientChannel>((resolve, reject) => c.shell({ term: 'xterm', cols: 200 }, (err, s) => (err ? reject(err) : resolve(s))));
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
  return { stream, seen: () => text, end: () => c.end() };
}

describe('shell scripts over OpenSSH exec requests', () => {
  it('runs while-read and for loops over HMC output as bash does', () => {
    const port = sim.ports[0]!;
    const each = sshPassword(port, 'lssyscfg -r sys -F name | while read s; do echo "$s: $(lssyscfg -r lpar -m "$s" -F name | wc -l)"; done');
    expect(each).toEqual({ status: 0, stdout: 'sys1: 4\nsys2: 3\n', stderr: '' });
    const loop = sshPassword(port, 'for m in $(lssyscfg -r sys -F name); do lssyscfg -r lpar -m $m --filter lpar_names=lpar05 -F state 2>&1 | head -1; done');
    expect(loop.stdout).toBe('Running\nHSCL8012 The partition named lpar05 was not found.  Please check your entry and retry the command.\n');
    expect(sshPassword(port, 'false || echo "rc=$?"').stdout).toBe('rc=1\n');
    expect(sshPassword(port, 'lssyscfg -r sys -F name 2>/dev/null')).toEqual({ status: 1, stdout: '', stderr: '/bin/bash: /dev/null: restricted: cannot redirect output\n' });
  });

  it('streams output as commands produce it', async () => {
    const c = await sshClient(sim.ports[0]!);
    const events: Array<[string, number]> = [];
    const start = Date.now();
    await new Promise<void>((resolve, reject) =>
      c.exec('echo first; sleep 1; echo second', (err, stream) => {
        if (err) return reject(err);
        stream.on('data', (d: Buffer) => events.push([d.toString(), Date.now() - start]));
        stream.on('close', () => resolve());
      }),
    );
    c.end();
    expect(events.map(([t]) => t).join('')).toBe('first\nsecond\n');
    expect(events[0]![0]).toBe('first\n');
    expect(events[events.length - 1]![1] - events[0]![1]).toBeGreaterThan(800);
  });

  it('stops an endless loop when the client closes the channel or the connection, and keeps answering', async () => {
    const port = sim.ports[0]!;
    const lshmcRuns = () => JSON.parse(sim.ctl('stats').stdout)[`127.0.0.1:${port}`].commands.lshmc ?? 0;
    for (const how of ['channel', 'connection'] as const) {
      const c = await sshClient(port);
      const before = lshmcRuns();
      await new Promise<void>((resolve, reject) =>
        c.exec('while :; do lshmc -V | wc -l; done', (err, stream) => {
          if (err) return reject(err);
          stream.once('data', () => {
            if (how === 'channel') stream.close();
            else c.end();
            resolve();
          });
        }),
      );
      await new Promise((r) => setTimeout(r, 300));
      const stopped = lshmcRuns();
      expect(stopped, how).toBeGreaterThan(before);
      await new Promise((r) => setTimeout(r, 500));
      expect(lshmcRuns(), how).toBe(stopped);
      c.end();
    }
    expect(sshPassword(port, 'lssyscfg -r sys -F name').stdout).toBe('sys1\nsys2\n');
  });
});

describe('a shell without a pty, reading its script from standard input', () => {
  it('runs a long loop and a while-read over several lines, as `ssh hmc < script` does', async () => {
    const c = await sshClient(sim.ports[0]!);
    const script =
      'n=0\nfor s in $(lssyscfg -r sys -F name); do\n' + '  n=$((n+1)); x=$(echo "$s")\n'.repeat(3000) + 'done\necho "n=$n"\nlssyscfg -r sys -F name | while read s\ndo\n  echo "<$s>"\ndone\nexit 3\n';
    const r = await new Promise<{ out: string; err: string; code: number | null }>((resolve, reject) =>
      c.shell(false as never, (err, stream) => {
        if (err) return reject(err);
        let out = '';
        let errText = '';
        let code: number | null = null;
        stream.on('data', (d: Buffer) => (out += d));
        stream.stderr.on('data', (d: Buffer) => (errText += d));
        stream.on('exit', (c2: number | null) => (code = c2));
        stream.on('close', () => resolve({ out, err: errText, code }));
        stream.end(script);
      }),
    );
    c.end();
    expect(r).toEqual({ out: 'n=6000\n<sys1>\n<sys2>\n', err: '', code: 3 });
  });
});

describe('interactive sessions', () => {
  it('shows the prompt PS1 makes: set plainly, exported, with bash escapes', () => {
    const r = sshInteractive(sim.ports[0]!, "PS1='[console-expect]#'\nlssyscfg -r sys -F name\nexport PS1='\\u@\\h:\\w \\$ '\necho hi\nexit\n");
    expect(r.stdout).toContain('hscroot@hmc6:~> PS1=');
    expect(r.stdout).toContain('\r\n[console-expect]#lssyscfg -r sys -F name\r\nsys1\r\nsys2\r\n[console-expect]#export PS1=');
    expect(r.stdout).toContain("\r\nhscroot@hmc6:~ $ echo hi\r\nhi\r\nhscroot@hmc6:~ $ exit\r\nlogout\r\n");
  });

  it('prompts with PS2 inside an unfinished loop and runs it once it is complete', () => {
    const r = sshInteractive(sim.ports[0]!, 'for s in $(lssyscfg -r sys -F name)\ndo\n  echo "<$s>"\ndone\nexit\n');
    expect(r.stdout).toContain('hscroot@hmc6:~> for s in $(lssyscfg -r sys -F name)\r\n> do\r\n>   echo "<$s>"\r\n> done\r\n<sys1>\r\n<sys2>\r\nhscroot@hmc6:~> exit');
  });

  it('interrupts a running command line with ^C and gives the prompt back', async () => {
    const sh = await ptyShell(sim.ports[0]!);
    await waitFor(() => sh.seen().includes('hscroot@hmc6:~> '), 10_000, 'the first prompt');
    sh.stream.write('while true; do :; done\n');
    await new Promise((r) => setTimeout(r, 300));
    sh.stream.write('\u0003');
    await waitFor(() => /\^C\r\nhscroot@hmc6:~> $/.test(sh.seen()), 10_000, 'the prompt after ^C');
    sh.stream.write('echo "rc=$?"\n');
    await waitFor(() => sh.seen().includes('rc=130'), 10_000, 'the status of the interrupted loop');
    sh.end();
  });
});
