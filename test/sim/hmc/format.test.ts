import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFilter, parseRecord, splitCsv } from '../../../sim/hmc/attrs.js';
import { formatFields, formatPair, formatRecord, parseFieldSpec, renderValue } from '../../../sim/hmc/format.js';

describe('HMC output grammar', () => {
  it('quotes a pair whose value has a comma and doubles the quotes of comma-holding list items (V7 capture)', () => {
    expect(formatRecord([['virtual_scsi_adapters', []], ['virtual_eth_adapters', ['2/1/1/3,4,5/0/1']], ['hca_adapters', []]])).toBe(
      'virtual_scsi_adapters=none,"virtual_eth_adapters=""2/1/1/3,4,5/0/1""",hca_adapters=none',
    );
  });

  it('writes the seed\'s virtual_fc_adapters form', () => {
    const items = ['504/client/2/vio_server1/8/c050760431670010,c050760431670011/1', '604/client/3/vio_server2/5/c050760431670012,c050760431670013/1'];
    expect(formatPair('virtual_fc_adapters', items)).toBe(
      '"virtual_fc_adapters=""504/client/2/vio_server1/8/c050760431670010,c050760431670011/1"",""604/client/3/vio_server2/5/c050760431670012,c050760431670013/1"""',
    );
  });

  it('leaves single-item lists and plain values unquoted', () => {
    expect(formatPair('virtual_scsi_adapters', ['2/client/100/sys-R1-vios1/3/0'])).toBe('virtual_scsi_adapters=2/client/100/sys-R1-vios1/3/0');
    expect(formatPair('state', 'Not Activated')).toBe('state=Not Activated');
    expect(renderValue([])).toBe('none');
  });

  it('joins -F values with the delimiter and quotes values holding it', () => {
    expect(formatFields(['lpar1', 'Not Activated'], ' ')).toBe('lpar1 "Not Activated"');
    expect(formatFields(['lpar1', 'Running'], ':')).toBe('lpar1:Running');
    expect(formatFields([['21010002/none/1', '21050003/none/1']], ',')).toBe('"21010002/none/1,21050003/none/1"');
  });

  it('finds the -F delimiter between attribute names', () => {
    expect(parseFieldSpec('name:state')).toEqual({ names: ['name', 'state'], delimiter: ':' });
    expect(parseFieldSpec('name,lpar_id,state')).toEqual({ names: ['name', 'lpar_id', 'state'], delimiter: ',' });
    expect(parseFieldSpec('curr_profile')).toEqual({ names: ['curr_profile'], delimiter: ',' });
    expect(parseFieldSpec('name:state,x')).toBeNull();
  });
});

describe('HMC input grammar', () => {
  it('parses the seed\'s ProfileFile record, including doubled quotes and +=', () => {
    const rec = parseRecord(
      'name=lpar05,lpar_id=15,"virtual_scsi_adapters=304/client/2/vio_server1/4/1,404/client/3/vio_server2/6/1",' +
        '"virtual_fc_adapters=""504/client/2/vio_server1/8/c050760431670010,c050760431670011/1"",""604/client/3/vio_server2/5/c050760431670012,c050760431670013/1""",' +
        'io_slots+=21010020//0,hca_adapters=none',
    );
    expect(rec.map((f) => f.name)).toEqual(['name', 'lpar_id', 'virtual_scsi_adapters', 'virtual_fc_adapters', 'io_slots', 'hca_adapters']);
    expect(rec[2]!.items).toEqual(['304/client/2/vio_server1/4/1', '404/client/3/vio_server2/6/1']);
    expect(rec[3]!.items[1]).toBe('604/client/3/vio_server2/5/c050760431670012,c050760431670013/1');
    expect(rec[4]!.op).toBe('+=');
    expect(rec[5]!.items).toEqual([]);
  });

  it('rejects a bare comma inside a value and unbalanced quotes', () => {
    expect(() => parseRecord('name=a,virtual_scsi_adapters=1/client/1//10/1,2/client/1//11/1')).toThrow(/invalid attribute field/);
    expect(() => parseRecord('"name=a')).toThrow(/unbalanced/);
  });

  it('reads filters with one value each or a quoted list', () => {
    expect(parseFilter('lpar_names=lpar05,profile_names=lpar05')).toEqual(new Map([['lpar_names', ['lpar05']], ['profile_names', ['lpar05']]]));
    expect(parseFilter('"lpar_names=a,b",profile_names=p')).toEqual(new Map([['lpar_names', ['a', 'b']], ['profile_names', ['p']]]));
    expect(parseFilter('lpar_names=a,b')).toEqual(new Map([['lpar_names', ['a', 'b']]]));
  });

  it('reads back whatever it writes (property)', () => {
    const item = fc.stringMatching(/^[a-z0-9/,]{1,12}$/).filter((s) => s !== 'none');
    const value = fc.oneof(fc.stringMatching(/^[A-Za-z0-9 ._:-]{0,12}$/), fc.array(item, { minLength: 1, maxLength: 4 }));
    fc.assert(
      fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z][a-z_]{0,10}$/), { minLength: 1, maxLength: 6 }), fc.array(value, { minLength: 6, maxLength: 6 }), (names, values) => {
        const pairs = names.map((n, i) => [n, values[i]!] as [string, string | string[]]);
        const parsed = parseRecord(formatRecord(pairs));
        expect(parsed.map((f) => f.name)).toEqual(names);
        parsed.forEach((f, i) => {
          const v = pairs[i]![1];
          if (Array.isArray(v)) expect(f.items).toEqual(v);
          else expect(f.value).toBe(v);
        });
      }),
    );
  });

  it('splits CSV with doubled quotes', () => {
    expect(splitCsv('a,"b,c","d""e"')).toEqual(['a', 'b,c', 'd"e']);
  });
});
