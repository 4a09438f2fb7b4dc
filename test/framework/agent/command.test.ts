import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../../framework/agent/command.js';
import { isProcessRunning as isRunning } from '../../../framework/process.js';

describe('command runner', () => {
  it('runs an argv without a shell', async () => {
    const r = await runCommand(['/bin/echo', '$(id)', '; rm -rf /', '`x`']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('$(id) ; rm -rf / `x`\n');
  });

  it('returns non-zero exits and stderr, and throws with check', async () => {
    const r = await runCommand(['/bin/sh', '-c', 'echo oops >&2; exit 3']);
    expect(r).toMatchObject({ code: 3, stderr: 'oops\n', timedOut: false });
    await expect(runCommand(['/bin/sh', '-c', 'echo oops >&2; exit 3'], { check: true })).rejects.toThrow(/exited 3: oops/);
  });

  it('kills the whole process group on timeout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cmd-'));
    const pidFile = join(dir, 'pid');
    const started = Date.now();
    const r = await runCommand(['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; sleep 30; echo never`], { timeoutMs: 300 });
    expect(r.timedOut).toBe(true);
    expect(r.stdout).toBe('');
    expect(Date.now() - started).toBeLessThan(5000);
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 100));
    expect(isRunning(grandchild)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stops on the AbortSignal', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const r = await runCommand(['/bin/sleep', '30'], { signal: ac.signal });
    expect(r.aborted).toBe(true);
    expect(r.signal).toBe('SIGKILL');
  });

  it('caps captured output but drains the rest', async () => {
    const r = await runCommand(['/bin/sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" x'], { maxOutputBytes: 1000 });
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(1000);
    expect(r.truncated).toBe(true);
  });

  it('returns when the command exits even if a daemon it started keeps the pipes open', async () => {
    const started = Date.now();
    const r = await runCommand(['/bin/sh', '-c', 'setsid sleep 5 & echo started']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('started\n');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('feeds stdin', async () => {
    expect((await runCommand(['/bin/cat'], { input: 'hello' })).stdout).toBe('hello');
  });

  it('reports a missing command as a command error', async () => {
    await expect(runCommand(['/nonexistent/cmd'])).rejects.toMatchObject({ code: 'VCSPVM_AGENT_COMMAND', message: 'command /nonexistent/cmd failed: not found' });
  });

  it('refuses NUL bytes and empty argv', async () => {
    await expect(runCommand([])).rejects.toMatchObject({ code: 'VCSPVM_UNSAFE_ARGUMENT' });
    await expect(runCommand(['/bin/echo', 'a\0b'])).rejects.toMatchObject({ code: 'VCSPVM_UNSAFE_ARGUMENT' });
  });
});
