/**
 * What the dispatcher knows of a resource type at run time: its ArgList, the
 * definitions of the attributes the ArgList names, and the type-level static
 * values (time limits, LogDbg, AEPTimeout, SupportedActions, ...). Built from
 * a TypeDef and the engine's defaults; `vcsagent precompile` writes it as
 * JSON at build time so that an entry point does not parse types.cf.
 */
import type { TypeAttributeDef, TypeDef } from '../cf/model.js';
import { type ArgListType, argListType } from './arglist.js';
import { type AttrValue, isSecretAttributeName, valueToAttr } from './attributes.js';
import type { EntryPointName } from './entrypoints.js';
import { ENTRY_POINT_SPECS } from './entrypoints.js';

export interface AgentTypeInfo {
  name: string;
  argList: string[];
  /** The type's own attributes, then the engine-defined ones its ArgList names. */
  attributes: TypeAttributeDef[];
  /** Type-level static values: the type's defaults over the engine's. */
  statics: Record<string, AttrValue>;
}

/** Drops source positions: they do not survive precompilation and nobody reads them here. */
function stripPos(a: TypeAttributeDef): TypeAttributeDef {
  const { pos: _pos, ...rest } = a;
  return rest;
}

export function buildTypeInfo(typeDef: TypeDef, engine: { resource?: readonly TypeAttributeDef[]; statics?: readonly TypeAttributeDef[] } = {}): AgentTypeInfo {
  const own = new Map(typeDef.attributes.map((a) => [a.name, a]));
  const extra: TypeAttributeDef[] = [];
  for (const name of typeDef.argList) {
    if (own.has(name)) continue;
    const b = engine.resource?.find((r) => r.name === name) ?? engine.statics?.find((r) => r.name === name);
    if (b) extra.push(b);
  }
  const statics: Record<string, AttrValue> = {};
  for (const s of engine.statics ?? []) if (s.default) statics[s.name] = valueToAttr(s.default);
  for (const a of typeDef.attributes) if (a.static && a.default) statics[a.name] = valueToAttr(a.default);
  if (typeDef.argList.length) statics.ArgList = [...typeDef.argList];
  return { name: typeDef.name, argList: [...typeDef.argList], attributes: [...typeDef.attributes, ...extra].map(stripPos), statics };
}

export function typeCodec(info: AgentTypeInfo): ArgListType {
  return argListType({ name: info.name, argList: info.argList, attributes: info.attributes });
}

/** Attribute names whose values must not be logged. */
export function secretAttributeNames(info: AgentTypeInfo, extra: readonly string[] = []): string[] {
  return [...info.attributes.map((a) => a.name).filter(isSecretAttributeName), ...extra];
}

const num = (v: AttrValue | undefined): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The time limit of an entry point, in seconds (0: none). The AEPTimeout
 * value VCS passed wins: it is the resource's effective timeout, overrides
 * included. ActionTimeout and InfoTimeout are capped at half the
 * MonitorInterval, as VCS does.
 */
export function entryPointTimeout(ep: EntryPointName, statics: Readonly<Record<string, AttrValue>>, aepTimeout?: number): number {
  const attr = ENTRY_POINT_SPECS[ep].timeoutAttribute;
  if (attr === undefined) return 0;
  if (aepTimeout !== undefined && aepTimeout > 0) return aepTimeout;
  let t = num(statics[attr]) ?? 0;
  if (ep === 'action' || ep === 'info') {
    const mi = num(statics.MonitorInterval);
    if (mi !== undefined && mi > 0 && t > mi / 2) t = Math.floor(mi / 2);
  }
  return t > 0 ? t : 0;
}
