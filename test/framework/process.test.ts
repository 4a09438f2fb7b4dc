/**
 * Whether a process runs: the one test the Application agent, the WPAR
 * simulator's users and `vcsagent check` share. A zombie (exited, never
 * reaped: PID 1 of a container may not reap orphans) still answers signal 0
 * but does not run.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isProcessAlive, isProcessRunning, procStat } from '../../framework/process.js';

describe('isProcessRunning', () => {
  it('a running process runs; a zombie and a reaped process do not', async () => {
    expect(isProcessRunning(process.pid)).toBe(true);
    // The shell starts a child in the background, then becomes `sleep`, which never waits for it: a
    // zombie. The child exits only once its parent is `sleep` — a child that exited first (`true &`
    // on a busy machine) could be reaped by the shell before its exec, and there was no zombie.
    const child = 'while [ "$(cat /proc/$PARENT/comm)" != sleep ]; do sleep 0.05; done';
    const parent = spawn('/bin/sh', ['-c', `PARENT=$$; (${child}) & echo $!; exec sleep 30`], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const [line] = (await once(parent.stdout, 'data')) as [Buffer];
      const zombie = Number(line.toString().trim());
      const end = Date.now() + 10_000;
      while (procStat(zombie)?.state !== 'Z' && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(procStat(zombie)).toMatchObject({ state: 'Z' });
      expect(isProcessAlive(zombie)).toBe(true);
      expect(isProcessRunning(zombie)).toBe(false);
      expect(isProcessRunning(parent.pid!)).toBe(true);
    } finally {
      parent.kill('SIGKILL');
      await once(parent, 'exit');
    }
    expect(isProcessRunning(parent.pid!)).toBe(false);
  });
});
