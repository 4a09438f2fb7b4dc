/**
 * The Pacemaker configuration as a shell script of `pcs -f "$CIB" ...`
 * commands, which change a CIB file rather than the live cluster:
 *
 *   pcs cluster cib vcs.xml            # or: cibadmin --empty > vcs.xml
 *   CIB=vcs.xml sh converted.sh
 *   pcs cluster cib-push vcs.xml --config
 *
 * pcs has no command for what it cannot express in file mode: nodes (they
 * come from corosync), per-node parameter blocks (rules in
 * instance_attributes) and descriptions. Those lines use cibadmin on the same
 * file (CIB_file). Applied to an empty CIB, the script yields the same
 * configuration as `--to cib` (test/framework/cf/convert/pcs.test.ts).
 */
import { subId } from './ids.js';
import { blockRule, seconds, type AttrSet, type Constraint, type NvPair, type Operation, type PacemakerConfig, type Primitive, type Rule, type TopResource } from './pacemaker.js';
import { xmlEscape } from './cib.js';

/** One shell word, single-quoted unless it is plainly safe (a `#` that starts a word starts a comment). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-][A-Za-z0-9_@%+=:,./#-]*$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function pairs(list: NvPair[]): string[] {
  return list.map((p) => shellWord(`${p.name}=${p.value}`));
}

function pcs(...words: string[]): string {
  return ['pcs -f "$CIB"', ...words].join(' ');
}

function cibadmin(xml: string, how: '--create -o nodes' | '--modify'): string {
  return `CIB_file="$CIB" cibadmin ${how} --xml-text ${shellWord(xml)}`;
}

function opWords(o: Operation): string[] {
  const w = ['op', o.name, `interval=${seconds(o.interval)}`, `timeout=${seconds(o.timeout)}`];
  if (o.role) w.push(`role=${o.role}`);
  if (o.onFail) w.push(`on-fail=${o.onFail}`);
  return w;
}

function ruleXml(r: Rule): string {
  const exprs = r.expressions
    .map((e, i) => {
      const value = e.value === undefined ? '' : ` value="${xmlEscape(e.value)}"`;
      return `<expression id="${xmlEscape(subId(r.id, `expr${i}`))}" attribute="${xmlEscape(e.attribute)}" operation="${e.operation}"${value}/>`;
    })
    .join('');
  const op = r.booleanOp ? ` boolean-op="${r.booleanOp}"` : '';
  const score = r.score ? ` score="${xmlEscape(r.score)}"` : '';
  return `<rule id="${xmlEscape(r.id)}"${op}${score}>${exprs}</rule>`;
}

/** A rule-scoped instance_attributes block, added with cibadmin (pcs cannot). */
function ruleBlockXml(primitiveId: string, s: AttrSet): string {
  const nv = s.pairs.map((p) => `<nvpair id="${xmlEscape(subId(s.id, p.name))}" name="${xmlEscape(p.name)}" value="${xmlEscape(p.value)}"/>`).join('');
  const score = s.score === undefined ? '' : ` score="${s.score}"`;
  return `<primitive id="${xmlEscape(primitiveId)}"><instance_attributes id="${xmlEscape(s.id)}"${score}>${s.nodes ? ruleXml(blockRule({ ...s, nodes: s.nodes })) : ''}${nv}</instance_attributes></primitive>`;
}

function primitiveLines(p: Primitive, group?: string): string[] {
  const agent = p.provider ? `${p.class}:${p.provider}:${p.type}` : `${p.class}:${p.type}`;
  const base = p.params.find((s) => !s.nodes);
  const words = ['resource', 'create', shellWord(p.id), shellWord(agent), ...pairs(base?.pairs ?? [])];
  for (const o of p.ops) words.push(...opWords(o));
  if (p.meta.length > 0) words.push('meta', ...pairs(p.meta));
  if (group) words.push('--group', shellWord(group));
  // --force: the agents need not be installed where the script runs (ocf:vcs-powervm:*, systemd units).
  words.push('--no-default-ops', '--force');
  const out = [pcs(...words)];
  for (const s of p.params) if (s.nodes) out.push(cibadmin(ruleBlockXml(p.id, s), '--modify'));
  if (p.description) out.push(cibadmin(`<primitive id="${xmlEscape(p.id)}" description="${xmlEscape(p.description)}"/>`, '--modify'));
  return out;
}

function resourceLines(r: TopResource): string[] {
  if (r.kind === 'primitive') return primitiveLines(r);
  if (r.kind === 'group') {
    const out = r.members.flatMap((m) => primitiveLines(m, r.id));
    if (r.meta.length > 0) out.push(pcs('resource', 'meta', shellWord(r.id), ...pairs(r.meta)));
    if (r.description) out.push(cibadmin(`<group id="${xmlEscape(r.id)}" description="${xmlEscape(r.description)}"/>`, '--modify'));
    return out;
  }
  const out = resourceLines(r.child);
  out.push(pcs('resource', 'clone', shellWord(r.child.id), shellWord(r.id), ...pairs(r.meta)));
  if (r.description) out.push(cibadmin(`<clone id="${xmlEscape(r.id)}" description="${xmlEscape(r.description)}"/>`, '--modify'));
  return out;
}

function ruleWords(r: Rule): string[] {
  const w: string[] = [];
  r.expressions.forEach((e, i) => {
    if (i > 0) w.push(r.booleanOp ?? 'and');
    if (e.operation === 'defined' || e.operation === 'not_defined') w.push(e.operation, shellWord(e.attribute));
    else w.push(shellWord(e.attribute), e.operation, shellWord(e.value ?? ''));
  });
  return w;
}

function constraintLine(c: Constraint): string {
  switch (c.kind) {
    case 'location': {
      // pcs takes a pattern as regexp%PATTERN where it takes a resource.
      const rsc = shellWord(c.rsc ?? `regexp%${c.rscPattern ?? ''}`);
      if (c.rule) {
        const w = ['constraint', 'location', rsc, 'rule', shellWord(`id=${c.rule.id}`), shellWord(`constraint-id=${c.id}`)];
        if (c.rule.score) w.push(shellWord(`score=${c.rule.score}`));
        return pcs(...w, ...ruleWords(c.rule));
      }
      return pcs('constraint', 'location', 'add', shellWord(c.id), rsc, shellWord(c.node ?? ''), shellWord(c.score ?? '0'));
    }
    case 'order': {
      const w = ['constraint', 'order', 'start', shellWord(c.first), 'then', 'start', shellWord(c.then), `kind=${c.orderKind}`];
      if (c.symmetrical !== undefined) w.push(`symmetrical=${c.symmetrical}`);
      return pcs(...w, shellWord(`id=${c.id}`));
    }
    case 'colocation': {
      const w = ['constraint', 'colocation', 'add', shellWord(c.rsc), 'with', shellWord(c.withRsc), shellWord(c.score), shellWord(`id=${c.id}`)];
      if (c.influence !== undefined) w.push(`influence=${c.influence}`);
      if (c.nodeAttribute) w.push(shellWord(`node-attribute=${c.nodeAttribute}`));
      return pcs(...w);
    }
  }
}

function nodeXml(n: PacemakerConfig['nodes'][number]): string {
  const setId = subId(`node-${n.id}`, 'attributes');
  const nv = n.attributes.map((a) => `<nvpair id="${xmlEscape(subId(setId, a.name))}" name="${xmlEscape(a.name)}" value="${xmlEscape(a.value)}"/>`).join('');
  const body = n.attributes.length > 0 ? `<instance_attributes id="${xmlEscape(setId)}">${nv}</instance_attributes>` : '';
  return `<node id="${xmlEscape(n.id)}" uname="${xmlEscape(n.uname)}">${body}</node>`;
}

/** The script up to the resources; `comment` lines go in the header. */
export function pcsHead(p: PacemakerConfig, comment: string[] = []): string {
  const out: string[] = [
    '#!/bin/sh',
    ...comment.map((c) => `# ${c}`),
    '#',
    '# Applies the configuration to the CIB file named by CIB (pcs -f), then push it:',
    '#   pcs cluster cib vcs.xml && CIB=vcs.xml sh THIS_SCRIPT && pcs cluster cib-push vcs.xml --config',
    'set -eu',
    ': "${CIB:?set CIB to the CIB file to change (pcs cluster cib FILE, or cibadmin --empty > FILE)}"',
    '',
    '# Nodes: corosync names them; node attributes as VCS system attributes.',
    ...p.nodes.map((n) => cibadmin(nodeXml(n), '--create -o nodes')),
    '',
    pcs('property', 'set', ...pairs(p.properties)),
    pcs('resource', 'defaults', 'update', ...pairs(p.rscDefaults)),
    '',
    '# Resources',
  ];
  return out.join('\n') + '\n';
}

/** The commands that create one top-level resource. */
export function pcsResource(r: TopResource): string {
  return resourceLines(r).join('\n') + '\n';
}

/** The script after the resources: the constraints. */
export function pcsTail(p: PacemakerConfig): string {
  return ['', '# Constraints', ...p.constraints.map(constraintLine)].join('\n') + '\n';
}

/** The whole script; `comment` lines go in the header. */
export function toPcs(p: PacemakerConfig, comment: string[] = []): string {
  return pcsHead(p, comment) + p.resources.map(pcsResource).join('') + pcsTail(p);
}
