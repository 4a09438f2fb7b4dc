import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatList,
  formatRecord,
  listItems,
  parseFields,
  parseRecord,
  parseRecords,
  recordMap,
  RecordSyntaxError,
} from '../../../../agents/lpar/hmc/records.js';

describe('HMC record grammar', () => {
  it('reads plain, quoted and doubly quoted fields (the seed lpar05 profile)', () => {
    const line =
      'name=lpar05,"virtual_scsi_adapters=304/client/2/vio_server1/4/1,404/client/3/vio_server2/6/1",vtpm_adapters=none,' +
      '"virtual_fc_adapters=""504/client/2/vio_server1/8/c050760431670010,c050760431670011/1"",""604/client/3/vio_server2/5/c050760431670012,c050760431670013/1""",hca_adapters=none';
    const m = recordMap(line);
    expect(m.get('name')).toBe('lpar05');
    expect(listItems(m.get('virtual_scsi_adapters')!)).toEqual(['304/client/2/vio_server1/4/1', '404/client/3/vio_server2/6/1']);
    expect(listItems(m.get('virtual_fc_adapters')!)).toEqual([
      '504/client/2/vio_server1/8/c050760431670010,c050760431670011/1',
      '604/client/3/vio_server2/5/c050760431670012,c050760431670013/1',
    ]);
    expect(listItems(m.get('vtpm_adapters')!)).toEqual([]);
  });

  it('keeps values with spaces and equals signs', () => {
    const m = recordMap('name=a,os_version=AIX 7.1 7100-00-00-0000,state=Not Activated,desc=x=y');
    expect(m.get('os_version')).toBe('AIX 7.1 7100-00-00-0000');
    expect(m.get('state')).toBe('Not Activated');
    expect(m.get('desc')).toBe('x=y');
  });

  it('formats lists and records the way it reads them', () => {
    const fcItems = ['504/client/2/v1/8/c05,c06/1', '604/client/3/v2/5/c07,c08/1'];
    const rec = [
      { name: 'name', value: 'x' },
      { name: 'virtual_fc_adapters', value: formatList(fcItems) },
      { name: 'io_slots', value: formatList([]) },
    ];
    const line = formatRecord(rec);
    expect(line).toBe('name=x,"virtual_fc_adapters=""504/client/2/v1/8/c05,c06/1"",""604/client/3/v2/5/c07,c08/1""",io_slots=none');
    expect(parseRecord(line)).toEqual(rec);
    expect(listItems(recordMap(line).get('virtual_fc_adapters')!)).toEqual(fcItems);
  });

  it('round-trips any record', () => {
    const name = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/);
    const value = fc.string({ maxLength: 20 }).filter((s) => !/[\n\r]/.test(s));
    fc.assert(
      fc.property(fc.array(fc.record({ name, value }), { minLength: 1, maxLength: 8 }), (fields) => {
        expect(parseRecord(formatRecord(fields))).toEqual(fields);
      }),
    );
  });

  it('refuses unbalanced quotes and fields without =, saying where', () => {
    expect(() => parseRecord('name=a,"b=c')).toThrow(RecordSyntaxError);
    try {
      parseRecord('name=a,oops,c=d');
    } catch (e) {
      expect((e as RecordSyntaxError).offset).toBe(7);
      expect((e as Error).message).toMatch(/"oops" is not attr=value/);
    }
    expect(() => parseRecord('')).toThrow(/empty/);
  });

  it('reads -F output with any delimiter, quoted values and the empty listing', () => {
    const out = 'vios1,1,vioserver,Running\n"lpar, odd",7,aixlinux,Not Activated\n';
    expect(parseFields(out, ['name', 'lpar_id', 'lpar_env', 'state'])).toEqual([
      { name: 'vios1', lpar_id: '1', lpar_env: 'vioserver', state: 'Running' },
      { name: 'lpar, odd', lpar_id: '7', lpar_env: 'aixlinux', state: 'Not Activated' },
    ]);
    expect(parseFields('nim1:Running\r\ndump:Not Activated\r\n', ['name', 'state'], ':')).toEqual([
      { name: 'nim1', state: 'Running' },
      { name: 'dump', state: 'Not Activated' },
    ]);
    expect(parseFields('No results were found.\n', ['name', 'state'])).toEqual([]);
    expect(parseFields('"a,b"\n', ['io_slots'])).toEqual([{ io_slots: 'a,b' }]);
    expect(() => parseFields('a,b,c\n', ['name', 'state'])).toThrow(/expected 2 values/);
  });

  it('reads listings without -F', () => {
    const rows = parseRecords('name=a,state=Running\nname=b,"x=1,2"\n');
    expect(rows.map((r) => r.get('name'))).toEqual(['a', 'b']);
    expect(rows[1]!.get('x')).toBe('1,2');
    expect(parseRecords('No results were found.\n')).toEqual([]);
  });
});
