import { describe, expect, it } from 'vitest';
import { parseCf } from '../../../framework/cf/parse.js';
import { lparGroupsOf, wasOnline } from '../../../agents/lpar/triggers/sysoffline.js';
import { parkedName } from '../../../agents/lpar/migrate.js';
import { hardReserveMs } from '../../../agents/lpar/offline.js';

describe('sysoffline decision helpers', () => {
  it('reads hagrp -state output in its forms', () => {
    for (const s of ['ONLINE', '|ONLINE|', 'ONLINE|STALE', ' |PARTIAL| \n']) expect(wasOnline(s), s).toBe(true);
    for (const s of ['OFFLINE', '|OFFLINE|FAULTED|', '', 'W_ONLINE']) expect(wasOnline(s), s).toBe(false);
  });

  it('finds the LPAR groups whose SystemList holds the faulted system', () => {
    const { config } = parseCf(
      `cluster c ( )
system a ( PhysicalServer = s1 )
system b ( PhysicalServer = s2 )
group g1 ( SystemList = { a = 0, b = 1 } )
LPAR r1 ( LPARName = l1 )
group g2 ( SystemList = { b = 0 } )
LPAR r2 ( LPARName = l2 )
group g3 ( SystemList = { a = 0, b = 1 } )
Application app ( StartProgram = "/bin/true" )
`,
      'main.cf',
    );
    expect(lparGroupsOf(config, 'a').map((g) => [g.group.name, g.resources.map((r) => r.name)])).toEqual([['g1', ['r1']]]);
    expect(lparGroupsOf(config, 'b').map((g) => g.group.name)).toEqual(['g1', 'g2']);
    expect(lparGroupsOf(config, 'c')).toEqual([]);
  });
});

describe('small rules', () => {
  it('parks a partition under a name the HMC accepts (47 characters at most)', () => {
    expect(parkedName('lpar05')).toBe('lpar05_vcsmig');
    expect(parkedName('x'.repeat(47))).toBe(`${'x'.repeat(40)}_vcsmig`);
    expect(parkedName('x'.repeat(47)).length).toBe(47);
  });
  it('keeps 30 % of OfflineTimeout (10–60 s) for the hard shutdown', () => {
    expect(hardReserveMs(300_000)).toBe(60_000);
    expect(hardReserveMs(100_000)).toBe(30_000);
    expect(hardReserveMs(18_000)).toBe(10_000);
  });
});
