/**
 * The pieces with rules of their own: the parameter value forms (the
 * token form our OCF agents read back), member ordering, ids.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSpace, subId, xmlId } from '../../../../framework/cf/convert/ids.js';
import { memberOrder } from '../../../../framework/cf/convert/member-order.js';
import { asIs, formatParam, splitTokens, token } from '../../../../framework/cf/convert/param-values.js';
import { shellWord } from '../../../../framework/cf/convert/pcs.js';

describe('the token form', () => {
  it('splits back to exactly the items written, whatever they hold', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '"', '\\', '=', 'x', '\t', '1') })), (items) => {
        expect(splitTokens(items.map(token).join(' '))).toEqual(items);
      }),
    );
  });

  it('writes plain items bare and quotes the others', () => {
    expect(asIs({ kind: 'vector', items: ['hmc1', 'hmc 2', '', 'a"b', 'c\\d'] })).toBe('hmc1 "hmc 2" "" "a\\"b" "c\\\\d"');
    expect(asIs({ kind: 'association', entries: [{ key: 'IPAddress', value: '10.1.1.5' }, { key: 'DNSServers', value: '10.1.1.1 10.1.1.2' }] })).toBe('IPAddress=10.1.1.5 DNSServers="10.1.1.1 10.1.1.2"');
    expect(splitTokens('IPAddress=10.1.1.5 DNSServers="10.1.1.1 10.1.1.2"')).toEqual(['IPAddress=10.1.1.5', 'DNSServers=10.1.1.1 10.1.1.2']);
  });

  it('turns netmasks into prefix lengths and refuses what is not one', () => {
    const f = (s: string | number) => formatParam({ kind: 'scalar', value: s }, 'prefix-length');
    expect([f('255.255.255.0'), f('255.255.254.0'), f('0xffffff00'), f('255.255.255.255'), f(24), f('64')]).toEqual([
      { value: '24' },
      { value: '23' },
      { value: '24' },
      { value: '32' },
      { value: '24' },
      { value: '64' },
    ]);
    expect(f('255.0.255.0')).toHaveProperty('problem');
    expect(f('0.0.0.0')).toHaveProperty('problem');
    expect(f('none')).toHaveProperty('problem');
  });
});

describe('member order', () => {
  it('puts every child before its parents, whatever the graph', () => {
    const dag = fc.integer({ min: 1, max: 12 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        edges: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 30 }),
        nonCritical: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
      }),
    );
    fc.assert(
      fc.property(dag, ({ n, edges, nonCritical }) => {
        // Edges from a higher to a lower index only: a DAG.
        const names = Array.from({ length: n }, (_, i) => `r${i}`);
        const deps = edges.filter(([a, b]) => a !== b).map(([a, b]) => ({ parent: names[Math.max(a, b)]!, child: names[Math.min(a, b)]! }));
        const { order, cyclic } = memberOrder({ names, critical: (x) => !nonCritical[Number(x.slice(1))], edges: deps });
        expect(cyclic).toEqual([]);
        expect([...order].sort()).toEqual([...names].sort());
        for (const d of deps) expect(order.indexOf(d.child)).toBeLessThan(order.indexOf(d.parent));
      }),
    );
  });

  it('keeps main.cf order among independent resources, non-critical ones last', () => {
    const r = memberOrder({ names: ['a', 'b', 'c', 'd'], critical: (x) => x !== 'b', edges: [{ parent: 'a', child: 'd' }] });
    expect(r.order).toEqual(['c', 'd', 'a', 'b']);
  });

  it('reports the resources of a cycle and still places them', () => {
    const r = memberOrder({ names: ['a', 'b', 'c'], critical: () => true, edges: [{ parent: 'a', child: 'b' }, { parent: 'b', child: 'a' }] });
    expect(r.cyclic).toEqual(['a', 'b']);
    expect(r.order).toEqual(['c', 'a', 'b']);
  });
});

describe('ids', () => {
  it('are XML names without dots, unique in their space', () => {
    const ids = new IdSpace();
    expect([ids.claim('web'), ids.claim('web'), ids.claim('9lives'), ids.claim('a.b c'), ids.claim('-x')]).toEqual(['web', 'web-2', '_9lives', 'a_b_c', '_-x']);
    expect(xmlId('ok_name-1')).toBe('ok_name-1');
  });

  it('inside an owner are dotted paths of clean labels', () => {
    expect(subId('vip', 'params', 'node.one')).toBe('vip.params.node_one');
  });
});

describe('shell words of the pcs script', () => {
  it('reach the command as written; a # that starts a word is quoted (sh would read a comment)', () => {
    const words = ['#uname', 'a#b', 'score=-INFINITY', "it's", 'regexp%^ethmonitor-', 'x y', '', '$HOME', 'a;b'];
    const r = spawnSync('sh', ['-c', `printf '%s\\n' ${words.map(shellWord).join(' ')}`], { encoding: 'utf8' });
    expect(r.stdout.split('\n').slice(0, -1)).toEqual(words);
  });
});
