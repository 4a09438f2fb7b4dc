/**
 * The DR network settings, typed: what the LPAR agent serves and what the
 * guest's vcs-reconfig applies. Built from DROpts (LPAR agent) or from a
 * reply (guest); both sides check with the same rules as `vcscf verify`.
 */
import { dottedNetmask, droptsProblems, splitList } from '../../framework/cf/dropts.js';

export interface NetworkSettings {
  /** The guest's interface (Device; en0 when not set). */
  device: string;
  ipAddress?: string;
  netmask?: string;
  gateway?: string;
  dnsServers?: string[];
  dnsSearchPath?: string[];
  domain?: string;
  hostName?: string;
}

export const DEFAULT_DEVICE = 'en0';

export type DrOptsVerdict =
  | { kind: 'off' }
  | { kind: 'bad'; problems: string[] }
  | { kind: 'apply'; settings: NetworkSettings };

/** DROpts as the LPAR resource holds it: off unless ConfigureNetwork = 1; refused when any value is wrong. */
export function drOptsVerdict(dropts: Readonly<Record<string, unknown>> | undefined): DrOptsVerdict {
  const m = new Map(Object.entries(dropts ?? {}).map(([k, v]) => [k, String(v ?? '')]));
  if ((m.get('ConfigureNetwork') ?? '').trim() !== '1') {
    // Still refuse garbage in a ConfigureNetwork value: 0 and unset are the only ways to say "off".
    const cn = m.get('ConfigureNetwork');
    if (cn !== undefined && cn.trim() !== '0') return { kind: 'bad', problems: droptsProblems('LPAR', new Map([['ConfigureNetwork', cn]])) };
    return { kind: 'off' };
  }
  const problems = droptsProblems('LPAR', m);
  if (problems.length) return { kind: 'bad', problems };
  const settings = settingsOf(m);
  if (!settings.ipAddress && !settings.gateway && !settings.dnsServers && !settings.dnsSearchPath && !settings.domain && !settings.hostName) {
    return { kind: 'bad', problems: ['ConfigureNetwork = 1 but none of IPAddress, Gateway, DNSServers, DNSSearchPath, Domain, HostName is set'] };
  }
  return { kind: 'apply', settings };
}

function settingsOf(m: ReadonlyMap<string, string>): NetworkSettings {
  const get = (k: string) => {
    const v = m.get(k)?.trim();
    return v ? v : undefined;
  };
  const s: NetworkSettings = { device: get('Device') ?? DEFAULT_DEVICE };
  const ip = get('IPAddress');
  if (ip) s.ipAddress = ip;
  const mask = get('Netmask');
  if (mask) s.netmask = dottedNetmask(mask);
  const gw = get('Gateway');
  if (gw) s.gateway = gw;
  const dns = get('DNSServers');
  if (dns) s.dnsServers = splitList(dns);
  const search = get('DNSSearchPath');
  if (search) s.dnsSearchPath = splitList(search);
  const domain = get('Domain');
  if (domain) s.domain = domain;
  const host = get('HostName');
  if (host) s.hostName = host;
  return s;
}

/** The settings as DROpts keys (for the wire and for checking a reply with the same rules). */
export function toDrOpts(s: NetworkSettings): Record<string, string> {
  const o: Record<string, string> = { Device: s.device };
  if (s.ipAddress) o.IPAddress = s.ipAddress;
  if (s.netmask) o.Netmask = s.netmask;
  if (s.gateway) o.Gateway = s.gateway;
  if (s.dnsServers) o.DNSServers = s.dnsServers.join(' ');
  if (s.dnsSearchPath) o.DNSSearchPath = s.dnsSearchPath.join(' ');
  if (s.domain) o.Domain = s.domain;
  if (s.hostName) o.HostName = s.hostName;
  return o;
}

/** A received settings object checked as DROpts (ConfigureNetwork implied); the problems when it is not acceptable. */
export function settingsFromWire(o: unknown): { settings?: NetworkSettings; problems: string[] } {
  if (!o || typeof o !== 'object' || Array.isArray(o)) return { problems: ['the settings are not an object'] };
  const entries = Object.entries(o as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string')) return { problems: ['a setting is not a string'] };
  const v = drOptsVerdict({ ...Object.fromEntries(entries), ConfigureNetwork: '1' });
  if (v.kind === 'apply') return { settings: v.settings, problems: [] };
  return { problems: v.kind === 'bad' ? v.problems : ['nothing to apply'] };
}
