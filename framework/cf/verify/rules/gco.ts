/**
 * Global clusters (GCO), needed by the disaster-recovery procedures: a
 * ClusterList (of a global group, or of a wide-area heartbeat) and the
 * per-cluster values of a heartbeat (`Arguments@C2`) name the local cluster
 * or one declared with `remotecluster`.
 */
import { assignmentsOf, keysOf } from '../context.js';
import type { Rule } from '../finding.js';

const clusterList: Rule = {
  code: 'VCF801',
  name: 'clusterlist-cluster',
  severity: 'error',
  description: 'ClusterList and per-cluster heartbeat values name the local cluster or a remotecluster',
  check(ctx, report) {
    if (ctx.config.clusters.length === 0) return; // a fragment: the clusters are not known
    const known = [...ctx.clusters].join(', ');
    const { warn, note } = ctx.mayBeInMissingInclude;
    const check = (what: string, name: string, pos: Parameters<typeof report>[0]) => {
      if (!ctx.clusters.has(name)) report(pos, `${what}: cluster ${name} is neither the local cluster nor a remotecluster (known: ${known})${note}`, { warn });
    };
    for (const g of ctx.config.groups)
      for (const a of assignmentsOf(g.attributes, 'ClusterList'))
        for (const c of keysOf(a.value)) check(`group ${g.name} ClusterList`, c, a.pos);
    for (const b of ctx.config.blocks) {
      if (b.keyword.toLowerCase() !== 'heartbeat') continue;
      for (const a of assignmentsOf(b.attributes, 'ClusterList'))
        for (const c of keysOf(a.value)) check(`heartbeat ${b.name} ClusterList`, c, a.pos);
      for (const a of b.attributes) if (a.system !== undefined) check(`heartbeat ${b.name} ${a.name}@${a.system}`, a.system, a.pos);
    }
  },
};

const remoteNamedLocal: Rule = {
  code: 'VCF802',
  name: 'remotecluster-local',
  severity: 'error',
  description: 'a remotecluster is not named like the local cluster (a peer cluster needs its own name)',
  check(ctx, report) {
    const local = new Set(ctx.config.clusters.map((c) => c.name));
    for (const b of ctx.config.blocks)
      if (b.keyword.toLowerCase() === 'remotecluster' && local.has(b.name))
        report(b.pos, `remotecluster ${b.name} has the name of the local cluster: a peer cluster must have a name of its own`);
  },
};

export const rules: Rule[] = [clusterList, remoteNamedLocal];
