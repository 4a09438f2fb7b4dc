/**
 * The syntax tree of one main.cf / types.cf file: the model objects of
 * model.ts in source order, with the comments attached to them. This is what
 * the printer prints; the model (Config) is what everything else reads.
 *
 * A node's `leading` comments stand on their own lines before it; `trailing`
 * is a comment on the same line after it. Values in the tree are as written
 * (untyped): the printer's output must not depend on which types are loaded.
 */
import type {
  AttributeAssignment,
  ClusterDef,
  GroupDef,
  GroupDependency,
  IncludeDef,
  NamedBlock,
  ResourceDef,
  ResourceDependency,
  SourcePos,
  SystemDef,
  TypeAttributeDef,
  TypeDef,
  TypeKeyword,
} from './model.js';

export interface CommentNode {
  /** As written: `// ...` or `/* ... *\/`. */
  text: string;
  pos: SourcePos;
}

export interface Commented {
  leading?: CommentNode[];
  trailing?: CommentNode;
}

export interface AttrNode extends Commented {
  attr: AttributeAssignment;
}

export interface TypeAttrNode extends Commented {
  attr: TypeAttributeDef;
}

/** `NameRule = ...` inside a type: `raw` is a bare value as written (`resource.Name`). */
export interface TypeKeywordNode extends Commented {
  keyword: TypeKeyword;
  raw?: string;
}

interface BlockBody extends Commented {
  attrs: AttrNode[];
  /** Comments between the last attribute and the closing parenthesis. */
  closing?: CommentNode[];
}

export interface IncludeNode extends Commented {
  kind: 'include';
  include: IncludeDef;
}

export interface ClusterNode extends BlockBody {
  kind: 'cluster';
  def: ClusterDef;
}

export interface SystemNode extends BlockBody {
  kind: 'system';
  def: SystemDef;
}

/** remotecluster, heartbeat, site, ... */
export interface NamedBlockNode extends BlockBody {
  kind: 'block';
  def: NamedBlock;
}

export interface ResourceNode extends BlockBody {
  kind: 'resource';
  def: ResourceDef;
}

export interface DependencyNode extends Commented {
  kind: 'requires';
  def: ResourceDependency;
}

export interface GroupDependencyNode extends Commented {
  kind: 'requires-group';
  def: GroupDependency;
}

export type GroupItemNode = ResourceNode | DependencyNode | GroupDependencyNode;

export interface GroupNode extends BlockBody {
  kind: 'group';
  def: GroupDef;
  /** Resources and dependencies in source order. */
  body: GroupItemNode[];
}

export interface TypeNode extends Commented {
  kind: 'type';
  def: TypeDef;
  /** Attribute definitions and type-level keywords, in source order. */
  attrs: (TypeAttrNode | TypeKeywordNode)[];
  closing?: CommentNode[];
}

export type TopNode = IncludeNode | ClusterNode | SystemNode | NamedBlockNode | GroupNode | TypeNode;

export interface CfDocument {
  file: string;
  items: TopNode[];
  /** Comments after the last item. */
  trailing: CommentNode[];
}
