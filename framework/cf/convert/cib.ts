/**
 * The Pacemaker configuration as a complete CIB XML document, as
 * `cibadmin --empty` lays one out (validate-with pacemaker-3.9, an empty
 * status section): load it with `cibadmin --replace --xml-file` or check it
 * with `crm_verify --xml-file`.
 *
 * Ids inside a resource, a constraint or a node are paths under its id
 * (ids.ts: `web.meta.migration-threshold`), unique by construction, and XML
 * names: only values and descriptions need escaping.
 *
 * The resources can be written one by one as they are converted
 * (CibWriter.resource), so that a large configuration never holds its whole
 * Pacemaker model, only text.
 */
import { subId } from './ids.js';
import { blockRule, PROPERTIES_ID, RSC_DEFAULTS_ID, seconds, type AttrSet, type Clone, type Constraint, type Group, type NvPair, type Operation, type PacemakerConfig, type Primitive, type Rule, type TopResource } from './pacemaker.js';

/** The schema the document declares; Pacemaker 2.1 (Debian bookworm) validates it. */
export const CIB_SCHEMA = 'pacemaker-3.9';

const NEEDS_ESCAPE = /[\x00-\x1f"&<>]/;

/** Text for an attribute value: markup escaped, tab and line ends as character references (kept through attribute normalization), other control characters (not XML) as U+FFFD. */
export function xmlEscape(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (c === 9 || c === 10 || c === 13) out += `&#${c};`;
    else if (c < 0x20) out += '&#xFFFD;';
    else out += ch;
  }
  return out;
}

const e = xmlEscape;

/** ` name="value"` when there is a value. */
const opt = (name: string, v: string | number | boolean | undefined): string => (v === undefined ? '' : ` ${name}="${e(String(v))}"`);

const INDENT = Array.from({ length: 12 }, (_, i) => '  '.repeat(i));

/**
 * Output is handed on in pieces of about this many characters, so a large
 * document never sits whole in memory. Each piece is one flat string, large
 * enough for V8 to keep outside the young generation (no copying by the
 * scavenger); the lines gathered for it are young until joined, so a smaller
 * piece means less to copy at each scavenge (256 K measured ~15% less CPU
 * for the writer than 1 M, and 64 K more again).
 */
const CHUNK = 1 << 18;

/** Gathers text and hands it on in pieces of about CHUNK characters, each one flat string. */
export class Chunks {
  private parts: string[] = [];
  private size = 0;

  constructor(private readonly sink: (chunk: string) => void) {}

  add(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size > CHUNK) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.sink(this.parts.join(''));
    this.parts = [];
    this.size = 0;
  }
}

/** Stands for a primitive's id in text written once for many primitives; never in a CIB (a control character). */
const ID = '\u0001';

/** `<nvpair id="` at each depth. */
const NVPAIR = INDENT.map((indent) => `${indent}<nvpair id="`);

/**
 * Text that primitives share but for their ids: the pieces between the
 * places of the id, and the id suffix and score it was made with.
 */
interface Made {
  pieces: string[];
  suffix: string;
  score: number | undefined;
}

/** Writes a CIB, or parts of one, to `sink` in pieces. */
export class CibWriter {
  private lines: string[] = [];
  private size = 0;
  private capturing = false;
  /**
   * Text that primitives share but for their ids (their operations and meta
   * attributes when they share a Shape, the rules of their per-node blocks), as
   * the pieces between the places of the id, by depth: written by one join.
   */
  private readonly byObject = new WeakMap<object, Array<Made | undefined>>();
  /** What an nvpair line holds between its block's id and its value, by name. */
  private readonly nvMiddle = new Map<string, string>();

  constructor(private readonly sink: (chunk: string) => void) {}

  private push(text: string): void {
    this.lines.push(text);
    this.size += text.length;
    if (this.size > CHUNK && !this.capturing) this.flush();
  }

  private line(depth: number, text: string): void {
    this.push(INDENT[depth] + text + '\n');
  }

  /** What `write` writes, with `id` in the places where it writes ID. */
  private pieces(write: (id: string) => void): string[] {
    const lines = this.lines;
    const size = this.size;
    this.lines = [];
    this.capturing = true;
    try {
      write(ID);
      return this.lines.join('').split(ID);
    } finally {
      this.lines = lines;
      this.size = size;
      this.capturing = false;
    }
  }

  /** The text made for `shared` at `depth` with this id suffix and score, if any. */
  private made(shared: object, depth: number, suffix: string, score: number | undefined): string[] | undefined {
    const made = this.byObject.get(shared)?.[depth];
    return made !== undefined && made.suffix === suffix && made.score === score ? made.pieces : undefined;
  }

  /** Makes the text `write(ID)` writes for `shared` at `depth`, and keeps it. */
  private make(shared: object, depth: number, suffix: string, score: number | undefined, write: (id: string) => void): string[] {
    let byDepth = this.byObject.get(shared);
    if (!byDepth) this.byObject.set(shared, (byDepth = []));
    const pieces = this.pieces(write);
    byDepth[depth] = { pieces, suffix, score };
    return pieces;
  }

  /** Hands on what is written so far. */
  flush(): void {
    if (this.lines.length === 0) return;
    // One join makes one flat string: cheaper to hold and to write than a long concatenation.
    this.sink(this.lines.join(''));
    this.lines = [];
    this.size = 0;
  }

  private nvpairs(depth: number, setId: string, pairs: NvPair[]): void {
    const open = NVPAIR[depth]!;
    for (let i = 0; i < pairs.length; i++) {
      const p = pairs[i]!;
      let middle = this.nvMiddle.get(p.name);
      if (middle === undefined) this.nvMiddle.set(p.name, (middle = `${subId('', p.name)}" name="${e(p.name)}" value="`));
      this.push(`${open}${setId}${middle}${e(p.value)}"/>\n`);
    }
  }

  /** A meta_attributes block (or another nvpair block, by `tag`) with id `id`. */
  private meta(depth: number, id: string, pairs: NvPair[], tag = 'meta_attributes'): void {
    if (pairs.length === 0) return;
    this.line(depth, `<${tag} id="${id}">`);
    this.nvpairs(depth + 1, id, pairs);
    this.line(depth, `</${tag}>`);
  }

  private rule(depth: number, r: Rule): void {
    this.line(depth, `<rule id="${r.id}"${opt('boolean-op', r.booleanOp)}${opt('score', r.score)}>`);
    for (let i = 0; i < r.expressions.length; i++) {
      const x = r.expressions[i]!;
      this.line(depth + 1, `<expression id="${r.id}.expr${i}" attribute="${e(x.attribute)}" operation="${x.operation}"${opt('value', x.value)}/>`);
    }
    this.line(depth, '</rule>');
  }

  private op(depth: number, owner: string, o: Operation): void {
    const interval = seconds(o.interval);
    const extra = (o.role ? ` role="${o.role}"` : '') + (o.onFail ? ` on-fail="${o.onFail}"` : '');
    this.line(depth, `<op id="${subId(owner, 'op', `${o.name}-${interval}`)}" name="${e(o.name)}" interval="${interval}" timeout="${seconds(o.timeout)}"${extra}/>`);
  }

  private attrSet(depth: number, s: AttrSet): void {
    this.line(depth, `<instance_attributes id="${s.id}"${opt('score', s.score)}>`);
    if (s.nodes) this.rule(depth + 1, blockRule({ ...s, nodes: s.nodes }));
    this.nvpairs(depth + 1, s.id, s.pairs);
    this.line(depth, '</instance_attributes>');
  }

  private primitive(depth: number, p: Primitive): void {
    this.line(depth, `<primitive id="${p.id}" class="${e(p.class)}"${opt('provider', p.provider)} type="${e(p.type)}"${opt('description', p.description)}>`);
    const inner = depth + 1;
    // Per-node blocks shared with other primitives (resource.ts): one text for all of them.
    const blocks = p.nodeBlocks;
    const own = blocks ? p.params.length - blocks.count : p.params.length;
    for (let i = 0; i < own; i++) {
      const s = p.params[i]!;
      // Per-node blocks with the same values (resource.ts interns them) differ only by the primitive's id.
      if (s.nodes && s.id.startsWith(p.id) && s.id.charCodeAt(p.id.length) === 0x2e) {
        const suffix = s.id.slice(p.id.length);
        const pieces = this.made(s.pairs, inner, suffix, s.score) ?? this.make(s.pairs, inner, suffix, s.score, (id) => this.attrSet(inner, { ...s, id: id + suffix }));
        this.push(pieces.join(p.id));
      } else this.attrSet(inner, s);
    }
    if (blocks) {
      const pieces =
        this.made(blocks, inner, '', undefined) ??
        this.make(blocks, inner, '', undefined, (id) => {
          for (let i = own; i < p.params.length; i++) {
            const s = p.params[i]!;
            this.attrSet(inner, { ...s, id: id + s.id.slice(p.id.length) });
          }
        });
      this.push(pieces.join(p.id));
    }
    if (p.meta.length > 0) {
      const pieces = this.made(p.meta, inner, '', undefined) ?? this.make(p.meta, inner, '', undefined, (id) => this.meta(inner, subId(id, 'meta'), p.meta));
      this.push(pieces.join(p.id));
    }
    if (p.ops.length > 0) {
      const pieces =
        this.made(p.ops, inner, '', undefined) ??
        this.make(p.ops, inner, '', undefined, (id) => {
          this.line(inner, '<operations>');
          for (const o of p.ops) this.op(inner + 1, id, o);
          this.line(inner, '</operations>');
        });
      this.push(pieces.join(p.id));
    }
    this.line(depth, '</primitive>');
  }

  private group(depth: number, g: Group): void {
    this.line(depth, `<group id="${g.id}"${opt('description', g.description)}>`);
    this.meta(depth + 1, subId(g.id, 'meta'), g.meta);
    for (let i = 0; i < g.members.length; i++) this.primitive(depth + 1, g.members[i]!);
    this.line(depth, '</group>');
  }

  private clone(depth: number, c: Clone): void {
    this.line(depth, `<clone id="${c.id}"${opt('description', c.description)}>`);
    this.meta(depth + 1, subId(c.id, 'meta'), c.meta);
    if (c.child.kind === 'group') this.group(depth + 1, c.child);
    else this.primitive(depth + 1, c.child);
    this.line(depth, '</clone>');
  }

  /** A top-level resource, inside `<resources>`. */
  resource(r: TopResource): void {
    if (r.kind === 'primitive') this.primitive(3, r);
    else if (r.kind === 'group') this.group(3, r);
    else this.clone(3, r);
  }

  private constraint(depth: number, c: Constraint): void {
    switch (c.kind) {
      case 'location': {
        const what = c.rsc !== undefined ? `rsc="${c.rsc}"` : `rsc-pattern="${e(c.rscPattern ?? '')}"`;
        if (c.rule) {
          this.line(depth, `<rsc_location id="${c.id}" ${what}>`);
          this.rule(depth + 1, c.rule);
          this.line(depth, '</rsc_location>');
        } else this.line(depth, `<rsc_location id="${c.id}" ${what}${opt('node', c.node)}${opt('score', c.score)}/>`);
        return;
      }
      case 'order':
        this.line(depth, `<rsc_order id="${c.id}" first="${c.first}" first-action="start" then="${c.then}" then-action="start" kind="${c.orderKind}"${opt('symmetrical', c.symmetrical)}/>`);
        return;
      case 'colocation':
        this.line(depth, `<rsc_colocation id="${c.id}" rsc="${c.rsc}" with-rsc="${c.withRsc}" score="${c.score}"${opt('influence', c.influence)}${opt('node-attribute', c.nodeAttribute)}/>`);
        return;
    }
  }

  /** Everything before the resources: the comment, `<cib>`, properties, nodes, `<resources>`. */
  head(p: PacemakerConfig, comment?: string): void {
    if (comment) this.line(0, `<!-- ${comment.replace(/--/g, '- -')} -->`);
    this.line(0, `<cib validate-with="${CIB_SCHEMA}" epoch="1" num_updates="0" admin_epoch="0">`);
    this.line(1, '<configuration>');
    this.line(2, '<crm_config>');
    this.meta(3, PROPERTIES_ID, p.properties, 'cluster_property_set');
    this.line(2, '</crm_config>');
    this.line(2, '<nodes>');
    for (const n of p.nodes) {
      if (n.attributes.length === 0) {
        this.line(3, `<node id="${e(n.id)}" uname="${e(n.uname)}"/>`);
        continue;
      }
      this.line(3, `<node id="${e(n.id)}" uname="${e(n.uname)}">`);
      this.meta(4, subId(`node-${n.id}`, 'attributes'), n.attributes, 'instance_attributes');
      this.line(3, '</node>');
    }
    this.line(2, '</nodes>');
    this.line(2, '<resources>');
  }

  /** Everything after the resources: constraints, resource defaults, the end of the document. */
  tail(p: PacemakerConfig): void {
    this.line(2, '</resources>');
    this.line(2, '<constraints>');
    for (const c of p.constraints) this.constraint(3, c);
    this.line(2, '</constraints>');
    this.line(2, '<rsc_defaults>');
    this.meta(3, RSC_DEFAULTS_ID, p.rscDefaults);
    this.line(2, '</rsc_defaults>');
    this.line(1, '</configuration>');
    this.line(1, '<status/>');
    this.line(0, '</cib>');
  }
}

/**
 * The whole document, handed to `sink` in pieces (or returned whole without
 * one); `comment` goes first, as an XML comment.
 */
export function toCib(p: PacemakerConfig, comment?: string): string;
export function toCib(p: PacemakerConfig, comment: string | undefined, sink: (chunk: string) => void): void;
export function toCib(p: PacemakerConfig, comment?: string, sink?: (chunk: string) => void): string | void {
  const parts: string[] = [];
  const w = new CibWriter(sink ?? ((c) => void parts.push(c)));
  w.head(p, comment);
  for (const r of p.resources) w.resource(r);
  w.tail(p);
  w.flush();
  if (!sink) return parts.join('');
}
