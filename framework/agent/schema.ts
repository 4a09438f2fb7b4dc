/**
 * JSON Schemas for a type's attributes, generated from its definition, and
 * their ajv validators. Compiling with ajv costs more than starting node
 * itself, so `vcsagent precompile` writes each registered type's validator
 * as standalone code at build time; ajv is loaded here only when no
 * precompiled validator fits (an agent loaded with --module, a types file
 * given with --types, a source newer than the build).
 */
import { createRequire } from 'node:module';
import type { TypeAttributeDef } from '../cf/model.js';
import { AgentError } from '../errors.js';
import type { Attributes } from './attributes.js';
import type { AgentTypeInfo } from './typeinfo.js';

type Schema = Record<string, unknown>;

const INT32 = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };

function scalarSchema(base: TypeAttributeDef['base']): Schema {
  switch (base) {
    case 'int':
      return { ...INT32 };
    case 'boolean':
      return { type: 'integer', enum: [0, 1] };
    case 'float':
      return { type: 'number' };
    default:
      return { type: 'string' };
  }
}

function attributeSchema(def: Pick<TypeAttributeDef, 'base' | 'dimension'>): Schema {
  const item = scalarSchema(def.base);
  switch (def.dimension) {
    case 'scalar':
      return item;
    case 'vector':
      return { type: 'array', items: item };
    case 'keylist':
      return { type: 'array', items: { type: 'string' }, uniqueItems: true };
    case 'association':
      return { type: 'object', additionalProperties: item };
  }
}

/** The schema of a resource's typed attributes; `refinements` are the agent's own constraints, checked as well. */
export function typeSchema(attributes: readonly Pick<TypeAttributeDef, 'name' | 'base' | 'dimension'>[], refinements: Readonly<Record<string, object>> = {}): Schema {
  const properties: Record<string, Schema> = {};
  for (const a of attributes) {
    const generated = attributeSchema(a);
    const extra = Object.hasOwn(refinements, a.name) ? refinements[a.name] : undefined;
    properties[a.name] = extra ? { allOf: [generated, extra] } : generated;
  }
  for (const [name, extra] of Object.entries(refinements)) {
    if (!properties[name]) properties[name] = extra as Schema;
  }
  return { type: 'object', properties };
}

/**
 * The schema of an agent's resources: the type's attributes and the agent's
 * attributeSchemas. A refinement of an attribute the ArgList does not pass
 * (a typo, or a definition that moved on) is an error: it would never check
 * anything.
 */
export function agentSchema(info: Pick<AgentTypeInfo, 'name' | 'argList' | 'attributes'>, refinements: Readonly<Record<string, object | undefined>> = {}): Schema {
  const stray = Object.keys(refinements).filter((k) => refinements[k] !== undefined && !info.argList.includes(k));
  if (stray.length > 0) {
    throw new AgentError('VCSPVM_AGENT_TYPES', {
      type: info.name,
      detail: `attributeSchemas names ${stray.join(', ')}, not in the ArgList of ${info.name} (${info.argList.join(', ') || 'empty'})`,
    });
  }
  return typeSchema(info.attributes, Object.fromEntries(Object.entries(refinements).filter((e): e is [string, object] => e[1] !== undefined)));
}

export interface ValidationError {
  instancePath: string;
  message?: string;
}

export interface Validator {
  (data: unknown): boolean;
  errors?: ValidationError[] | null;
}

/** Ajv options shared by run-time compilation and the precompiled code, so both judge alike. */
const AJV_OPTIONS = { allErrors: false, strict: false } as const;

type AjvClass = new (opts: object) => { compile(schema: object): Validator };

function loadAjv(code?: object): InstanceType<AjvClass> {
  const require = createRequire(import.meta.url);
  const Ajv = (require('ajv') as { default: AjvClass }).default;
  return new Ajv({ ...AJV_OPTIONS, ...(code ? { code } : {}) });
}

export function compileValidator(schema: object): Validator {
  return loadAjv().compile(schema);
}

/** Standalone ESM source of a validator (no ajv needed to run it). */
export function standaloneValidatorSource(schema: object): string {
  const ajv = loadAjv({ source: true, esm: true });
  const validate = ajv.compile(schema);
  const require = createRequire(import.meta.url);
  const standalone = (require('ajv/dist/standalone/index.js') as { default: (ajv: unknown, v: unknown) => string }).default;
  return esmRuntime(standalone(ajv, validate));
}

/**
 * ajv's standalone code calls require() for its runtime helpers even as an
 * ES module (minLength and maxLength need ucs2length), which an .mjs file
 * cannot: the code-point length is written inline, and any other helper is
 * required from this package, where ajv is.
 */
function esmRuntime(source: string): string {
  const inline = source.replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, '((s) => [...s].length)');
  if (!/\brequire\(/.test(inline)) return inline;
  const from = JSON.stringify(import.meta.url);
  return `import { createRequire as __vcsagentRequire } from 'node:module';\nconst require = __vcsagentRequire(${from});\n${inline}`;
}

/** Throws the configuration error for the first value the validator rejects. */
export function assertValid(validate: Validator, attributes: Attributes, resource: string, secretNames: readonly string[] = []): void {
  if (validate(attributes)) return;
  const e = validate.errors?.[0];
  const path = (e?.instancePath ?? '').split('/').filter(Boolean);
  const attribute = path[0]?.replace(/~1/g, '/').replace(/~0/g, '~') ?? '(resource)';
  const where = path.length > 1 ? ` (element ${path.slice(1).join('/')})` : '';
  const shown = Object.hasOwn(attributes, attribute) && !secretNames.includes(attribute) ? ` ${JSON.stringify(path.length > 1 ? pick(attributes[attribute], path.slice(1)) : attributes[attribute])}` : '';
  throw new AgentError('VCSPVM_AGENT_ATTRIBUTE', { attribute, resource, detail: `value${shown}${where} ${e?.message ?? 'is not valid'}` });
}

function pick(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const p of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[p] : undefined;
  return cur;
}
