/**
 * What a WPAR's values may be: the WPAR name (ContainerInfo Name), the
 * ContainerInfo keys, ResourceSet and WorkLoad. One set of rules for
 * everyone who reads them — the verifier (VCF701, VCF706, VCF707), the WPAR
 * agent before it runs a command, the IMF lswpar source and `vcsagent wpar`
 * — so that a value the verifier accepts is one the agent accepts, and the
 * reverse. DROpts lives beside it, in dropts.ts.
 *
 * Each check returns findings: an error is refused by the agent (nothing
 * runs) and reported as an error by the verifier; a warning is accepted by
 * both and said once (the agent's log, the verifier's output).
 */

export type ValueSeverity = 'error' | 'warning';

export interface ValueFinding {
  severity: ValueSeverity;
  /** The association key concerned, when there is one (for the finding's position). */
  key?: string;
  message: string;
}

export const errorsOf = (f: readonly ValueFinding[]) => f.filter((x) => x.severity === 'error');
export const warningsOf = (f: readonly ValueFinding[]) => f.filter((x) => x.severity === 'warning');

/**
 * mkwpar's rules for a WPAR name (AIX mkwpar(1), also wparexec(1)): ASCII,
 * at most 25 bytes, no white space and none of = : / ! ; ` ' " < > ~ & ( ) *
 * + [ ] , . ^ { } | \, not starting with `-` or `0`. Within these rules no
 * name can be read as an option, a path or a field of lswpar's colon output,
 * and the agents pass it in argv arrays, never through a shell.
 */
const NAME_FORBIDDEN = /[\s=:/!;`'"<>~&()*+[\],.^{}|\\]/;
export const WPAR_NAME_MAX = 25;

export function wparNameProblem(name: string): string | undefined {
  const shown = JSON.stringify(name);
  if (name === '') return 'the WPAR name is empty';
  if (/[^\x21-\x7e]/.test(name.replace(/\s/g, '!'))) return `WPAR name ${shown} has characters other than ASCII`;
  if (name.length > WPAR_NAME_MAX) return `WPAR name ${shown} has ${name.length} characters; mkwpar allows at most ${WPAR_NAME_MAX}`;
  const bad = NAME_FORBIDDEN.exec(name)?.[0];
  if (bad !== undefined) return `WPAR name ${shown} contains ${/\s/.test(bad) ? 'white space' : JSON.stringify(bad)}, which mkwpar refuses`;
  if (/^[-0]/.test(name)) return `WPAR name ${shown} starts with ${JSON.stringify(name[0])}, which mkwpar refuses`;
  return undefined;
}

export const isWparName = (name: string) => wparNameProblem(name) === undefined;

export const CONTAINERINFO_KEYS = ['Name', 'Type', 'Enabled'] as const;

/**
 * What ContainerInfo Enabled means on a system (Virtualization Guide,
 * "About the ContainerInfo attribute", "About configuring failovers"):
 *   1 (or not set) — the WPAR is used: the WPAR resource manages it and
 *                    RunInContainer entry points run inside it;
 *   2              — the WPAR is ignored there: the application runs on the
 *                    physical system (physical-to-WPAR failover);
 *   0              — the container is disabled there: the WPAR-aware
 *                    resources are not enabled for it and run in the global
 *                    environment, the WPAR resource does not start it.
 */
export type ContainerMode = 'wpar' | 'ignored' | 'disabled';

export function containerMode(enabled: string | number | undefined): ContainerMode | undefined {
  const e = enabled === undefined || enabled === '' ? '1' : String(enabled).trim();
  return e === '1' ? 'wpar' : e === '2' ? 'ignored' : e === '0' ? 'disabled' : undefined;
}

/** Everything wrong with a ContainerInfo (its value on one system); `wparGroup`: the group holds a WPAR resource. */
export function containerInfoFindings(info: Readonly<Record<string, string>>, wparGroup: boolean): ValueFinding[] {
  const out: ValueFinding[] = [];
  const keys = Object.keys(info);
  if (keys.length === 0) return out; // an empty ContainerInfo means no container
  for (const k of keys)
    if (!(CONTAINERINFO_KEYS as readonly string[]).includes(k)) out.push({ severity: 'error', key: k, message: `${k} is not a ContainerInfo key (Name, Type, Enabled)` });
  const type = info.Type?.trim();
  if (type === undefined || type === '') out.push({ severity: 'error', message: 'Type is not set (WPAR)' });
  else if (type !== 'WPAR' && (wparGroup || type.toUpperCase() === 'WPAR'))
    out.push({ severity: 'error', key: 'Type', message: `Type is ${type}; on AIX the container type is WPAR${wparGroup ? ' (the group has a WPAR resource)' : ''}` });
  const name = info.Name;
  if (name === undefined || name.trim() === '') out.push({ severity: 'error', message: 'Name (the WPAR name) is not set' });
  else if (type === 'WPAR') {
    const p = wparNameProblem(name);
    if (p) out.push({ severity: 'error', key: 'Name', message: p });
  }
  if (info.Enabled !== undefined && containerMode(info.Enabled) === undefined)
    out.push({ severity: 'error', key: 'Enabled', message: `Enabled is ${JSON.stringify(info.Enabled)}; it must be 0, 1 or 2` });
  return out;
}

/** An rset name as mkrset makes it: namespace/name. */
const RSET = /^[A-Za-z0-9_.]{1,63}\/[A-Za-z0-9_.]{1,63}$/;

export function resourceSetProblem(value: string): string | undefined {
  if (value === '') return undefined;
  return RSET.test(value) ? undefined : `ResourceSet ${JSON.stringify(value)} is not an rset name (namespace/name, as mkrset makes them)`;
}

const SHARES = /^[1-9]\d{0,4}$/;
const PERCENT_RANGE = /^(\d{1,3})%-(\d{1,3})%,(\d{1,3})%$/;
const PERCENT = /^(\d{1,3})%?$/;
const SIZE = /^[1-9]\d{0,15}[KMGT]?$/;
const COUNT = /^\d{1,10}$/;

type Check = (v: string) => string | undefined;
const shares: Check = (v) => (SHARES.test(v) && Number(v) <= 65535 ? undefined : 'shares from 1 to 65535');
const range: Check = (v) => {
  const m = PERCENT_RANGE.exec(v);
  if (!m) return 'min%-softmax%,hardmax% (percentages, e.g. 5%-50%,80%)';
  const [min, soft, hard] = m.slice(1).map(Number) as [number, number, number];
  return hard <= 100 && min <= soft && soft <= hard ? undefined : 'percentages of at most 100% with min <= softmax <= hardmax';
};
const percent: Check = (v) => {
  const m = PERCENT.exec(v);
  return m && Number(m[1]) <= 100 ? undefined : 'a percentage from 0 to 100';
};
const size: Check = (v) => (SIZE.test(v) ? undefined : 'a size such as 512M or 2G');
const count: Check = (v) => (COUNT.test(v) ? undefined : 'a number');

/**
 * WorkLoad's keys are the resource control attributes of `chwpar -R` (AIX
 * chwpar(1)) and its values theirs; rset is the ResourceSet attribute's. The
 * reading of WorkLoad as these controls is the project's: the Bundled Agents
 * guide's text for it was not available (docs/wpar.md).
 */
export const WORKLOAD_CONTROLS: Readonly<Record<string, Check>> = {
  active: (v) => (v === 'yes' || v === 'no' ? undefined : 'yes or no'),
  shares_CPU: shares,
  CPU: range,
  shares_memory: shares,
  memory: range,
  procVirtMem: size,
  totalVirtMem: size,
  totalProcesses: count,
  totalThreads: count,
  totalPTYs: count,
  totalLargePages: count,
  pct_msgIDs: percent,
  pct_semIDs: percent,
  pct_shmIDs: percent,
  pct_pinMem: percent,
};

export function workLoadFindings(workLoad: Readonly<Record<string, string>>): ValueFinding[] {
  const out: ValueFinding[] = [];
  for (const [key, value] of Object.entries(workLoad)) {
    if (key === 'rset') {
      out.push({ severity: 'error', key, message: 'WorkLoad rset: the rset is the ResourceSet attribute, not a WorkLoad key' });
      continue;
    }
    const check = Object.hasOwn(WORKLOAD_CONTROLS, key) ? WORKLOAD_CONTROLS[key] : undefined;
    if (!check) {
      const near = Object.keys(WORKLOAD_CONTROLS).find((k) => k.toLowerCase() === key.toLowerCase());
      out.push({ severity: 'error', key, message: `WorkLoad key ${JSON.stringify(key)} is not a chwpar -R resource control` + (near ? ` (did you mean ${near}?)` : ` (${Object.keys(WORKLOAD_CONTROLS).join(', ')})`) });
      continue;
    }
    if (value.trim() === '') {
      out.push({ severity: 'warning', key, message: `WorkLoad ${key} is empty: it is not set` });
      continue;
    }
    const want = check(value.trim());
    if (want) out.push({ severity: 'error', key, message: `WorkLoad ${key} = ${JSON.stringify(value)}: expected ${want}` });
  }
  return out;
}

/** The `attr=value` words for `chwpar -R` (values checked first: errorsOf(workLoadFindings(...)) is empty). */
export function resourceControlWords(resourceSet: string, workLoad: Readonly<Record<string, string>>): string[] {
  const out = resourceSet !== '' ? [`rset=${resourceSet}`] : [];
  for (const [key, value] of Object.entries(workLoad)) if (value.trim() !== '') out.push(`${key}=${value.trim()}`);
  return out;
}
