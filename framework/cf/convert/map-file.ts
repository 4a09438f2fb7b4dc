/**
 * `--map FILE`: site-specific type and attribute mappings, in JSON, over the
 * built-in table (map.ts). Format (docs/convert.md):
 *
 *   { "types": { "DRBDPrimary": { "agent": "ocf:linbit:drbd",
 *                                 "params": { "ResName": "drbd_resource" } },
 *                "LVMVG": { "set": { "vg_access_mode": "lvmlockd" } } } }
 *
 * An entry for a built-in type changes only what it names; a new type needs
 * an agent. A bad file is a usage-level error (exit 2) naming the file and
 * the place in it.
 */
import { ReadError, UsageError } from '../../errors.js';
import { reasonOf } from '../../fs.js';
import { readFileSync } from 'node:fs';
import { compileValidator } from '../../agent/schema.js';
import { BUILTIN_MAPPINGS, parseAgent, type ParamForm, type ParamMapping, type TypeMapping } from './map.js';

const FORMS: ParamForm[] = ['as-is', 'comma-list', 'prefix-length', 'run-fsck'];
const NAME = { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' };
const STRINGS = { type: 'object', additionalProperties: { type: 'string' } };

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['types'],
  properties: {
    types: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          agent: { type: 'string' },
          params: {
            type: 'object',
            additionalProperties: {
              anyOf: [
                { type: 'null' },
                NAME,
                { type: 'object', additionalProperties: false, required: ['name'], properties: { name: NAME, form: { enum: FORMS } } },
              ],
            },
          },
          otherAttributes: { enum: ['warn', 'pass'] },
          set: STRINGS,
          meta: STRINGS,
          needs: { type: 'string' },
        },
      },
    },
  },
};

interface MapEntry {
  agent?: string;
  params?: Record<string, null | string | { name: string; form?: ParamForm }>;
  otherAttributes?: 'warn' | 'pass';
  set?: Record<string, string>;
  meta?: Record<string, string>;
  needs?: string;
}

/** The built-in table with the file's entries laid over it. */
export function loadMapFile(path: string): Record<string, TypeMapping> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ReadError(path, reasonOf(e), { cause: e });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`vcscf convert: --map ${path}: not JSON: ${(e as Error).message}`);
  }
  const validate = compileValidator(SCHEMA);
  if (!validate(data)) {
    const err = validate.errors?.[0];
    throw new UsageError(`vcscf convert: --map ${path}: ${err?.instancePath || '(top)'} ${err?.message ?? 'is not valid'} (see docs/convert.md)`);
  }
  return mergeMappings(BUILTIN_MAPPINGS, (data as { types: Record<string, MapEntry> }).types, path);
}

export function mergeMappings(base: Readonly<Record<string, TypeMapping>>, entries: Record<string, MapEntry>, path: string): Record<string, TypeMapping> {
  const out: Record<string, TypeMapping> = { ...base };
  for (const [type, entry] of Object.entries(entries)) {
    const old = Object.hasOwn(base, type) ? base[type] : undefined;
    const agent = entry.agent ?? old?.agent;
    if (agent === undefined) throw new UsageError(`vcscf convert: --map ${path}: /types/${type} needs an "agent" (it is not a built-in type)`);
    if (!parseAgent(agent.replace(/\{resource\}/g, 'x'))) {
      throw new UsageError(`vcscf convert: --map ${path}: /types/${type}/agent ${JSON.stringify(agent)} is not class:provider:type (ocf) or class:type (systemd, lsb, service)`);
    }
    const params: Record<string, ParamMapping | null> = { ...(old?.params ?? {}) };
    for (const [attr, m] of Object.entries(entry.params ?? {})) {
      params[attr] = m === null ? null : typeof m === 'string' ? { name: m, form: 'as-is' } : { name: m.name, form: m.form ?? 'as-is' };
    }
    // A new agent for a built-in type drops the built-in's special shape (an ethmonitor clone for NIC, ...).
    const keepSpecial = old?.special && entry.agent === undefined;
    const merged: TypeMapping = {
      agent,
      params,
      otherAttributes: entry.otherAttributes ?? old?.otherAttributes ?? 'warn',
      set: { ...(old?.set ?? {}), ...(entry.set ?? {}) },
      meta: { ...(old?.meta ?? {}), ...(entry.meta ?? {}) },
      ...(keepSpecial ? { special: old.special } : {}),
      ...(old?.passContainerInfo ? { passContainerInfo: true } : {}),
    };
    const needs = entry.needs ?? (entry.agent === undefined ? old?.needs : undefined);
    if (needs !== undefined) merged.needs = needs;
    out[type] = merged;
  }
  return out;
}
