/**
 * What the simulated VCS CLI (hasys, hagrp) knows: the configuration VCS
 * would have loaded ($VCS_CONF/conf/config/main.cf; VCS_CONF defaults to
 * $AIXSIM_ROOT/etc/VRTSvcs here) and the cluster's live state, which a real
 * HAD keeps in memory and we keep in $AIXSIM_ROOT/var/VRTSvcs/state.json:
 *
 *   { "systems": { "sysA": { "SysState": "RUNNING" } },
 *     "groups":  { "G": { "State": { "sysA": "ONLINE" }, "AutoDisabled": { "sysA": 1 } } } }
 *
 * Live state wins over main.cf for an attribute both hold.
 */
import { join } from 'node:path';
import type { Config } from '../../framework/cf/model.js';
import { readJson, simPath, simRoot, writeJson } from './root.js';

export interface SimState {
  systems: Record<string, Record<string, string | number>>;
  groups: Record<string, { State?: Record<string, string>; AutoDisabled?: Record<string, number>; [attr: string]: unknown }>;
}

export const stateFile = () => simPath('var', 'VRTSvcs', 'state.json');

export function loadState(): SimState {
  const s = readJson<Partial<SimState>>(stateFile(), {});
  return { systems: s.systems ?? {}, groups: s.groups ?? {} };
}

export function saveState(s: SimState): void {
  writeJson(stateFile(), s);
}

export function mainCfPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.VCS_CONF || join(simRoot(env), 'etc', 'VRTSvcs'), 'conf', 'config', 'main.cf');
}

let cached: Config | null | undefined;

/** The configuration, or null when there is no main.cf. */
export async function loadMainCf(): Promise<Config | null> {
  if (cached !== undefined) return cached;
  const path = mainCfPath();
  const { existsSync } = await import('node:fs');
  if (!existsSync(path)) return (cached = null);
  const { loadConfig } = await import('../../framework/cf/load.js');
  const { config, errors } = loadConfig(path);
  const fatal = errors.find((e) => e.code !== 'VCSPVM_CF_INCLUDE');
  if (fatal) throw new Error(`cannot load ${path}: ${fatal.message}`);
  return (cached = config);
}

/** A value as the VCS CLI prints it: scalars as is, lists space-separated, associations key value pairs. */
export async function printable(v: unknown): Promise<string> {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object' && 'kind' in (v as object)) {
    const { scalarOf, listOf, assocOf } = await import('../../framework/cf/values.js');
    const value = v as Parameters<typeof scalarOf>[0];
    const s = scalarOf(value);
    if (s !== undefined) return String(s);
    const l = listOf(value);
    if (l !== undefined) return l.map(String).join(' ');
    const a = assocOf(value);
    if (a !== undefined) return Object.entries(a).map(([k, x]) => `${k} ${x}`).join(' ');
    return '';
  }
  if (Array.isArray(v)) return v.map(String).join(' ');
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => `${k} ${String(x)}`).join(' ');
  return String(v);
}
