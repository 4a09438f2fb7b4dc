/**
 * Descriptions of a type and its attributes, from the comments of its
 * types.cf: the comment lines just before `type NAME (` describe the type,
 * those just before an attribute (or after it on the same line) describe the
 * attribute. The OCF meta-data shows them; VCS ignores comments, and
 * `vcsagent install` keeps them in the <Type>Types.cf it writes.
 */
import type { CommentNode } from '../cf/syntax.js';

export interface TypeDescriptions {
  type?: string;
  attributes: Map<string, string>;
}

/** A comment's words, markers and decoration removed, lines joined. */
export function commentText(comments: readonly CommentNode[]): string {
  const lines: string[] = [];
  for (const c of comments) {
    const body = c.text.startsWith('//') ? c.text.slice(2) : c.text.replace(/^\/\*+/, '').replace(/\*+\/$/, '');
    for (const l of body.split('\n')) lines.push(l.replace(/^\s*\*?\s?/, '').trim());
  }
  return lines.filter((l) => l !== '').join(' ');
}

export async function typeDescriptions(typesPath: string, type: string): Promise<TypeDescriptions> {
  const { readText } = await import('../cf/load.js');
  const { parseCf } = await import('../cf/parse.js');
  const { doc } = parseCf(readText(typesPath), typesPath);
  const out: TypeDescriptions = { attributes: new Map() };
  const node = doc.items.find((n) => n.kind === 'type' && n.def.name === type);
  if (!node || node.kind !== 'type') return out;
  const own = commentText(node.leading ?? []);
  if (own) out.type = own;
  for (const a of node.attrs) {
    if (!('attr' in a)) continue;
    const text = commentText([...(a.leading ?? []), ...(a.trailing ? [a.trailing] : [])]);
    if (text) out.attributes.set(a.attr.name, text);
  }
  return out;
}
