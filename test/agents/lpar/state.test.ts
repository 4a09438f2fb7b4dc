import { describe, expect, it } from 'vitest';
import { isPowered, migratingRunning, STATE_MAP, stateRow, viosServing } from '../../../agents/lpar/state.js';

describe('partition state map (explicit, fence-agents #610)', () => {
  const table: Array<[string, unknown, boolean]> = [
    ['Running', 'online', true],
    ['Starting', { state: 'online', confidence: 50 }, true],
    ['Shutting Down', { state: 'online', confidence: 50 }, true],
    ['Open Firmware', 'offline', true],
    ['Error', 'offline', true],
    ['Not Activated', 'offline', false],
    ['Hardware Discovery', 'offline', false],
    ['Not Available', 'unknown', true],
    ['Migrating - Running', 'online', true],
    ['Migrating - Not Activated', 'offline', false],
    ['Suspended', 'intentional-offline', true],
    ['Suspending', { state: 'online', confidence: 50 }, true],
    ['Resuming', { state: 'online', confidence: 50 }, true],
  ];
  it.each(table)('%s → monitor %j, powered %s', (state, monitor, powered) => {
    expect(stateRow(state).monitor).toEqual(monitor);
    expect(isPowered(state)).toBe(powered);
    expect(stateRow(state).why.length).toBeGreaterThan(5);
  });

  it('covers every state it documents, and nothing else silently', () => {
    expect(Object.keys(STATE_MAP).sort()).toEqual(table.map((r) => r[0]).sort());
    expect(stateRow('Some Future State')).toMatchObject({ monitor: 'unknown', powered: true });
    expect(stateRow('running').monitor).toBe('unknown');
    expect(stateRow('toString').monitor).toBe('unknown');
  });

  it('reports a live migration online on its source only', () => {
    expect(migratingRunning('source')).toBe('online');
    expect(migratingRunning('destination')).toBe('offline');
  });

  it('counts a VIOS as serving only while Running', () => {
    expect(viosServing('Running')).toBe(true);
    for (const s of ['Starting', 'Not Activated', 'Error', 'Open Firmware', 'Not Available']) expect(viosServing(s)).toBe(false);
  });
});
