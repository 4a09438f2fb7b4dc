/** The machine's measure (timing.ts): kept, taken again on request, imposed by the environment. */
import { afterEach, describe, expect, it } from 'vitest';
import { allowMs, calibration, recalibrate, speedFor } from './timing.js';

describe('calibration', () => {
  const imposed = process.env.VCSPVM_TEST_SLOWDOWN;
  afterEach(() => {
    if (imposed === undefined) delete process.env.VCSPVM_TEST_SLOWDOWN;
    else process.env.VCSPVM_TEST_SLOWDOWN = imposed;
    recalibrate();
  });

  it('is measured once and kept; recalibrate() measures again and keeps the new measure', () => {
    const first = calibration();
    expect(first.nodeStartMs).toBeGreaterThan(0);
    expect(first.slowdown).toBeGreaterThanOrEqual(1);
    expect(calibration()).toBe(first);
    const second = recalibrate();
    expect(second).not.toBe(first);
    expect(calibration()).toBe(second);
  });

  it('a slower machine, measured again, scales waits up and simulated time down', () => {
    process.env.VCSPVM_TEST_SLOWDOWN = '1';
    recalibrate();
    expect(allowMs(4_000)).toBe(4_000);
    expect(speedFor({ shortestTimeoutS: 60, max: 20 })).toBe(10); // the 6 s floor
    process.env.VCSPVM_TEST_SLOWDOWN = '4';
    expect(allowMs(4_000)).toBe(4_000); // kept until measured again
    recalibrate();
    expect(allowMs(4_000)).toBe(16_000);
    expect(speedFor({ shortestTimeoutS: 60, max: 20, quietMs: 2_000 })).toBe(7); // 8 s per entry point
  });
});
