import { describe, expect, it } from 'vitest';
import {
  capUtf8,
  interpretMonitorExit,
  interpretWaitExit,
  migrateExitCode,
  monitorExitCode,
  waitExitCode,
} from '../../../framework/agent/exitcodes.js';

describe('VCS exit codes', () => {
  it('maps monitor results to 100/110/101–109/99/200', () => {
    expect(monitorExitCode('offline')).toBe(100);
    expect(monitorExitCode('online')).toBe(110);
    expect(monitorExitCode('unknown')).toBe(99);
    expect(monitorExitCode('intentional-offline')).toBe(200);
    expect(monitorExitCode({ state: 'online', confidence: 10 })).toBe(101);
    expect(monitorExitCode({ state: 'online', confidence: 90 })).toBe(109);
    expect(monitorExitCode({ state: 'online', confidence: 100 })).toBe(110);
    expect(monitorExitCode({ state: 'online', confidence: 0 })).toBe(101);
  });

  it('reads monitor exit codes as VCS does', () => {
    expect(interpretMonitorExit(100)).toEqual({ state: 'offline', confidence: 0 });
    expect(interpretMonitorExit(104)).toEqual({ state: 'online', confidence: 40 });
    expect(interpretMonitorExit(110)).toEqual({ state: 'online', confidence: 100 });
    expect(interpretMonitorExit(200)).toEqual({ state: 'intentional-offline', confidence: 0 });
    for (const c of [0, 1, 99, 111, 255, null]) expect(interpretMonitorExit(c).state).toBe('unknown');
  });

  it('turns waits into online/offline seconds and migrate tenths', () => {
    expect(waitExitCode(undefined)).toBe(0);
    expect(waitExitCode(12.2)).toBe(13);
    expect(waitExitCode(10_000)).toBe(255);
    expect(migrateExitCode(95)).toBe(10);
    expect(migrateExitCode(5000)).toBe(100);
    expect(interpretWaitExit('migrate', 10)).toBe(100);
    expect(interpretWaitExit('online', 10)).toBe(10);
  });

  it('caps output on a UTF-8 character boundary', () => {
    expect(Buffer.byteLength(capUtf8('é'.repeat(2000), 2048))).toBe(2048);
    expect(Buffer.byteLength(capUtf8(`x${'é'.repeat(2000)}`, 2048))).toBe(2047);
    expect(capUtf8('short', 2048)).toBe('short');
  });
});
