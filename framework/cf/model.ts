/**
 * The configuration model of main.cf / types.cf: what the parser returns, the
 * printer prints, the verifier checks, and `vcscf json` serialises.
 *
 * This file is the contract between framework/cf and everything that reads a
 * configuration (verifier, agent framework, runner, simulators). Fields may be
 * added; existing ones keep their meaning.
 *
 * Values are typed when the attribute's definition is known (from types.cf or
 * from the attributes VCS itself defines for clusters, systems, groups and
 * resources): `int` and `boolean` scalars are numbers, `str` scalars strings,
 * and braces become vector, keylist or association. Without a definition the
 * model stays untyped but complete: a bare integer is a number, anything else a
 * string, and `{ a, b }` is a `list`.
 */

/** 1-based line and column of the first character of a node. */
export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export type Scalar = string | number;

export type BaseKind = 'str' | 'int' | 'boolean' | 'i18nstr' | 'float';
export type Dimension = 'scalar' | 'vector' | 'keylist' | 'association';

export interface AssocEntry {
  key: string;
  /** null when the key is written alone, as in `SystemList = { a, b = 2 }` before typing. */
  value: Scalar | null;
  pos?: SourcePos;
}

export type Value =
  | { kind: 'scalar'; value: Scalar }
  | { kind: 'vector'; items: Scalar[] }
  | { kind: 'keylist'; items: string[] }
  | { kind: 'association'; entries: AssocEntry[] }
  /** Untyped `{ a, b }`: a vector or a keylist, the definition is not known. */
  | { kind: 'list'; items: Scalar[] };

/** One `Attr = value` or `Attr@sys = value` line. */
export interface AttributeAssignment {
  name: string;
  /** Set for a per-system (local) value: `Attr@sys = ...` (`Attr @sys` too). */
  system?: string;
  value: Value;
  pos: SourcePos;
}

export interface TypeAttributeDef {
  name: string;
  base: BaseKind;
  dimension: Dimension;
  static: boolean;
  temp: boolean;
  default?: Value;
  pos?: SourcePos;
}

/**
 * A type-level setting that is not an attribute definition: `NameRule = ""`
 * as the CVMCluster type of CFS/RAC clusters carries it.
 */
export interface TypeKeyword {
  name: string;
  value: Value;
  pos: SourcePos;
}

export interface TypeDef {
  name: string;
  attributes: TypeAttributeDef[];
  /** The static ArgList, in order (empty when the type has none). */
  argList: string[];
  /** Type-level keywords (NameRule, ...), in source order; absent when there are none. */
  keywords?: TypeKeyword[];
  pos?: SourcePos;
}

export interface ResourceDef {
  type: string;
  name: string;
  attributes: AttributeAssignment[];
  pos: SourcePos;
}

/** `parent requires child` */
export interface ResourceDependency {
  parent: string;
  child: string;
  pos: SourcePos;
}

/** `requires group G online local firm` */
export interface GroupDependency {
  group: string;
  category: string;
  location: string;
  rigidity?: string;
  pos: SourcePos;
}

export interface GroupDef {
  name: string;
  attributes: AttributeAssignment[];
  resources: ResourceDef[];
  dependencies: ResourceDependency[];
  groupDependencies: GroupDependency[];
  pos: SourcePos;
}

export interface SystemDef {
  name: string;
  attributes: AttributeAssignment[];
  pos: SourcePos;
}

export interface ClusterDef {
  name: string;
  attributes: AttributeAssignment[];
  pos: SourcePos;
}

/** `remotecluster`, `heartbeat` and any other named top-level block with attributes. */
export interface NamedBlock {
  keyword: string;
  name: string;
  attributes: AttributeAssignment[];
  pos: SourcePos;
}

export interface IncludeDef {
  path: string;
  /** Absolute path it resolved to, when it was found. */
  resolved?: string;
  pos: SourcePos;
}

/** One configuration: a main.cf with its includes merged for types. */
export interface Config {
  /** The root file (main.cf), or `-` for standard input. */
  file: string;
  includes: IncludeDef[];
  clusters: ClusterDef[];
  systems: SystemDef[];
  groups: GroupDef[];
  /** remotecluster, heartbeat, ... in source order. */
  blocks: NamedBlock[];
  /** Every type defined in the root file or any included file, in load order. */
  types: TypeDef[];
}
