import { describe, expect, it } from 'vitest';
import { createdDevice, describeHealth, parseLsmap, parseLsmapNpiv, slotOfPhysloc, viosHealth } from '../../../agents/lpar/vios.js';

describe('VIOS health (the seed: all down → fail over, any one up → stay)', () => {
  const parts = [
    { name: 'vio1', state: 'Running', env: 'vioserver' },
    { name: 'vio2', state: 'Not Activated', env: 'vioserver' },
    { name: 'vio3', state: 'Error', env: 'vioserver' },
    { name: 'lpar', state: 'Running', env: 'aixlinux' },
  ];
  it('one serving is enough', () => {
    const h = viosHealth(['vio1', 'vio2'], parts);
    expect(h.verdict).toBe('ok');
    expect(h.serving).toEqual(['vio1']);
    expect(h.down).toEqual([{ name: 'vio2', state: 'Not Activated' }]);
    expect(describeHealth(h)).toBe('vio1 Running, vio2 Not Activated');
  });
  it('all down', () => {
    expect(viosHealth(['vio2', 'vio3'], parts).verdict).toBe('all-down');
  });
  it('none configured: never a reason to fail over', () => {
    expect(viosHealth([], parts).verdict).toBe('ok');
    expect(viosHealth([''], parts).verdict).toBe('ok');
  });
  it('names that are not partitions here cannot be judged, and do not count as down', () => {
    expect(viosHealth(['typo1', 'typo2'], parts)).toMatchObject({ verdict: 'unknown', missing: ['typo1', 'typo2'] });
    expect(viosHealth(['typo', 'vio2'], parts)).toMatchObject({ verdict: 'all-down', missing: ['typo'] });
    expect(viosHealth(['lpar'], parts).notVios).toEqual(['lpar']);
  });
});

describe('lsmap parsing', () => {
  const lsmap = `SVSA            Physloc                                      Client Partition ID
--------------- -------------------------------------------- ------------------
vhost0          U787A.001.0397658-V1-C5                      0x00000005

VTD                   c5_vtscsi1
Status                Available
LUN                   0x8100000000000000
Backing device        hdisk2
Physloc               U78C9.001.WZS0H1T-P1-C6-T1-W500507680B21-L1000000000000
Mirrored              false

VTD                   c5_vtscsi2
Status                Available
LUN                   0x8200000000000000
Backing device        hdisk3
Physloc

SVSA            Physloc                                      Client Partition ID
--------------- -------------------------------------------- ------------------
vhost1          U787A.001.0397658-V1-C11                     0x00000000

VTD                   NO VIRTUAL TARGET DEVICE FOUND
`;
  it('reads vhosts, their slots, clients and VTDs (seed/VIOS capture layout)', () => {
    expect(parseLsmap(lsmap)).toEqual([
      {
        device: 'vhost0',
        physloc: 'U787A.001.0397658-V1-C5',
        slot: 5,
        clientId: 5,
        vtds: [
          { name: 'c5_vtscsi1', status: 'Available', backing: 'hdisk2' },
          { name: 'c5_vtscsi2', status: 'Available', backing: 'hdisk3' },
        ],
      },
      { device: 'vhost1', physloc: 'U787A.001.0397658-V1-C11', slot: 11, clientId: 0, vtds: [] },
    ]);
    expect(parseLsmap('')).toEqual([]);
  });
  it('reads lsmap -npiv -fmt : lines', () => {
    const out = 'vfchost0:U9117.MMB.1234567-V1-C31:5:nim1:AIX:LOGGED_IN:fcs0:U78C0.001.DBJN321-P2-C5-T1:5:a:fcs0:U9117.MMB.1234567-V5-C5\nvfchost1:U9117.MMB.1234567-V1-C32:::::::0:4:::\n';
    expect(parseLsmapNpiv(out)).toEqual([
      { device: 'vfchost0', physloc: 'U9117.MMB.1234567-V1-C31', slot: 31, port: 'fcs0' },
      { device: 'vfchost1', physloc: 'U9117.MMB.1234567-V1-C32', slot: 32, port: '' },
    ]);
  });
  it('finds slots and created devices', () => {
    expect(slotOfPhysloc('U8286.42A.123ABCD-V2-C11')).toBe(11);
    expect(slotOfPhysloc('U8286.42A.123ABCD-V2-C11-T1')).toBe(11);
    expect(slotOfPhysloc('U8286.42A.123ABCD-V2')).toBeUndefined();
    expect(createdDevice('vtscsi3 Available\n')).toBe('vtscsi3');
    expect(createdDevice('something else\n')).toBeUndefined();
  });
});
