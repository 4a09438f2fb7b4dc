/**
 * The pcs script form, checked with pcs itself: applied to an empty CIB file
 * (`cibadmin --empty`, then `pcs -f FILE ...` as the script does; no cluster
 * needed), it must yield a CIB crm_verify accepts and that says the same as
 * `--to cib`: same nodes, properties, resources with the same parameters,
 * operations and meta attributes, same constraints. Ids pcs chooses itself
 * (nvpairs, operations, attribute blocks) are left out of the comparison.
 * One configuration holds every construct the converter emits (the seed's
 * among them): pcs starts a Python interpreter per command, so each
 * command costs about a second on a loaded machine.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { crmVerify, parseXml, scratchDir, tool, vcscf, type XmlElement } from './helpers.js';

const tmp = scratchDir('pcs');
afterAll(() => tmp.remove());

/** Every construct the converter emits, in one configuration. */
const RICH = `include "types.cf"

cluster rich (
    )

system s1 (
    PhysicalServer = "Server-9009-42A-SN1"
    )

system s2 (
    PhysicalServer = "Server-9009-42A-SN2"
    )

system s3 (
    Frozen = 1
    )

group infra (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1, s2, s3 }
    Parallel = 1
    )
    Phantom ph ( )

group lpargrp (
    SystemList = { s1 = 0, s2 = 1, s3 = 2 }
    AutoStartList = { s1 }
    Enabled @s3 = 0
    )
    LPAR lpar1 (
        LPARName = lpar1
        MCName = { hmc1, hmc2 }
        MCUser = { hscroot, hscroot }
        VIOSName @s1 = { vios1a, vios1b }
        VIOSName @s2 = { vios2a, vios2b }
        DROpts = { IPAddress = "10.1.1.5", DNSServers = "10.1.1.1 10.1.1.2", ConfigureNetwork = "1" }
        RestartLimit = 2
        )
    IP vip (
        Device @s1 = en0
        Device @s2 = en1
        Device @s3 = en0
        Address = "10.1.1.50"
        NetMask = "255.255.254.0"
        )
    NIC nic (
        Device @s1 = en0
        Device @s2 = en1
        )
    Mount fs (
        MountPoint = "/data/my app"
        BlockDevice = "/dev/lv01"
        FSType = jfs2
        FsckOpt = "-y"
        Critical = 0
        )
    requires group infra online local soft
    vip requires nic
    fs requires lpar1

group side (
    SystemList = { s1 = 0, s2 = 1 }
    ManageFaults = NONE
    Frozen = 1
    )
    Process worker (
        PathName = "/opt/side/bin/worker"
        Arguments = "-c '/etc/side.conf'"
        )
    NIC sidenic (
        Device = en1
        )
    requires group lpargrp online remote firm
    worker requires sidenic
`;

function canonical(el: XmlElement): unknown {
  const attrs = { ...el.attrs };
  if (['nvpair', 'op', 'expression', 'instance_attributes', 'meta_attributes', 'cluster_property_set'].includes(el.tag) && !(el.tag === 'instance_attributes' && el.children.some((c) => c.tag === 'rule'))) {
    delete attrs.id;
  }
  const kids = el.children.map((c) => ({ tag: c.tag, form: canonical(c) }));
  const ordered = kids.filter((k) => k.tag === 'primitive' && el.tag === 'group').map((k) => k.form);
  const rest = kids
    .filter((k) => !(k.tag === 'primitive' && el.tag === 'group'))
    .map((k) => JSON.stringify(k.form))
    .sort()
    .map((k) => JSON.parse(k) as unknown);
  return { tag: el.tag, attrs: Object.fromEntries(Object.entries(attrs).sort()), children: [...rest, ...ordered] };
}

function configuration(xml: string): unknown {
  return canonical(parseXml(xml).children.find((c) => c.tag === 'configuration')!);
}

async function viaPcs(name: string, cf: string, extra: string[] = []): Promise<{ cib: string; pcs: string }> {
  const asCib = await vcscf(['convert', cf, '--to', 'cib', ...extra]);
  const asPcs = await vcscf(['convert', cf, '--to', 'pcs', ...extra]);
  expect(asPcs.code).toBe(asCib.code);
  expect(asPcs.stderr).toBe(asCib.stderr);
  const script = tmp.file(`${name}.sh`, asPcs.stdout);
  const file = tmp.file(`${name}.xml`, tool('cibadmin', ['--empty']).stdout);
  const r = tool('sh', [script], { CIB: file }, 600_000);
  expect(r.status, r.stderr).toBe(0);
  return { cib: asCib.stdout, pcs: readFileSync(file, 'utf8') };
}

describe('vcscf convert --to pcs, applied with pcs -f to an empty CIB', () => {
  it('yields the configuration --to cib prints, for every construct the converter emits', async () => {
    const { cib, pcs } = await viaPcs('rich', tmp.file('rich/main.cf', RICH));
    const v = crmVerify(tmp.file('rich-pcs.xml', pcs));
    expect({ status: v.status, output: v.stdout + v.stderr }).toEqual({ status: 0, output: '' });
    expect(configuration(pcs)).toEqual(configuration(cib));
    // The comparison is strict: one parameter, one operation timeout or one score changed is seen.
    for (const [from, to] of [['value="10.1.1.50"', 'value="10.1.1.51"'], ['timeout="60s"', 'timeout="61s"'], ['score="20"', 'score="21"']] as const) {
      expect(cib).toContain(from);
      expect(configuration(pcs)).not.toEqual(configuration(cib.replace(from, to)));
    }
    // The comparison covered what it should.
    for (const s of ['rsc_colocation', 'rsc_order', 'rsc_location', 'rsc-pattern="^ethmonitor-"', 'score="-INFINITY"', '<clone', 'role="Stopped"', 'on-fail="block"', '#uname', 'not_defined', 'symmetrical="false"', 'influence="false"', 'PhysicalServer']) {
      expect(cib).toContain(s);
    }
  }, 600_000);
});
