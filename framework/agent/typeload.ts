/**
 * Finding a type's definition at run time. Registered agents use what
 * `vcsagent precompile` wrote at build time (dist/typedefs/<Type>.json and a
 * standalone validator), as long as the types.cf it came from is unchanged;
 * anything else parses the types.cf with framework/cf and compiles the
 * schema with ajv on first use.
 */
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TypeDef } from '../cf/model.js';
import { AgentError } from '../errors.js';
import type { Agent } from './define.js';
import type { LoadedType } from './dispatch.js';
import type { RegistryEntry } from './registry.js';
import { type Validator, compileValidator, typeSchema } from './schema.js';
import { type AgentTypeInfo, buildTypeInfo } from './typeinfo.js';

export const PRECOMPILED_FORMAT = 1;

export interface PrecompiledType {
  format: number;
  type: string;
  /** The types.cf it was built from, relative to the repository root, with its size and mtime. */
  source: { path: string; size: number; mtimeMs: number };
  info: AgentTypeInfo;
  /** File name of the standalone validator module, next to this JSON. */
  validator: string;
}

export interface TypeLoadOptions {
  /** Repository root: registry typesFile paths are relative to it. */
  root: string;
  /** Where precompiled type definitions live (dist/typedefs). */
  precompiledDir?: string;
  /** A types.cf to use instead of the registered one (--types). */
  typesFile?: string;
}

function typesError(type: string, detail: string): AgentError {
  return new AgentError('VCSPVM_AGENT_TYPES', { type, detail });
}

export function typesPathOf(entry: RegistryEntry, root: string): string {
  return isAbsolute(entry.typesFile) ? entry.typesFile : resolve(root, entry.typesFile);
}

/** Parses a types.cf and returns the named type's definition; every problem is a VCSPVM_AGENT_TYPES error. */
export async function parseTypeDef(path: string, type: string): Promise<TypeDef> {
  try {
    if (!statSync(path).isFile()) throw typesError(type, `${path} is not a file`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof AgentError) throw e;
    throw typesError(type, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const { loadTypes } = await import('../cf/load.js');
  const { types, errors } = loadTypes(path);
  if (errors.length > 0) throw typesError(type, errors[0]!.message);
  const def = types.find((t) => t.name === type);
  if (!def) throw typesError(type, `${path} does not define type ${type}`);
  return def;
}

/** The engine-defined attributes (builtins), loaded only when a types.cf is parsed at run time. */
export async function typeInfoOf(def: TypeDef): Promise<AgentTypeInfo> {
  const { RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES } = await import('../cf/builtins.js');
  return buildTypeInfo(def, { resource: RESOURCE_ATTRIBUTES, statics: TYPE_STATIC_ATTRIBUTES });
}

function runtimeLoaded(info: AgentTypeInfo, agent: Agent<any>): LoadedType {
  let validate: Validator | undefined;
  return {
    info,
    validator: () => (validate ??= compileValidator(typeSchema(info.attributes, agent.attributeSchemas))),
  };
}

function readPrecompiled(dir: string, type: string, sourcePath: string, root: string): { pre: PrecompiledType; dir: string } | undefined {
  let pre: PrecompiledType;
  try {
    pre = JSON.parse(readFileSync(join(dir, `${type}.json`), 'utf8')) as PrecompiledType;
  } catch {
    return undefined;
  }
  if (pre.format !== PRECOMPILED_FORMAT || pre.type !== type || pre.source.path !== relative(root, sourcePath)) return undefined;
  try {
    const st = statSync(sourcePath);
    if (st.size !== pre.source.size || st.mtimeMs !== pre.source.mtimeMs) return undefined;
  } catch {
    // The source is gone: parse it anyway, so that the error says so.
    return undefined;
  }
  return { pre, dir };
}

export async function loadAgentType(entry: RegistryEntry, agent: Agent<any>, opts: TypeLoadOptions): Promise<LoadedType> {
  const sourcePath = opts.typesFile ? resolve(opts.typesFile) : typesPathOf(entry, opts.root);
  if (!opts.typesFile && opts.precompiledDir && !entry.modulePath) {
    const hit = readPrecompiled(opts.precompiledDir, entry.type, sourcePath, opts.root);
    if (hit) {
      const url = pathToFileURL(join(hit.dir, hit.pre.validator)).href;
      let validate: Validator | undefined;
      return {
        info: hit.pre.info,
        validator: async () => (validate ??= ((await import(url)) as { default: Validator }).default),
      };
    }
  }
  const def = await parseTypeDef(sourcePath, entry.type);
  return runtimeLoaded(await typeInfoOf(def), agent);
}
