import { describe, expect, it } from 'vitest';
import { configToJson } from '../../../framework/cf/json.js';
import { parseCf } from '../../../framework/cf/parse.js';
import { typeConfig } from '../../../framework/cf/typing.js';

const text = `include "types.cf"

type LPAR (
	static str ArgList[] = { LPARName, MCUser, MCName, VIOSName }
	str LPARName
	str MCUser[]
	str MCName[]
	str VIOSName[]
)

cluster cluster01 (
	UserNames = { admin = x }
	)

system aixnode55mp1 (
	PhysicalServer = sys1
	)

remotecluster C2 (
	)

group G (
	SystemList = { a, b }
	SysDownPolicy = { AutoDisableNoOffline }
	Enabled @node01 = 0
	)

	LPAR r (
		LPARName = x
		MCName = { hmc6, hmc7 }
		RestartLimit = 1
		VIOSName @aixnode55mp1 = { v1, v2 }
		)

	requires group G2 online local hard
	a requires b
`;

const config = typeConfig(parseCf(text, 'main.cf').config);

describe('configToJson', () => {
  it('gives the documented shape: typed values, perSystem, dependencies, blocks, types', () => {
    expect(configToJson(config)).toEqual({
      file: 'main.cf',
      includes: ['types.cf'],
      clusters: [{ name: 'cluster01', attributes: { UserNames: { admin: 'x' } } }],
      systems: [{ name: 'aixnode55mp1', attributes: { PhysicalServer: 'sys1' } }],
      groups: [
        {
          name: 'G',
          attributes: { SystemList: { a: 0, b: 1 }, SysDownPolicy: ['AutoDisableNoOffline'] },
          perSystem: { Enabled: { node01: 0 } },
          resources: [
            {
              type: 'LPAR',
              name: 'r',
              attributes: { LPARName: 'x', MCName: ['hmc6', 'hmc7'], RestartLimit: 1 },
              perSystem: { VIOSName: { aixnode55mp1: ['v1', 'v2'] } },
            },
          ],
          dependencies: [{ parent: 'a', child: 'b' }],
          groupDependencies: [{ group: 'G2', category: 'online', location: 'local', rigidity: 'hard' }],
        },
      ],
      blocks: [{ keyword: 'remotecluster', name: 'C2', attributes: {} }],
      types: [
        {
          name: 'LPAR',
          argList: ['LPARName', 'MCUser', 'MCName', 'VIOSName'],
          attributes: [
            { name: 'ArgList', base: 'str', dimension: 'vector', static: true, temp: false, default: ['LPARName', 'MCUser', 'MCName', 'VIOSName'] },
            { name: 'LPARName', base: 'str', dimension: 'scalar', static: false, temp: false },
            { name: 'MCUser', base: 'str', dimension: 'vector', static: false, temp: false },
            { name: 'MCName', base: 'str', dimension: 'vector', static: false, temp: false },
            { name: 'VIOSName', base: 'str', dimension: 'vector', static: false, temp: false },
          ],
        },
      ],
    });
  });

  it('adds positions to every object and turns attribute values into { value, pos }', () => {
    const j = configToJson(config, { positions: true }) as any;
    const g = j.groups[0];
    expect(g.pos).toEqual({ file: 'main.cf', line: 22, column: 1 });
    expect(g.attributes.SystemList).toEqual({ value: { a: 0, b: 1 }, pos: { file: 'main.cf', line: 23, column: 2 } });
    expect(g.perSystem.Enabled.node01).toEqual({ value: 0, pos: { file: 'main.cf', line: 25, column: 2 } });
    expect(g.resources[0].pos).toEqual({ file: 'main.cf', line: 28, column: 2 });
    expect(g.dependencies[0].pos).toEqual({ file: 'main.cf', line: 36, column: 2 });
    expect(g.groupDependencies[0].pos).toEqual({ file: 'main.cf', line: 35, column: 2 });
    expect(j.types[0].attributes[1].pos).toEqual({ file: 'main.cf', line: 5, column: 2 });
    expect(j.clusters[0].pos.line).toBe(11);
    expect(j.blocks[0].pos.line).toBe(19);
  });

  it('treats keys from the configuration as data, __proto__ included', () => {
    const c = parseCf('group g (\n\tX = { "__proto__" = 1, b = 2 }\n\t__proto__ = 3\n)\n', 'main.cf').config;
    const j = JSON.parse(JSON.stringify(configToJson(c)));
    expect(Object.keys(j.groups[0].attributes)).toEqual(['X', '__proto__']);
    expect(j.groups[0].attributes.X).toEqual(JSON.parse('{"__proto__":1,"b":2}'));
  });

  it('keeps the last of two assignments, as VCS does', () => {
    const c = parseCf('system s (\n\tUserInt = 1\n\tUserInt = 2\n)\n', 'main.cf').config;
    expect((configToJson(c) as any).systems[0].attributes).toEqual({ UserInt: 2 });
  });
});
