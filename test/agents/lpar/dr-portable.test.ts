/**
 * AIX has a /proc, but no /proc/PID/cmdline: the DR responder is recognised
 * by `ps -p PID -o args=` there, so a recycled pid is never signalled.
 * Tested with a /proc that has no cmdline files (an empty directory).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandLineOf, isResponder } from '../../../agents/lpar/dr/control.js';

const noCmdline = mkdtempSync(join(tmpdir(), 'no-proc-'));
afterAll(() => rmSync(noCmdline, { recursive: true, force: true }));

function sleeper(argv0Hint: string) {
  // A process whose command line names something else: what a recycled pid looks like.
  return spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', argv0Hint], { stdio: 'ignore' });
}

describe('the DR responder is told from a recycled pid without /proc/PID/cmdline', () => {
  it('reads the command line with ps, and is empty for a pid that runs nothing', async () => {
    const p = sleeper('some-other-program');
    try {
      await new Promise((r) => p.once('spawn', r));
      expect(commandLineOf(p.pid!, noCmdline)).toContain('some-other-program');
      expect(isResponder(p.pid!, noCmdline)).toBe(false);
    } finally {
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
    }
    // The pid is free now: nothing runs under it, so it is no responder either.
    expect(commandLineOf(p.pid!, noCmdline)).toBe('');
    expect(isResponder(p.pid!, noCmdline)).toBe(false);
  });

  it('knows a responder by its command line', async () => {
    const p = sleeper('/opt/vcs-powervm/dist/vcsagent/responder-main.js');
    try {
      await new Promise((r) => p.once('spawn', r));
      expect(isResponder(p.pid!, noCmdline)).toBe(true);
      expect(isResponder(p.pid!)).toBe(true);
    } finally {
      p.kill('SIGKILL');
      await new Promise((r) => p.once('exit', r));
    }
  });
});
