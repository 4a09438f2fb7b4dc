/**
 * Dependencies: `parent requires child` links resources of one group without
 * cycles; `requires group G category location rigidity` names an existing
 * group with a combination VCS supports, and group links have no cycles.
 */
import type { GroupDef, GroupDependency } from '../../model.js';
import type { Rule } from '../finding.js';

const resourceDependency: Rule = {
  code: 'VCF301',
  name: 'dependency-resource',
  severity: 'error',
  description: 'a resource dependency links two resources of the same group, and not a resource to itself',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const local = new Set(g.resources.map((r) => r.name));
      for (const d of g.dependencies) {
        for (const role of ['parent', 'child'] as const) {
          const name = d[role];
          if (local.has(name)) continue;
          const elsewhere = ctx.resources.get(name)?.[0]?.group.name;
          report(
            d.pos,
            elsewhere
              ? `${d.parent} requires ${d.child}: ${role} ${name} is in group ${elsewhere}; resource dependencies stay within group ${g.name} (use a group dependency)`
              : `${d.parent} requires ${d.child}: ${role} ${name} is not a resource of group ${g.name}`,
          );
        }
        if (d.parent === d.child) report(d.pos, `${d.parent} requires itself`);
      }
    }
  },
};

/**
 * Cycles of a directed graph, each as the nodes around it (first node repeated
 * at the end). Iterative depth-first search: a 10,000-resource chain must not
 * exhaust the stack.
 */
function findCycles(edges: Map<string, string[]>): string[][] {
  const state = new Map<string, 1 | 2>(); // 1 on the path, 2 done
  const cycles: string[][] = [];
  for (const start of edges.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 1);
    while (path.length > 0) {
      const n = path[path.length - 1]!;
      const out = edges.get(n) ?? [];
      const i = next[next.length - 1]!;
      if (i >= out.length) {
        state.set(n, 2);
        path.pop();
        next.pop();
        continue;
      }
      next[next.length - 1] = i + 1;
      const m = out[i]!;
      const s = state.get(m);
      if (s === 1) cycles.push([...path.slice(path.indexOf(m)), m]);
      else if (s === undefined) {
        state.set(m, 1);
        path.push(m);
        next.push(0);
      }
    }
  }
  return cycles;
}

const resourceCycle: Rule = {
  code: 'VCF302',
  name: 'dependency-cycle',
  severity: 'error',
  description: 'resource dependencies within a group have no cycle',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      if (g.dependencies.length < 2) continue; // a self-dependency is VCF301's
      const edges = new Map<string, string[]>();
      for (const d of g.dependencies) {
        if (d.parent === d.child) continue;
        const out = edges.get(d.parent);
        if (out) out.push(d.child);
        else edges.set(d.parent, [d.child]);
      }
      for (const c of findCycles(edges)) {
        const [from, to] = [c[c.length - 2], c[c.length - 1]];
        const pos = g.dependencies.find((d) => d.parent === from && d.child === to)?.pos ?? g.pos;
        report(pos, `group ${g.name}: resource dependencies form a cycle: ${c.join(' requires ')}`);
      }
    }
  },
};

const CATEGORIES = new Set(['online', 'offline']);
const LOCATIONS = new Set(['local', 'global', 'remote']);
const RIGIDITIES = new Set(['soft', 'firm', 'hard']);

const groupDependency: Rule = {
  code: 'VCF303',
  name: 'group-dependency',
  severity: 'error',
  description:
    'a group dependency names another existing group, with category online or offline, location local, global or remote, rigidity soft, firm or hard; offline is local only',
  check(ctx, report) {
    const groups = new Set(ctx.config.groups.map((g) => g.name));
    const { warn, note } = ctx.mayBeInMissingInclude;
    for (const g of ctx.config.groups) {
      for (const d of g.groupDependencies) {
        const text = `requires group ${d.group} ${d.category} ${d.location}${d.rigidity ? ' ' + d.rigidity : ''}`;
        if (d.group === g.name) report(d.pos, `group ${g.name}: ${text}: a group cannot depend on itself`);
        else if (!groups.has(d.group) && !ctx.isFragment) report(d.pos, `group ${g.name}: ${text}: group ${d.group} is not defined${note}`, { warn });
        if (!CATEGORIES.has(d.category)) report(d.pos, `group ${g.name}: ${text}: category must be online or offline`);
        if (!LOCATIONS.has(d.location)) report(d.pos, `group ${g.name}: ${text}: location must be local, global or remote`);
        if (d.rigidity !== undefined && !RIGIDITIES.has(d.rigidity))
          report(d.pos, `group ${g.name}: ${text}: rigidity must be soft, firm or hard`);
        if (d.category === 'offline' && d.location !== 'local')
          report(d.pos, `group ${g.name}: ${text}: an offline dependency can only be local`);
        if (d.category === 'offline' && d.rigidity !== undefined)
          report(d.pos, `group ${g.name}: ${text}: an offline dependency takes no rigidity`);
      }
    }
  },
};

const groupCycle: Rule = {
  code: 'VCF304',
  name: 'group-dependency-cycle',
  severity: 'error',
  description: 'group dependencies have no cycle',
  check(ctx, report) {
    const edges = new Map<string, string[]>();
    const byName = new Map<string, GroupDef>(ctx.config.groups.map((g) => [g.name, g]));
    for (const g of ctx.config.groups)
      for (const d of g.groupDependencies) {
        if (d.group === g.name || !byName.has(d.group)) continue;
        const out = edges.get(g.name);
        if (out) out.push(d.group);
        else edges.set(g.name, [d.group]);
      }
    for (const c of findCycles(edges)) {
      const [from, to] = [c[c.length - 2]!, c[c.length - 1]];
      const pos = byName.get(from)?.groupDependencies.find((d) => d.group === to)?.pos ?? ctx.rootPos;
      report(pos, `group dependencies form a cycle: ${c.join(' requires ')}`);
    }
  },
};

const groupDependencyConflict: Rule = {
  code: 'VCF305',
  name: 'group-dependency-conflict',
  severity: 'error',
  description: 'a group does not depend on the same child group both online and offline',
  check(ctx, report) {
    for (const g of ctx.config.groups) {
      const online = new Map<string, GroupDependency>();
      const offline = new Map<string, GroupDependency>();
      for (const d of g.groupDependencies) {
        const m = d.category === 'offline' ? offline : online;
        if (!m.has(d.group)) m.set(d.group, d);
      }
      for (const [child, off] of offline) {
        const on = online.get(child);
        if (!on) continue;
        const [first, second] = on.pos.line <= off.pos.line ? [on, off] : [off, on];
        report(
          second.pos,
          `group ${g.name} requires group ${child} both online (${on.location}) and offline (local): ` +
            `the child would have to be up and down at once (the other at line ${first.pos.line})`,
        );
      }
    }
  },
};

export const rules: Rule[] = [resourceDependency, resourceCycle, groupDependency, groupCycle, groupDependencyConflict];
