/**
 * The Pacemaker configuration a conversion produces, independent of how it is
 * written out: the CIB writer (cib.ts) and the pcs script writer (pcs.ts) both
 * print this model, so the two forms cannot drift apart.
 *
 * Names follow Pacemaker Explained (2.1): nvpair, rule, expression, op,
 * primitive, group, clone, rsc_location, rsc_order, rsc_colocation.
 */
import type { SourcePos } from '../model.js';

export interface NvPair {
  name: string;
  value: string;
}

export interface Expression {
  attribute: string;
  operation: 'eq' | 'ne' | 'defined' | 'not_defined';
  value?: string;
}

export interface Rule {
  id: string;
  score?: string;
  booleanOp?: 'and' | 'or';
  expressions: Expression[];
}

/** An instance_attributes block; with `nodes`, it applies only there (a rule `#uname eq NODE or ...`). */
export interface AttrSet {
  id: string;
  /** Blocks are applied highest score first; the first that sets a name wins. */
  score?: number;
  /**
   * The nodes whose values these are, one block for the nodes that have the
   * same values (the writers give the block its rule, `ID.rule`).
   */
  nodes?: string[];
  pairs: NvPair[];
}

/** `#uname eq NODE [or ...]`: a rule that holds on these nodes, with a score when it is a location constraint's. */
export function nodesRule(id: string, nodes: readonly string[], score?: string): Rule {
  const rule: Rule = { id, expressions: nodes.map((n) => ({ attribute: '#uname', operation: 'eq', value: n })) };
  if (nodes.length > 1) rule.booleanOp = 'or';
  if (score !== undefined) rule.score = score;
  return rule;
}

/**
 * The rule of a per-node block (`ID.rule`). Without a score: a rule's score
 * counts only in a location constraint (Pacemaker Explained, "Rule
 * Properties"); instance_attributes blocks are ordered by their own score.
 */
export function blockRule(set: AttrSet & { nodes: readonly string[] }): Rule {
  return nodesRule(`${set.id}.rule`, set.nodes);
}

export interface Operation {
  name: string;
  /** Seconds; 0 for start/stop. */
  interval: number;
  timeout: number;
  role?: 'Stopped' | 'Started';
  onFail?: 'ignore' | 'block' | 'stop' | 'restart' | 'standby' | 'fence';
}

export interface Primitive {
  kind: 'primitive';
  id: string;
  /** ocf, systemd, lsb, service, ... */
  class: string;
  provider?: string;
  type: string;
  /** The instance attributes: the unconditional block first, then per-node blocks. */
  params: AttrSet[];
  meta: NvPair[];
  ops: Operation[];
  description?: string;
  /** Where it came from in main.cf. */
  source?: SourcePos;
  /**
   * Its per-node blocks are the last `count` of `params`; every primitive with
   * the same nodeBlocks object has blocks with the same values on the same
   * nodes, whose text differs only by the primitive's id (their ids are the
   * primitive's id and a suffix).
   */
  nodeBlocks?: { readonly count: number };
}

export interface Group {
  kind: 'group';
  id: string;
  members: Primitive[];
  meta: NvPair[];
  description?: string;
}

export interface Clone {
  kind: 'clone';
  id: string;
  child: Primitive | Group;
  meta: NvPair[];
  description?: string;
}

export type TopResource = Primitive | Group | Clone;

export interface Location {
  kind: 'location';
  id: string;
  /** The resource; or, without it, */
  rsc?: string;
  /** a POSIX extended regular expression: the constraint covers every top-level resource whose id matches. */
  rscPattern?: string;
  /** A node and a score, or a rule. */
  node?: string;
  score?: string;
  rule?: Rule;
}

export interface Order {
  kind: 'order';
  id: string;
  first: string;
  then: string;
  orderKind: 'Mandatory' | 'Optional' | 'Serialize';
  /** Left to Pacemaker's default (true for Mandatory) when undefined. */
  symmetrical?: boolean;
}

export interface Colocation {
  kind: 'colocation';
  id: string;
  rsc: string;
  withRsc: string;
  score: string;
  influence?: boolean;
  nodeAttribute?: string;
}

export type Constraint = Location | Order | Colocation;

export interface Node {
  id: string;
  uname: string;
  attributes: NvPair[];
}

export interface PacemakerConfig {
  /** The VCS cluster name, for the header comment. */
  clusterName?: string;
  properties: NvPair[];
  rscDefaults: NvPair[];
  nodes: Node[];
  resources: TopResource[];
  constraints: Constraint[];
}

/** The ids pcs gives the cluster property block and the resource defaults block. */
export const PROPERTIES_ID = 'cib-bootstrap-options';
export const RSC_DEFAULTS_ID = 'rsc_defaults-meta_attributes';

/** "60s" — every interval and timeout we emit is whole seconds. */
export function seconds(n: number): string {
  return `${n}s`;
}
