/**
 * The WPAR resource's settings, checked before anything runs: ResourceSet
 * and WorkLoad (the `chwpar -R` words) and DROpts (what goes into the
 * WPAR's resolv.conf). The rules are the verifier's (framework/cf/
 * wpar/values.ts, framework/cf/dropts.ts): an error refuses the online with
 * one log line naming the value, a warning is logged and the value used.
 */
import { droptsFindings, splitList } from '../../framework/cf/dropts.js';
import { errorsOf, resourceControlWords, resourceSetProblem, type ValueFinding, warningsOf, workLoadFindings } from '../../framework/cf/wpar/values.js';
import type { DnsSettings } from './resolv.js';
import type { WparAttributes } from './resource.js';

export interface WparSettings {
  /** `attr=value` words for chwpar -R; empty when neither ResourceSet nor WorkLoad is set. */
  controls: string[];
  dns: DnsSettings;
  warnings: string[];
}

export type SettingsVerdict = { ok: true; settings: WparSettings } | { ok: false; problems: string[] };

/** The verdict on a resource's values, exactly as the verifier would give it. */
export function wparSettings(a: Partial<WparAttributes>): SettingsVerdict {
  const resourceSet = (a.ResourceSet ?? '').trim();
  const workLoad = a.WorkLoad ?? {};
  const dropts = new Map(Object.entries(a.DROpts ?? {}));
  const rset = resourceSetProblem(resourceSet);
  const findings: ValueFinding[] = [
    ...(rset ? [{ severity: 'error' as const, message: rset }] : []),
    ...workLoadFindings(workLoad),
    ...droptsFindings('WPAR', dropts).map((f) => ({ ...f, message: `DROpts ${f.message}` })),
  ];
  const errors = errorsOf(findings);
  if (errors.length) return { ok: false, problems: errors.map((f) => f.message) };
  const dns: DnsSettings = {};
  const value = (k: string) => (dropts.get(k) ?? '').trim();
  if (value('DNSServers')) dns.servers = splitList(value('DNSServers'));
  if (value('DNSSearchPath')) dns.search = splitList(value('DNSSearchPath'));
  if (value('DNSDomain')) dns.domain = value('DNSDomain');
  return { ok: true, settings: { controls: resourceControlWords(resourceSet, workLoad), dns, warnings: warningsOf(findings).map((f) => f.message) } };
}
