/**
 * Global clusters (GCO), needed by the disaster-recovery procedures: a
 * ClusterList (of a global group, or of a wide-area heartbeat) and the
 * per-cluster values of a heartbeat (`Arguments@C2`) name the local cluster
 * or one declared with `remotecluster`.
 */
import type { AttributeAssignment, Config, SourcePos } from '../../model.js';
import { scalarOf } from '../../values.js';
import { assignmentsOf, keysOf } from '../context.js';
import type { Rule } from '../finding.js';

/** A rule over every configuration one run verifies together (a global cluster's peers). */
export interface CrossRule extends Rule {
  across(configs: readonly Config[], report: (pos: SourcePos, message: string) => void): void;
}

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

const addressOf = (attrs: readonly AttributeAssignment[]): string | undefined => {
  const a = assignmentsOf(attrs, 'ClusterAddress')[0];
  const v = a && scalarOf(a.value);
  return v === undefined || v === null ? undefined : String(v);
};

/**
 * The peers of a global cluster verified together (`vcscf verify
 * site-a/main.cf site-b/main.cf`) must agree: each names the other as a
 * remotecluster, with the ClusterAddress the other gives itself; a global
 * group (ClusterList) is in both, with the same clusters in its ClusterList.
 */
const gcoPair: CrossRule = {
  code: 'VCF803',
  name: 'gco-pair',
  severity: 'error',
  description: "peer clusters verified together agree: each is the other's remotecluster at its ClusterAddress, a global group has the same ClusterList in both",
  check() {
    // Judged across the configurations of one run (verifyPaths), never one alone.
  },
  across(configs, report) {
    const local = configs.filter((c) => c.clusters.length > 0);
    const byName = new Map(local.map((c) => [c.clusters[0]!.name, c]));
    for (const me of local) {
      const cluster = me.clusters[0]!;
      for (const remote of me.blocks.filter((b) => b.keyword.toLowerCase() === 'remotecluster')) {
        const peer = byName.get(remote.name);
        if (!peer || peer === me) continue;
        const peerCluster = peer.clusters[0]!;
        if (!peer.blocks.some((b) => b.keyword.toLowerCase() === 'remotecluster' && b.name === cluster.name)) {
          report(peerCluster.pos, `cluster ${peerCluster.name} has no remotecluster ${cluster.name}, though ${me.file} names it as its peer`);
        }
        const said = addressOf(remote.attributes);
        const actual = addressOf(peerCluster.attributes);
        if (said !== undefined && actual !== undefined && said !== actual) {
          report(remote.pos, `remotecluster ${remote.name} has ClusterAddress ${said}, but cluster ${peerCluster.name} in ${peer.file} has ${actual}`);
        }
        for (const g of me.groups) {
          const list = assignmentsOf(g.attributes, 'ClusterList')[0];
          if (!list || !keysOf(list.value).includes(remote.name)) continue;
          const theirs = peer.groups.find((x) => x.name === g.name);
          const theirList = theirs && assignmentsOf(theirs.attributes, 'ClusterList')[0];
          if (!theirs || !theirList) {
            report(list.pos, `global group ${g.name} lists ${remote.name} in its ClusterList, but ${peer.file} has no global group ${g.name}`);
            continue;
          }
          const mine = keysOf(list.value).sort().join(', ');
          const other = keysOf(theirList.value).sort().join(', ');
          if (mine !== other) report(list.pos, `group ${g.name}: ClusterList names ${mine} here, ${other} in ${peer.file}`);
        }
      }
    }
  },
};

export const rules: Rule[] = [clusterList, remoteNamedLocal, gcoPair];
/** The rules judged across the configurations of one run. */
export const crossRules: readonly CrossRule[] = [gcoPair];
