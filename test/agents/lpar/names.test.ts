import { describe, expect, it } from 'vitest';
import { deviceName, partitionName, slotNumber, systemName } from '../../../agents/lpar/names.js';

describe('names', () => {
  it('accept what HMCs name things', () => {
    for (const n of ['aixnode5556mp2', 'lpar05', 'vio_server1', 'My LPAR', 'db-01.prod', 'a']) expect(partitionName(n)).toBe(n);
    expect(systemName('8233-E8B*1000ABC')).toBe('8233-E8B*1000ABC');
    expect(systemName('PServer1-SN100129A')).toBe('PServer1-SN100129A');
    expect(deviceName('hdisk7')).toBe('hdisk7');
    expect(slotNumber('304', 'slot')).toBe(304);
  });

  it('refuse hostile values with a message naming the attribute', () => {
    const hostile = ['x;rmsyscfg -r lpar', '$(reboot)', '`id`', "a'b", 'a"b', 'a\nb', 'a,b', 'a=b', ' lead', 'trail ', '', 'x'.repeat(48), 'a|b', 'a&b', 'a>b', '-n victim', '-x'];
    for (const v of hostile) expect(() => partitionName(v), JSON.stringify(v)).toThrow(/refusing unsafe LPARName/);
    expect(() => partitionName('a*b')).toThrow(/character "\*" is not allowed/);
    expect(() => deviceName('hdisk 7')).toThrow(/device name/);
    expect(() => deviceName('-rmlv')).toThrow(/would read as an option/);
    expect(() => slotNumber('4;x', 'slot_num')).toThrow(/not a slot number/);
  });
});
