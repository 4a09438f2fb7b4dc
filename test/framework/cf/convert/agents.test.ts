/**
 * The built-in type table against the real agents: every parameter the
 * converter gives a ClusterLabs agent exists in that agent's meta-data
 * (resource-agents and pacemaker's own agents, as installed), and every
 * parameter the agent requires is set — or the resource is reported as
 * needing setup (CVT102). crm_verify does not look at agents, so this is
 * what keeps the mapping table honest.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { find, parseXml, scratchDir, tool, vcscf } from './helpers.js';

const tmp = scratchDir('agents');
afterAll(() => tmp.remove());

const OCF_ROOT = '/usr/lib/ocf';

const EVERY_TYPE = `include "types.cf"
cluster c ( )
system s1 ( )
system s2 ( )
group g (
    SystemList = { s1 = 0, s2 = 1 }
    AutoStartList = { s1 }
    )
    IP vip ( Address = "10.0.0.1"
        NetMask = "255.255.255.0"
        Device @s1 = en0
        Device @s2 = en1 )
    NIC nic ( Device = en0 )
    Mount fs ( MountPoint = "/d"
        BlockDevice = "/dev/lv1"
        FSType = ext4
        MountOpt = rw
        FsckOpt = "-y" )
    LVMVG vg ( VolumeGroup = datavg )
    NFS nfs ( )
    Share share ( PathName = "/d"
        Options = "rw" )
    Process proc ( PathName = "/bin/p"
        Arguments = "-d"
        UserName = app
        PidFile = "/run/p.pid" )
    Phantom ph ( )
    vip requires nic
`;

interface AgentMeta {
  params: Set<string>;
  required: Set<string>;
}

function metaData(provider: string, type: string): AgentMeta {
  const r = tool(`${OCF_ROOT}/resource.d/${provider}/${type}`, ['meta-data'], { OCF_ROOT });
  expect(r.status, `${provider}:${type} meta-data: ${r.stderr}`).toBe(0);
  const params = new Set<string>();
  const required = new Set<string>();
  for (const m of r.stdout.matchAll(/<parameter\s+([^>]*)>/g)) {
    const name = /name="([^"]+)"/.exec(m[1]!)?.[1];
    if (!name) continue;
    params.add(name);
    if (/required="(1|true)"/.test(m[1]!)) required.add(name);
  }
  return { params, required };
}

describe('the built-in mappings against the installed agents', () => {
  it('emits only parameters the agents know, and every required one (or reports why not)', async () => {
    const cf = tmp.file('every/main.cf', EVERY_TYPE);
    const r = await vcscf(['convert', cf, '--to', 'cib']);
    const xml = parseXml(r.stdout);
    const needsSetup = new Set([...r.stderr.matchAll(/CVT102 (\S+) /g)].map((m) => m[1]!));
    const seen: string[] = [];
    for (const prim of find(xml, 'primitive')) {
      const { id, class: cls, provider, type } = prim.attrs as Record<string, string>;
      expect(cls).toBe('ocf');
      const meta = metaData(provider!, type!);
      const given = new Set(find(prim, 'nvpair').filter((nv) => !prim.children.some((c) => c.tag === 'meta_attributes' && c.children.includes(nv))).map((nv) => nv.attrs.name!));
      for (const p of given) expect(meta.params, `${id} (${provider}:${type}) has no parameter ${p}`).toContain(p);
      const missing = [...meta.required].filter((p) => !given.has(p));
      if (missing.length > 0) expect(needsSetup, `${id} lacks ${missing.join(', ')} without a CVT102 finding`).toContain(id);
      seen.push(`${provider}:${type}`);
    }
    expect(seen.sort()).toEqual(['heartbeat:Filesystem', 'heartbeat:IPaddr2', 'heartbeat:LVM-activate', 'heartbeat:anything', 'heartbeat:ethmonitor', 'heartbeat:exportfs', 'heartbeat:nfsserver', 'pacemaker:Dummy']);
  });
});
