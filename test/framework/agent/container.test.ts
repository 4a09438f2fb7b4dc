/**
 * RunInContainer decisions (framework/agent/container.ts): which resources
 * run where, which entry points go inside, and what the framework answers
 * for an entry point it does not run because the container does not run.
 */
import { describe, expect, it } from 'vitest';
import type { Value } from '../../../framework/cf/model.js';
import { containerFor, containerState, enterContainer, exitWithoutContainer, runsInside } from '../../../framework/agent/container.js';
import type { CommandRunner, RunResult } from '../../../framework/agent/command.js';

const assoc = (m: Record<string, string | number>): Value => ({ kind: 'association', entries: Object.entries(m).map(([key, value]) => ({ key, value })) });
const OPTS = assoc({ RunInContainer: 1, PassCInfo: 0 });

function lswpar(stdout: string, code = 0): CommandRunner {
  return async (argv) => ({ argv, code, signal: null, stdout, stderr: code ? 'lswpar: failed' : '', truncated: false, timedOut: false, aborted: false, durationMs: 1 }) as RunResult;
}

describe('containerFor', () => {
  it('RunInContainer = 1 and a ContainerInfo enabled on the system: that WPAR', () => {
    expect(containerFor(OPTS, assoc({ Name: 'w1', Type: 'WPAR', Enabled: 1 }))).toEqual({ type: 'WPAR', name: 'w1' });
    expect(containerFor(OPTS, assoc({ Name: 'w1', Type: 'WPAR' }))).toEqual({ type: 'WPAR', name: 'w1' });
  });

  it('the global environment otherwise: RunInContainer 0, no ContainerInfo, Enabled 0 or 2, no Name', () => {
    expect(containerFor(assoc({ RunInContainer: 0, PassCInfo: 1 }), assoc({ Name: 'w1', Type: 'WPAR', Enabled: 1 }))).toBeUndefined();
    expect(containerFor(OPTS, undefined)).toBeUndefined();
    expect(containerFor(OPTS, assoc({}))).toBeUndefined();
    expect(containerFor(OPTS, assoc({ Name: 'w1', Type: 'WPAR', Enabled: 2 }))).toBeUndefined();
    expect(containerFor(OPTS, assoc({ Name: 'w1', Type: 'WPAR', Enabled: 0 }))).toBeUndefined();
    expect(containerFor(OPTS, assoc({ Type: 'WPAR', Enabled: 1 }))).toBeUndefined();
  });
});

describe('entry points inside and outside', () => {
  it('state-changing and state-reading ones inside; open, close, shutdown and IMF outside', () => {
    for (const ep of ['monitor', 'online', 'offline', 'clean', 'action', 'info', 'attr_changed', 'migrate'] as const) expect(runsInside(ep), ep).toBe(true);
    for (const ep of ['open', 'close', 'shutdown', 'imf_init', 'imf_register', 'imf_getnotification'] as const) expect(runsInside(ep), ep).toBe(false);
  });

  it('without a running container: monitor offline (stopped) or unknown, clean succeeds only when stopped, action fails', () => {
    expect(exitWithoutContainer('monitor', 'stopped')).toBe(100);
    expect(exitWithoutContainer('monitor', 'unknown')).toBe(99);
    expect(exitWithoutContainer('clean', 'stopped')).toBe(0);
    expect(exitWithoutContainer('clean', 'unknown')).toBe(1);
    expect(exitWithoutContainer('online', 'stopped')).toBe(0);
    expect(exitWithoutContainer('offline', 'unknown')).toBe(0);
    expect(exitWithoutContainer('action', 'stopped')).toBe(1);
  });
});

describe('the WPAR state', () => {
  it('Active runs; Defined, Broken or not listed is stopped; the rest and a failed lswpar are unknown', async () => {
    const w = { type: 'WPAR', name: 'w1' };
    expect((await containerState(w, lswpar('w0:D\nw1:A\n'))).state).toBe('running');
    expect(await containerState(w, lswpar('w1:D\n'))).toEqual({ state: 'stopped', detail: 'Defined (D)' });
    expect((await containerState(w, lswpar('w1:B\n'))).state).toBe('stopped');
    expect((await containerState(w, lswpar('w10:A\n'))).state).toBe('stopped');
    for (const l of ['T', 'L', 'F', 'P']) expect((await containerState(w, lswpar(`w1:${l}\n`))).state).toBe('unknown');
    expect((await containerState(w, lswpar('', 1))).state).toBe('unknown');
    expect((await containerState({ type: 'Zone', name: 'z1' }, lswpar('z1:A\n'))).detail).toMatch(/Type Zone is not one this framework can enter/);
    // A name that clogin would read as an option is never passed to it.
    expect(await enterContainer({ type: 'WPAR', name: '-l' }, 'monitor', lswpar('-l:A\n'))).toMatchObject({ exitCode: 99, why: expect.stringMatching(/not entered: WPAR name "-l" starts with "-"/) });
  });

  it('enterContainer: clogin NAME while Active, else the answer and why', async () => {
    const w = { type: 'WPAR', name: 'w1' };
    expect(await enterContainer(w, 'monitor', lswpar('w1:A\n'))).toEqual({ prefix: ['clogin', 'w1'] });
    expect(await enterContainer(w, 'monitor', lswpar('w1:D\n'))).toEqual({ exitCode: 100, why: 'WPAR w1 is Defined (D): monitor not run inside it (exit 100)' });
    expect(await enterContainer(w, 'clean', lswpar('w1:T\n'))).toMatchObject({ exitCode: 1 });
  });
});
