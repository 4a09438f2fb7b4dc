/**
 * The static attributes that drive the agent framework's schedule for one
 * resource, as numbers, with VCS's meaning (research/vcs-facts.md §2–§3).
 * Built from the configuration (type default, resource override, engine
 * default) or, in tests, from a plain object over the defaults.
 */

import { builtinAttribute } from '../cf/builtins.js';
import type { Value } from '../cf/model.js';
import { assocOf, scalarOf } from '../cf/values.js';

/** The IMF static association {Mode, MonitorFreq, RegisterRetryLimit}. */
export interface ImfSettings {
  /** 0 off; 1 offline resources only; 2 online resources only; 3 both. */
  Mode: 0 | 1 | 2 | 3;
  /** A traditional monitor every MonitorFreq intervals while registered; 0 none. */
  MonitorFreq: number;
  /** imf_register retries after a failure before falling back to polling. */
  RegisterRetryLimit: number;
}

/** The numeric static attributes the schedule reads. */
export const NUMERIC_SETTINGS = [
  'MonitorInterval',
  'OfflineMonitorInterval',
  'MonitorTimeout',
  'OnlineTimeout',
  'OfflineTimeout',
  'CleanTimeout',
  'OpenTimeout',
  'CloseTimeout',
  'MigrateTimeout',
  'AttrChangedTimeout',
  'OnlineWaitLimit',
  'OfflineWaitLimit',
  'MigrateWaitLimit',
  'ToleranceLimit',
  'RestartLimit',
  'OnlineRetryLimit',
  'ConfInterval',
  'FaultOnMonitorTimeouts',
  'IntentionalOffline',
  'AEPTimeout',
  'NumThreads',
  'InfoInterval',
  'InfoTimeout',
] as const;

export type ResourceSettings = Record<(typeof NUMERIC_SETTINGS)[number], number> & {
  IMF: ImfSettings;
  IMFRegList: string[];
  RegList: string[];
};

/** The engine's defaults: those of framework/cf/builtins.ts, the one table of them. */
export const DEFAULT_SETTINGS: Readonly<ResourceSettings> = Object.freeze({
  ...(Object.fromEntries(NUMERIC_SETTINGS.map((k) => [k, Number(scalarOf(engineDefault(k)))])) as Record<(typeof NUMERIC_SETTINGS)[number], number>),
  // Read like any IMF value; builtins.ts gives all three keys, so the zeros are never used.
  IMF: Object.freeze(imfSettings(assocOf(engineDefault('IMF')), { Mode: 0, MonitorFreq: 0, RegisterRetryLimit: 0 })),
  IMFRegList: [],
  RegList: [],
});

function engineDefault(name: string): Value | undefined {
  return builtinAttribute('static', name)?.default;
}

/** A non-negative integer, or the fallback. */
function count(v: unknown, fallback: number): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : fallback;
}

/** Reads the IMF association: unknown keys ignored, bad values fall back to the default. */
function imfSettings(v: Record<string, unknown> | undefined, fallback: ImfSettings = DEFAULT_SETTINGS.IMF): ImfSettings {
  if (!v) return { ...fallback };
  const mode = count(v.Mode, fallback.Mode);
  return {
    Mode: (mode >= 0 && mode <= 3 ? mode : fallback.Mode) as ImfSettings['Mode'],
    MonitorFreq: count(v.MonitorFreq, fallback.MonitorFreq),
    RegisterRetryLimit: count(v.RegisterRetryLimit, fallback.RegisterRetryLimit),
  };
}

/** Whether IMF watches a resource in this steady state under `mode`. */
export function imfCovers(mode: number, state: 'online' | 'offline'): boolean {
  return state === 'online' ? mode === 2 || mode === 3 : mode === 1 || mode === 3;
}

/** Settings from plain values over the defaults (tests, and the configuration reader). */
export function settingsFrom(values: Partial<Record<keyof ResourceSettings, unknown>>): ResourceSettings {
  const out = { ...DEFAULT_SETTINGS, IMF: { ...DEFAULT_SETTINGS.IMF } } as ResourceSettings;
  for (const k of NUMERIC_SETTINGS) {
    if (values[k] !== undefined) (out as unknown as Record<string, number>)[k] = count(values[k], DEFAULT_SETTINGS[k] as number);
  }
  if (values.IMF !== undefined) out.IMF = imfSettings(values.IMF as Record<string, unknown>);
  if (Array.isArray(values.IMFRegList)) out.IMFRegList = values.IMFRegList.map(String);
  if (Array.isArray(values.RegList)) out.RegList = values.RegList.map(String);
  // NumThreads is 1–30 in VCS.
  out.NumThreads = Math.min(30, Math.max(1, out.NumThreads));
  return out;
}

/**
 * The ConfInterval in force: the agent framework ignores a value below
 * (MonitorInterval + MonitorTimeout) × ToleranceLimit + MonitorInterval + 10
 * and uses that floor instead (Agent Developer's Guide, ConfInterval).
 */
export function effectiveConfInterval(s: Pick<ResourceSettings, 'ConfInterval' | 'MonitorInterval' | 'MonitorTimeout' | 'ToleranceLimit'>): number {
  const floor = (s.MonitorInterval + s.MonitorTimeout) * s.ToleranceLimit + s.MonitorInterval + 10;
  return Math.max(s.ConfInterval, floor);
}
