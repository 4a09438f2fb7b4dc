/**
 * `vcscf convert`: the command line (options, exit codes, findings on
 * stderr) and the mapping of each VCS construct, read back from the CIB it
 * prints. Pacemaker's own judgement of the results is in verify.test.ts,
 * simulate.test.ts and pcs.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CONVERT_CODES } from '../../../../framework/cf/convert/findings.js';
import { splitTokens } from '../../../../framework/cf/convert/param-values.js';
import { byId, crmVerify, find, nvpairs, parseXml, repo, scratchDir, tool, vcscf, type XmlElement } from './helpers.js';

const tmp = scratchDir('unit');
afterAll(() => tmp.remove());
let n = 0;

async function convert(maincf: string, extra: string[] = []) {
  const file = tmp.file(`c${++n}/main.cf`, maincf);
  const r = await vcscf(['convert', file, '--to', 'cib', ...extra]);
  return { ...r, file, xml: r.code < 2 ? parseXml(r.stdout) : undefined, codes: [...r.stderr.matchAll(/: (?:warning|error) (CVT\d+|VCSPVM_\w+) /g)].map((m) => m[1]) };
}

const HEAD = 'include "types.cf"\ncluster c ( )\nsystem s1 ( PhysicalServer = ps1 )\nsystem s2 ( PhysicalServer = ps2 )\n';
const group = (name: string, attrs: string, body: string) => `group ${name} (\n    SystemList = { s1 = 0, s2 = 1 }\n    AutoStartList = { s1 }\n    ${attrs}\n    )\n${body}\n`;

const ops = (prim: XmlElement) => find(prim, 'op').map((o) => `${o.attrs.name}/${o.attrs.interval}/${o.attrs.timeout}${o.attrs.role ? `/${o.attrs.role}` : ''}${o.attrs['on-fail'] ? `/on-fail=${o.attrs['on-fail']}` : ''}`);
const params = (prim: XmlElement) => nvpairs(prim, 'instance_attributes', (b) => !b.children.some((c) => c.tag === 'rule'));
const meta = (el: XmlElement) => nvpairs(el, 'meta_attributes');

describe('the command line', () => {
  it('exits 0 and says nothing on stderr when everything converts', async () => {
    const r = await convert(HEAD + group('g', '', '    IP vip ( Device = en0\n Address = "10.0.0.1"\n NetMask = "255.255.255.0" )'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('<!-- Converted by vcscf convert from ')).toBe(true);
  });

  it('exits 1 with one finding per construct that does not convert, the rest still printed', async () => {
    const r = await convert(HEAD + group('g', '', '    Frob f ( )\n    IP vip ( Address = "10.0.0.1" )'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^\S+main\.cf:10:5: error CVT101 f: no Pacemaker agent for type Frob/m);
    expect(byId(r.xml!, 'vip')).toBeDefined();
  });

  it.each([
    [[], /--to cib or --to pcs is required/],
    [['--to', 'crm'], /--to must be cib or pcs, not crm/],
    [['--to=xml'], /--to must be cib or pcs, not xml/],
    [['--bogus'], /unknown option --bogus/],
    [['--to', 'cib', '--map'], /--map needs a value/],
  ])('answers %j with exit 2 and one line', async (args, msg) => {
    const r = await vcscf(['convert', `${repo}/sim/configs/seed-lpar/main.cf`, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('takes --opt=value forms (node:util parseArgs)', async () => {
    const r = await vcscf(['convert', `${repo}/sim/configs/seed-lpar/main.cf`, '--to=pcs']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^#!\/bin\/sh/);
  });

  it('reads standard input for PATH -', async () => {
    const r = await vcscf(['convert', '-', '--to', 'cib'], readFileSync(`${repo}/sim/configs/seed-lpar/main.cf`, 'utf8'));
    expect(r.stdout).toContain('type="LPAR"');
    expect(r.stdout).toContain('from standard input');
  });

  it('reports an unreadable PATH with exit 2', async () => {
    const r = await vcscf(['convert', '/nonexistent/main.cf', '--to', 'cib']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/main\.cf/);
  });
});

describe("the seed's LPAR group", () => {
  it('becomes an ocf:vcs-powervm:LPAR primitive with per-system VIOSName and the node attribute PhysicalServer', async () => {
    const r = await vcscf(['convert', `${repo}/sim/configs/seed-lpar/main.cf`, '--to', 'cib']);
    const xml = parseXml(r.stdout);
    const lpar = byId(xml, 'aixnode5556mp2')!;
    expect(lpar.attrs).toMatchObject({ class: 'ocf', provider: 'vcs-powervm', type: 'LPAR' });
    expect(params(lpar)).toEqual({ LPARName: 'aixnode5556mp2', MCUser: 'hscroot hscroot', MCName: 'hmc6 hmc7' });
    const perNode = lpar.children.filter((c) => c.tag === 'instance_attributes' && c.children.some((x) => x.tag === 'rule'));
    expect(perNode.map((b) => [find(b, 'expression')[0]!.attrs, nvpairs({ ...b, children: [b] } as XmlElement, 'instance_attributes')])).toEqual([
      [{ id: expect.any(String), attribute: '#uname', operation: 'eq', value: 'aixnode55mp1' }, { VIOSName: 'aixnode55vio1 aixnode55vio2' }],
      [{ id: expect.any(String), attribute: '#uname', operation: 'eq', value: 'aixnode56mp1' }, { VIOSName: 'aixnode56vio1 aixnode56vio2' }],
    ]);
    // RestartLimit = 1: one restart in place, then failover; live migration allowed (hagrp -migrate).
    expect(meta(lpar)).toEqual({ 'migration-threshold': '2', 'failure-timeout': '600s', 'allow-migrate': 'true' });
    expect(ops(lpar)).toEqual(['start/0s/420s', 'stop/0s/360s', 'monitor/60s/60s', 'monitor/300s/60s/Stopped', 'migrate_to/0s/720s', 'migrate_from/0s/720s']);
    const nodes = find(xml, 'node').map((nd) => [nd.attrs.uname, nvpairs(nd, 'instance_attributes')]);
    expect(nodes).toEqual([
      ['aixnode55mp1', { PhysicalServer: 'sys1' }],
      ['aixnode56mp1', { PhysicalServer: 'sys2' }],
    ]);
    // No AutoStartList: VCS does not start the group by itself.
    expect(meta(byId(xml, 'LPAR_aixnode5556mp2')!)).toEqual({ 'target-role': 'Stopped' });
    expect(r.stderr).toMatch(/16:5: warning CVT301 group LPAR_aixnode5556mp2: SysDownPolicy/);
  });
});

describe('resources', () => {
  it('IP: Address, NetMask as a prefix length, Device; a bad netmask is reported', async () => {
    const r = await convert(HEAD + group('g', '', '    IP a ( Address = "10.0.0.1"\n NetMask = "255.255.240.0"\n Device = en0 )\n    IP b ( Address = "10.0.0.2"\n NetMask = "255.0.255.0" )\n    IP c ( Address = "fd00::1"\n PrefixLen = 64 )'));
    expect(params(byId(r.xml!, 'a')!)).toEqual({ ip: '10.0.0.1', cidr_netmask: '20', nic: 'en0' });
    expect(params(byId(r.xml!, 'b')!)).toEqual({ ip: '10.0.0.2' });
    expect(params(byId(r.xml!, 'c')!)).toEqual({ ip: 'fd00::1', cidr_netmask: '64' });
    expect(r.stderr).toMatch(/warning CVT202 b: NetMask: "255.0.255.0" is not a netmask/);
  });

  it('Mount, Process, LVMVG, Share, Application map to their agents; what they need is reported', async () => {
    const r = await convert(
      HEAD +
        group(
          'g',
          '',
          `    Mount m ( MountPoint = "/d"\n BlockDevice = "/dev/lv1"\n FSType = jfs2\n FsckOpt = "-n" )
    Process p ( PathName = "/bin/p"\n Arguments = "-x 1"\n PidFile = "/run/p.pid" )
    LVMVG v ( VolumeGroup = datavg\n MajorNumber = 50 )
    Share s ( PathName = "/d"\n Options = "rw" )
    Application app ( StartProgram = "/opt/a/start"\n StopProgram = "/opt/a/stop" )`,
        ),
    );
    const agent = (id: string) => {
      const p = byId(r.xml!, id)!.attrs;
      return p.provider ? `${p.class}:${p.provider}:${p.type}` : `${p.class}:${p.type}`;
    };
    expect(['m', 'p', 'v', 's', 'app'].map(agent)).toEqual(['ocf:heartbeat:Filesystem', 'ocf:heartbeat:anything', 'ocf:heartbeat:LVM-activate', 'ocf:heartbeat:exportfs', 'systemd:app']);
    expect(params(byId(r.xml!, 'm')!)).toEqual({ directory: '/d', device: '/dev/lv1', fstype: 'jfs2', run_fsck: 'no' });
    expect(params(byId(r.xml!, 'p')!)).toEqual({ binfile: '/bin/p', cmdline_options: '-x 1', pidfile: '/run/p.pid' });
    expect(params(byId(r.xml!, 'v')!)).toEqual({ vg_access_mode: 'system_id', vgname: 'datavg' });
    expect(r.stderr).toMatch(/warning CVT201 v: attribute MajorNumber has no parameter in ocf:heartbeat:LVM-activate/);
    expect(r.stderr).toMatch(/warning CVT102 s \(Share\): exportfs needs clientspec/);
    expect(r.stderr).toMatch(/warning CVT102 app \(Application\): runs as the systemd unit app\.service/);
  });

  it('associations and lists in the documented token form (DROpts for the OCF face)', async () => {
    const r = await convert(HEAD + group('g', '', '    LPAR l ( LPARName = l\n MCName = { hmc1, "hmc two" }\n DROpts = { IPAddress = "10.1.1.5", DNSServers = "10.1.1.1 10.1.1.2", Domain = "" } )'));
    const p = params(byId(r.xml!, 'l')!);
    expect(p.MCName).toBe('hmc1 "hmc two"');
    expect(p.DROpts).toBe('IPAddress=10.1.1.5 DNSServers="10.1.1.1 10.1.1.2" Domain=""');
    expect(splitTokens(p.DROpts!)).toEqual(['IPAddress=10.1.1.5', 'DNSServers=10.1.1.1 10.1.1.2', 'Domain=']);
  });

  it('WPAR gets the group ContainerInfo; a RunInContainer resource is reported', async () => {
    const r = await convert(HEAD + group('w', 'ContainerInfo = { Name = w1, Type = WPAR, Enabled = 1 }', '    WPAR wp ( )\n    Application app ( StartProgram = "/a" )\n    app requires wp'));
    expect(params(byId(r.xml!, 'wp')!)).toEqual({ ContainerInfo: 'Name=w1 Type=WPAR Enabled=1' });
    expect(r.codes).toContain('CVT103');
  });

  it('timeouts and intervals from the type and the resource', async () => {
    const r = await convert(HEAD + group('g', '', '    Process p ( PathName = "/p"\n MonitorInterval = 30\n OfflineMonitorInterval = 30\n OnlineTimeout = 100\n CleanTimeout = 20\n OnlineWaitLimit = 1 )'));
    // start: OnlineTimeout + OnlineWaitLimit x MonitorInterval; stop: OfflineTimeout + CleanTimeout;
    // the offline monitor gets another interval (Pacemaker tells operations apart by name and interval).
    expect(ops(byId(r.xml!, 'p')!)).toEqual(['start/0s/130s', 'stop/0s/320s', 'monitor/30s/60s', 'monitor/31s/60s/Stopped']);
  });

  it('Critical = 0, Enabled = 0, MonitorOnly = 1, ToleranceLimit', async () => {
    const r = await convert(HEAD + group('g', '', '    Process a ( PathName = "/a"\n Critical = 0 )\n    Process b ( PathName = "/b"\n Enabled = 0\n MonitorOnly = 1\n ToleranceLimit = 2 )'));
    expect(meta(byId(r.xml!, 'a')!)).toEqual({ critical: 'false' });
    expect(meta(byId(r.xml!, 'b')!)).toEqual({ 'target-role': 'Stopped', 'is-managed': 'false' });
    expect(r.stderr).toMatch(/warning CVT203 b: ToleranceLimit = 2/);
  });

  it('per-system values: the last assignment of each scope wins, blocks in the order systems first appear, each under its own id', async () => {
    const r = await convert(
      HEAD +
        group(
          'g',
          '',
          `    IP a ( Address = "10.0.0.1"\n Device @s2 = en1\n Device @s1 = en0\n Device @s2 = en2\n Device = en9\n Device = en8 )
    IP b ( Address = "10.0.0.2"\n Device @s2 = en2\n Device @s1 = en0 )
    IP c ( Address = "10.0.0.3"\n Device @s1 = en3\n Device @s2 = en3 )`,
        ),
    );
    // Each per-node block: its id, the ids and values of its rule's expressions, its parameters.
    const blocks = (id: string) =>
      byId(r.xml!, id)!
        .children.filter((c) => c.tag === 'instance_attributes' && c.children.some((x) => x.tag === 'rule'))
        .map((b) => ({
          id: b.attrs.id,
          rule: find(b, 'expression').map((x) => `${x.attrs.id}: ${x.attrs.value}`),
          params: nvpairs({ tag: 'x', attrs: {}, children: [b] }, 'instance_attributes'),
        }));
    expect(params(byId(r.xml!, 'a')!)).toEqual({ ip: '10.0.0.1', nic: 'en8' });
    expect(blocks('a')).toEqual([
      { id: 'a.params.s2', rule: ['a.params.s2.rule.expr0: s2'], params: { nic: 'en2' } },
      { id: 'a.params.s1', rule: ['a.params.s1.rule.expr0: s1'], params: { nic: 'en0' } },
    ]);
    // The same values on the same systems as a: the same blocks, under b's ids.
    expect(blocks('b')).toEqual([
      { id: 'b.params.s2', rule: ['b.params.s2.rule.expr0: s2'], params: { nic: 'en2' } },
      { id: 'b.params.s1', rule: ['b.params.s1.rule.expr0: s1'], params: { nic: 'en0' } },
    ]);
    // The same value on both systems: one block for both.
    expect(blocks('c')).toEqual([{ id: 'c.params.s1', rule: ['c.params.s1.rule.expr0: s1', 'c.params.s1.rule.expr1: s2'], params: { nic: 'en3' } }]);
  });

  it('orders group members so that every requires holds, non-critical ones as late as possible', async () => {
    const r = await convert(HEAD + group('g', '', '    Process app ( PathName = "/a" )\n    Process extra ( PathName = "/e"\n Critical = 0 )\n    Process db ( PathName = "/d" )\n    Frob lost ( )\n    Process fs ( PathName = "/f" )\n    app requires db\n    db requires lost\n    lost requires fs'));
    // lost (no mapping) is left out; db still starts after fs, through it.
    expect(byId(r.xml!, 'g')!.children.filter((c) => c.tag === 'primitive').map((c) => c.attrs.id)).toEqual(['fs', 'db', 'app', 'extra']);
  });
});

describe('service groups', () => {
  it('Parallel = 1 is an interleaved clone of the group; Frozen unmanaged; ManageFaults NONE blocks', async () => {
    const r = await convert(HEAD + group('p', 'Parallel = 1', '    Process a ( PathName = "/a" )') + group('f', 'Frozen = 1\n    ManageFaults = NONE', '    Process b ( PathName = "/b" )'));
    const clone = byId(r.xml!, 'p-clone')!;
    expect(clone.tag).toBe('clone');
    expect(meta(clone)).toEqual({ interleave: 'true' });
    expect(clone.children.find((c) => c.tag === 'group')?.attrs.id).toBe('p');
    expect(meta(byId(r.xml!, 'f')!)).toEqual({ 'is-managed': 'false' });
    expect(ops(byId(r.xml!, 'b')!)).toContain('monitor/60s/60s/on-fail=block');
  });

  it('SystemList and AutoStartList as location scores in an opt-in cluster; Enabled@sys = 0 forbids the system', async () => {
    const r = await convert(HEAD + 'system s3 ( )\n' + `group g (\n SystemList = { s1 = 0, s2 = 1, s3 = 2 }\n AutoStartList = { s2 }\n Enabled @s3 = 0\n )\n    Process a ( PathName = "/a" )\n`);
    const locs = find(r.xml!, 'rsc_location').map((l) => `${l.attrs.node}=${l.attrs.score}`);
    // s1: best priority (30); s2: third... plus the auto-start bonus (20 + 30); s3 disabled.
    expect(locs).toEqual(['s1=30', 's2=50', 's3=-INFINITY']);
    expect(nvpairs(find(r.xml!, 'crm_config')[0]!, 'cluster_property_set')).toMatchObject({ 'symmetric-cluster': 'false', 'stonith-enabled': 'false' });
    // Stickiness above the largest score spread: nothing fails back.
    expect(Number(nvpairs(find(r.xml!, 'rsc_defaults')[0]!, 'meta_attributes')['resource-stickiness'])).toBeGreaterThan(50 - 10);
  });

  it('OnlineRetryLimit lets start failures be retried (start-failure-is-fatal=false)', async () => {
    const r = await convert(HEAD + group('g', 'OnlineRetryLimit = 2', '    Process a ( PathName = "/a" )'));
    expect(meta(byId(r.xml!, 'a')!)).toEqual({ 'migration-threshold': '3', 'failure-timeout': '600s' });
    expect(nvpairs(find(r.xml!, 'crm_config')[0]!, 'cluster_property_set')['start-failure-is-fatal']).toBe('false');
  });

  it('a group with nothing to convert is left out with the dependencies on it', async () => {
    const r = await convert(HEAD + group('empty', '', '    Frob f ( )') + group('g', '', '    Process a ( PathName = "/a" )\n    requires group empty online local firm'));
    expect(byId(r.xml!, 'empty')).toBeUndefined();
    expect(r.codes).toEqual(expect.arrayContaining(['CVT101', 'CVT302', 'CVT402']));
    expect(find(r.xml!, 'rsc_colocation')).toEqual([]);
  });

  it('a group and a resource of the same name get distinct ids', async () => {
    const r = await convert(HEAD + group('web', '', '    Process web ( PathName = "/w" )'));
    expect(byId(r.xml!, 'web')!.tag).toBe('primitive');
    expect(byId(r.xml!, 'web-2')!.tag).toBe('group');
    expect(crmVerify(tmp.file('same-name.xml', r.stdout)).status).toBe(0);
  });

  it.each([
    ['online global hard', 'CVT401', /VCS supports hard only for online local/],
    ['offline remote', 'CVT402', /offline remote dependencies do not exist in VCS/],
    ['offline local soft', 'CVT401', /rigidity soft has no meaning/],
  ])('requires group ... %s is reported', async (link, code, msg) => {
    const r = await convert(HEAD + group('c', '', '    Process a ( PathName = "/a" )') + group('p', '', `    Process b ( PathName = "/b" )\n    requires group c ${link}`));
    expect(r.codes).toContain(code);
    expect(r.stderr).toMatch(msg);
  });
});

describe('what has no equivalent', () => {
  it('global clusters, wide-area heartbeats, triggers, users are reported with the nearest Pacemaker feature', async () => {
    const r = await convert(`include "types.cf"
cluster c (
    UserNames = { admin = x }
    ClusterAddress = "10.0.0.5"
    )
remotecluster dr ( ClusterAddress = "10.9.0.5" )
heartbeat Icmp ( ClusterList = { dr } )
system s1 ( )
group g (
    SystemList = { s1 = 0 }
    AutoStartList = { s1 }
    ClusterList = { c = 0, dr = 1 }
    TriggerResFault = 0
    PreOnline = 1
    )
    Process a ( PathName = "/a" )
`);
    expect(r.stderr).toMatch(/CVT501 remotecluster dr: .*booth and tickets/);
    expect(r.stderr).toMatch(/CVT502 heartbeat Icmp: .*booth/);
    expect(r.stderr).toMatch(/CVT501 group g: ClusterList: .*rsc_ticket/);
    expect(r.stderr).toMatch(/CVT503 group g: TriggerResFault: .*alerts/);
    expect(r.stderr).toMatch(/CVT503 group g: PreOnline: .*alerts/);
    expect(r.stderr).toMatch(/CVT505 cluster c: UserNames: .*ACLs/);
    expect(r.code).toBe(1);
  });

  it('UseFence = SCSI3 keeps STONITH on: crm_verify refuses to start anything until a fence device exists', async () => {
    const r = await convert(HEAD.replace('cluster c ( )', 'cluster c ( UseFence = SCSI3 )') + group('g', '', '    Process a ( PathName = "/a" )'));
    expect(r.stderr).toMatch(/error CVT504 UseFence = SCSI3: STONITH stays enabled/);
    expect(r.stdout).not.toContain('stonith-enabled');
    const v = tool('crm_verify', ['-V', '--xml-file', tmp.file('fenced.xml', r.stdout)]);
    expect(v.status).not.toBe(0);
    expect(v.stdout + v.stderr).toMatch(/no STONITH resources have been defined/);
  });

  it('a second definition of a resource is reported and left out', async () => {
    const r = await convert(HEAD + group('g1', '', '    Process a ( PathName = "/a" )') + group('g2', '', '    Process a ( PathName = "/b" )\n    Process b ( PathName = "/c" )'));
    expect(r.stderr).toMatch(/error CVT104 resource a is already defined at /);
    expect(params(byId(r.xml!, 'a')!)).toEqual({ binfile: '/a' });
    expect(crmVerify(tmp.file('dup.xml', r.stdout)).status).toBe(0);
  });
});

describe('--map FILE', () => {
  const corpusMain = ['/work/shared/corpus', `${repo}/../shared/corpus`].map((d) => `${d}/linbit-drbd-utils__Templates-main.cf`);

  it('maps site-specific types: the LINBIT DRBD groups onto drbd-utils systemd units', async () => {
    const map = tmp.file('drbd.json', JSON.stringify({
      types: {
        DRBDConfigure: { agent: 'systemd:drbd@{ResName}', params: { ResName: null } },
        DRBDPrimary: { agent: 'systemd:drbd-promote@{ResName}', params: { ResName: null } },
      },
    }));
    const main = corpusMain.find((f) => { try { readFileSync(f); return true; } catch { return false; } });
    const r = await vcscf(['convert', main ?? `${repo}/sim/configs/seed-lpar/main.cf`, '--to', 'cib', '--map', map]);
    if (main) {
      const xml = parseXml(r.stdout);
      expect(byId(xml, 'r0primary')!.attrs).toMatchObject({ class: 'systemd', type: 'drbd-promote@r0' });
      expect(byId(xml, 'r0conf')!.attrs).toMatchObject({ class: 'systemd', type: 'drbd@r0' });
      expect(byId(xml, 'DRBDGrp-clone')).toBeDefined();
      expect(r.stderr).not.toMatch(/CVT101|CVT302|CVT402/);
      expect(crmVerify(tmp.file('drbd.xml', r.stdout)).status).toBe(0);
    }
  });

  it('overrides a built-in mapping in part', async () => {
    const map = tmp.file('lvm.json', JSON.stringify({ types: { LVMVG: { set: { vg_access_mode: 'lvmlockd' }, params: { MajorNumber: null } } } }));
    const r = await convert(HEAD + group('g', '', '    LVMVG v ( VolumeGroup = datavg\n MajorNumber = 50 )'), ['--map', map]);
    expect(params(byId(r.xml!, 'v')!)).toEqual({ vg_access_mode: 'lvmlockd', vgname: 'datavg' });
    expect(r.code).toBe(0);
  });

  it.each([
    ['{', /not JSON/],
    ['{"types": {"X": {}}}', /\/types\/X needs an "agent"/],
    ['{"types": {"X": {"agent": "heartbeat"}}}', /is not class:provider:type/],
    ['{"types": {"X": {"agent": "ocf:a:b", "params": {"A": 3}}}}', /\/types\/X\/params\/A/],
    ['{"typos": {}}', /must have required property 'types'/],
  ])('rejects a bad map %s with exit 2', async (text, msg) => {
    const map = tmp.file(`bad${++n}.json`, text);
    const r = await vcscf(['convert', `${repo}/sim/configs/seed-lpar/main.cf`, '--to', 'cib', '--map', map]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(msg);
    expect(r.stdout).toBe('');
  });
});

describe('docs/convert.md', () => {
  it('documents every finding code', () => {
    const doc = readFileSync(`${repo}/docs/convert.md`, 'utf8');
    for (const c of Object.values(CONVERT_CODES)) expect(doc, c.code).toMatch(new RegExp(`\\| \`${c.code}\` \\| \`${c.name}\` \\| ${c.severity} \\|`));
  });
});

describe('parallel groups in dependencies', () => {
  it.each([
    ['Parallel = 1', '', 'online local firm', /parallel parent and a failover child/],
    ['Parallel = 1', 'Parallel = 1', 'online global soft', /global dependencies between parallel groups/],
    ['', 'Parallel = 1', 'online local hard', /hard dependencies only between failover groups/],
  ])('parent %j, child %j, %s: what VCS does not support is reported', async (parentAttrs, childAttrs, link, msg) => {
    const r = await convert(HEAD + group('c', childAttrs, '    Process a ( PathName = "/a" )') + group('p', parentAttrs, `    Process b ( PathName = "/b" )\n    requires group c ${link}`));
    expect(r.stderr).toMatch(new RegExp(`warning CVT401 group p: requires group c ${link}: .*${msg.source}`));
    expect(crmVerify(tmp.file(`par${++n}.xml`, r.stdout)).status).toBe(0);
  });
});
