import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toDot, toMermaid } from '../../../framework/cf/graph.js';
import { parseCf } from '../../../framework/cf/parse.js';

const config = parseCf(readFileSync(new URL('./fixtures/hacf/main.cf', import.meta.url), 'utf8'), 'main.cf').config;

describe('toDot', () => {
  const dot = toDot(config);

  it('draws each group as a cluster with its resources and requires edges', () => {
    expect(dot.startsWith('digraph "main.cf" {\n')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    expect(dot).toContain('\tsubgraph "cluster_appgrp" {\n\t\tlabel="group appgrp";');
    expect(dot).toContain('\t\t"appgrp/app" [label="Application\\napp"];');
    expect(dot).toContain('\t\t"appgrp/app" -> "appgrp/vip";');
    expect(dot).toContain('\t\t"appgrp/vip" -> "appgrp/nic";');
    expect(dot.match(/->/g)).toHaveLength(4);
  });

  it('draws group dependencies between the clusters, labelled', () => {
    expect(dot).toContain('\t"group:appgrp" -> "group:infra" [label="online local firm", style=dashed, ltail="cluster_appgrp", lhead="cluster_infra"];');
  });

  it('keeps braces and quotes balanced whatever the names', () => {
    const c = parseCf('group "g \\"x\\"" (\n)\n\tT "a\\\\b" (\n\t)\n\t"a\\\\b" requires "c d"\n', 'm.cf').config;
    const d = toDot(c);
    expect(d).toContain('"g \\"x\\"/a\\\\b" [label="T\\na\\\\b"];');
    expect(d).toContain('"g \\"x\\"/c d" [label="c d\\n(undefined)", style=dashed, color=red];');
    expect(d.split('{').length).toBe(d.split('}').length);
  });

  it('shows one group with --group, related groups collapsed', () => {
    const d = toDot(config, { group: 'infra' });
    expect(d).toContain('"infra/ph"');
    expect(d).not.toContain('"appgrp/app"');
    expect(d).toContain('subgraph "cluster_appgrp"');
    expect(d).toContain('"group:appgrp" -> "group:infra"');
  });

  it('marks a group dependency on an undefined group', () => {
    const c = parseCf('group a (\n)\n\trequires group nowhere offline local\n', 'm.cf').config;
    const d = toDot(c);
    expect(d).toContain('"group:nowhere" [label="group nowhere\\n(undefined)", shape=folder, style=dashed, color=red];');
    expect(d).toContain('"group:a" -> "group:nowhere" [label="offline local", style=dashed, ltail="cluster_a"];');
  });
});

describe('toMermaid', () => {
  it('draws a flowchart with a subgraph per group and labelled group edges', () => {
    expect(toMermaid(config)).toBe(
      [
        'flowchart TB',
        '\tsubgraph g0["group appgrp"]',
        '\t\tr0["Application app"]',
        '\t\tr1["IP vip"]',
        '\t\tr2["LPAR applpar"]',
        '\t\tr3["NIC nic"]',
        '\t\tr0 --> r1',
        '\t\tr0 --> r2',
        '\t\tr1 --> r3',
        '\tend',
        '\tsubgraph g1["group infra"]',
        '\t\tr4["Phantom ph"]',
        '\tend',
        '\tg0 -.->|"online local firm"| g1',
        '',
      ].join('\n'),
    );
  });

  it('escapes quotes in labels and styles undefined nodes', () => {
    const c = parseCf('group "q\\"g" (\n)\n\tx requires y\n', 'm.cf').config;
    const m = toMermaid(c);
    expect(m).toContain('subgraph g0["group q#quot;g"]');
    expect(m).toContain('r0["x (undefined)"]:::undefined');
    expect(m).toContain('classDef undefined');
  });
});
