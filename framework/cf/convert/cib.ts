/**
 * The Pacemaker configuration as a complete CIB XML document, as
 * `cibadmin --empty` lays one out (validate-with pacemaker-3.9, an empty
 * status section): load it with `cibadmin --replace --xml-file` or check it
 * with `crm_verify --xml-file`.
 *
 * Ids inside a resource, a constraint or a node are paths under its id
 * (ids.ts: `web.meta.migration-threshold`), unique by construction.
 */
import { subId } from './ids.js';
import { PROPERTIES_ID, RSC_DEFAULTS_ID, seconds, type Clone, type Constraint, type Group, type NvPair, type Operation, type PacemakerConfig, type Primitive, type Rule, type TopResource } from './pacemaker.js';

/** The schema the document declares; Pacemaker 2.1 (Debian bookworm) validates it. */
export const CIB_SCHEMA = 'pacemaker-3.9';

export function xmlEscape(s: string): string {
  let plain = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x26 || c === 0x3c || c === 0x3e) {
      plain = false;
      break;
    }
  }
  if (plain) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (c < 0x20 && c !== 9 && c !== 10 && c !== 13) out += `&#xFFFD;`;
    else if (c === 9 || c === 10 || c === 13) out += `&#${c};`;
    else out += ch;
  }
  return out;
}

/** `name="value"` pairs, undefined values left out. */
function attrs(pairs: Record<string, string | number | boolean | undefined>): string {
  let out = '';
  for (const k in pairs) {
    const v = pairs[k];
    if (v !== undefined) out += ` ${k}="${xmlEscape(String(v))}"`;
  }
  return out;
}

const INDENT = Array.from({ length: 10 }, (_, i) => '  '.repeat(i));

const e = xmlEscape;

/** Output is handed on in pieces of about this size, so a large document never sits whole in memory. */
const CHUNK = 1 << 20;

class Writer {
  out = '';
  constructor(private readonly sink: (chunk: string) => void) {}

  line(depth: number, text: string): void {
    this.out += INDENT[depth]! + text + '\n';
    if (this.out.length > CHUNK) this.flush();
  }

  flush(): void {
    if (this.out !== '') this.sink(this.out);
    this.out = '';
  }

  nvpairs(depth: number, setId: string, pairs: NvPair[]): void {
    // Ids are XML names by construction (ids.ts): nothing in them to escape.
    for (const p of pairs) this.line(depth, `<nvpair id="${subId(setId, p.name)}" name="${e(p.name)}" value="${e(p.value)}"/>`);
  }

  /** A meta_attributes block with id `id`. */
  meta(depth: number, id: string, pairs: NvPair[], tag = 'meta_attributes'): void {
    if (pairs.length === 0) return;
    this.line(depth, `<${tag}${attrs({ id })}>`);
    this.nvpairs(depth + 1, id, pairs);
    this.line(depth, `</${tag}>`);
  }

  rule(depth: number, r: Rule): void {
    this.line(depth, `<rule${attrs({ id: r.id, 'boolean-op': r.booleanOp, score: r.score })}>`);
    r.expressions.forEach((e, i) => {
      const id = subId(r.id, `expr${i}`);
      this.line(depth + 1, `<expression${attrs({ id, attribute: e.attribute, operation: e.operation, value: e.value })}/>`);
    });
    this.line(depth, '</rule>');
  }

  op(depth: number, owner: string, o: Operation): void {
    const interval = seconds(o.interval);
    const extra = (o.role ? ` role="${o.role}"` : '') + (o.onFail ? ` on-fail="${o.onFail}"` : '');
    this.line(depth, `<op id="${subId(owner, 'op', `${o.name}-${interval}`)}" name="${e(o.name)}" interval="${interval}" timeout="${seconds(o.timeout)}"${extra}/>`);
  }

  primitive(depth: number, p: Primitive): void {
    this.line(depth, `<primitive${attrs({ id: p.id, class: p.class, provider: p.provider, type: p.type, description: p.description })}>`);
    for (const s of p.params) {
      this.line(depth + 1, `<instance_attributes${attrs({ id: s.id, score: s.score })}>`);
      if (s.node !== undefined) {
        // The per-node rule, written out directly: there are as many as resources times systems.
        this.line(depth + 2, `<rule id="${s.id}.rule" score="INFINITY">`);
        this.line(depth + 3, `<expression id="${s.id}.rule.expr0" attribute="#uname" operation="eq" value="${e(s.node)}"/>`);
        this.line(depth + 2, '</rule>');
      }
      this.nvpairs(depth + 2, s.id, s.pairs);
      this.line(depth + 1, '</instance_attributes>');
    }
    this.meta(depth + 1, subId(p.id, 'meta'), p.meta);
    if (p.ops.length > 0) {
      this.line(depth + 1, '<operations>');
      for (const o of p.ops) this.op(depth + 2, p.id, o);
      this.line(depth + 1, '</operations>');
    }
    this.line(depth, '</primitive>');
  }

  group(depth: number, g: Group): void {
    this.line(depth, `<group${attrs({ id: g.id, description: g.description })}>`);
    this.meta(depth + 1, subId(g.id, 'meta'), g.meta);
    for (const m of g.members) this.primitive(depth + 1, m);
    this.line(depth, '</group>');
  }

  clone(depth: number, c: Clone): void {
    this.line(depth, `<clone${attrs({ id: c.id, description: c.description })}>`);
    this.meta(depth + 1, subId(c.id, 'meta'), c.meta);
    if (c.child.kind === 'group') this.group(depth + 1, c.child);
    else this.primitive(depth + 1, c.child);
    this.line(depth, '</clone>');
  }

  resource(depth: number, r: TopResource): void {
    if (r.kind === 'primitive') this.primitive(depth, r);
    else if (r.kind === 'group') this.group(depth, r);
    else this.clone(depth, r);
  }

  constraint(depth: number, c: Constraint): void {
    switch (c.kind) {
      case 'location':
        if (c.rule) {
          this.line(depth, `<rsc_location${attrs({ id: c.id, rsc: c.rsc })}>`);
          this.rule(depth + 1, c.rule);
          this.line(depth, '</rsc_location>');
        } else this.line(depth, `<rsc_location${attrs({ id: c.id, rsc: c.rsc, node: c.node, score: c.score })}/>`);
        return;
      case 'order':
        this.line(depth, `<rsc_order${attrs({ id: c.id, first: c.first, 'first-action': 'start', then: c.then, 'then-action': 'start', kind: c.orderKind, symmetrical: c.symmetrical })}/>`);
        return;
      case 'colocation':
        this.line(depth, `<rsc_colocation${attrs({ id: c.id, rsc: c.rsc, 'with-rsc': c.withRsc, score: c.score, influence: c.influence, 'node-attribute': c.nodeAttribute })}/>`);
        return;
    }
  }
}

/**
 * The whole document, handed to `sink` in pieces (or returned whole without
 * one); `comment` goes first, as an XML comment.
 */
export function toCib(p: PacemakerConfig, comment?: string): string;
export function toCib(p: PacemakerConfig, comment: string | undefined, sink: (chunk: string) => void): void;
export function toCib(p: PacemakerConfig, comment?: string, sink?: (chunk: string) => void): string | void {
  let whole = '';
  const w = new Writer(sink ?? ((c) => void (whole += c)));
  if (comment) w.line(0, `<!-- ${comment.replace(/--/g, '- -')} -->`);
  w.line(0, `<cib${attrs({ 'validate-with': CIB_SCHEMA, epoch: 1, num_updates: 0, admin_epoch: 0 })}>`);
  w.line(1, '<configuration>');
  w.line(2, '<crm_config>');
  w.line(3, `<cluster_property_set${attrs({ id: PROPERTIES_ID })}>`);
  w.nvpairs(4, PROPERTIES_ID, p.properties);
  w.line(3, '</cluster_property_set>');
  w.line(2, '</crm_config>');
  w.line(2, '<nodes>');
  for (const n of p.nodes) {
    if (n.attributes.length === 0) {
      w.line(3, `<node${attrs({ id: n.id, uname: n.uname })}/>`);
      continue;
    }
    w.line(3, `<node${attrs({ id: n.id, uname: n.uname })}>`);
    const setId = subId(`node-${n.id}`, 'attributes');
    w.line(4, `<instance_attributes${attrs({ id: setId })}>`);
    w.nvpairs(5, setId, n.attributes);
    w.line(4, '</instance_attributes>');
    w.line(3, '</node>');
  }
  w.line(2, '</nodes>');
  w.line(2, '<resources>');
  for (const r of p.resources) w.resource(3, r);
  w.line(2, '</resources>');
  w.line(2, '<constraints>');
  for (const c of p.constraints) w.constraint(3, c);
  w.line(2, '</constraints>');
  w.line(2, '<rsc_defaults>');
  w.meta(3, RSC_DEFAULTS_ID, p.rscDefaults);
  w.line(2, '</rsc_defaults>');
  w.line(1, '</configuration>');
  w.line(1, '<status/>');
  w.line(0, '</cib>');
  w.flush();
  if (!sink) return whole;
}
