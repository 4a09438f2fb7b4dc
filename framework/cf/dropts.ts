/**
 * DROpts, the site-specific network settings of the disaster-recovery
 * procedures (Virtualization Guide for AIX: "Configuring IBM PowerVM LPAR
 * guest for disaster recovery", "Configuring AIX WPARs for disaster recovery
 * using VCS"). One set of checks for everyone who reads them: the verifier
 * (VCF601-605), the WPAR agent before it writes resolv.conf, the LPAR agent
 * before it serves them, and the guest's vcs-reconfig before it applies them.
 *
 * Findings are errors (refused everywhere) or warnings (accepted everywhere,
 * and said): a value the resolver would ignore (a fourth name server, a
 * seventh search domain) or an empty value (the key is then not applied).
 */
import { isIP } from 'node:net';
import type { ValueFinding } from './wpar/values.js';

export const DROPTS_KEYS: Readonly<Record<string, readonly string[]>> = {
  LPAR: ['IPAddress', 'Netmask', 'Gateway', 'DNSServers', 'DNSSearchPath', 'Device', 'Domain', 'HostName', 'ConfigureNetwork'],
  WPAR: ['DNSServers', 'DNSSearchPath', 'DNSDomain'],
};

/** A dotted-quad IPv4 address as a 32-bit unsigned number, or undefined. */
export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let n = 0;
  for (const part of m.slice(1)) {
    const o = Number(part);
    if (o > 255) return undefined;
    n = n * 256 + o;
  }
  return n;
}

/** A netmask (dotted quad or 0x hex) as a number when its one bits are contiguous and not all zero. */
export function parseNetmask(s: string): number | undefined {
  const n = /^0x[0-9a-f]{8}$/i.test(s) ? parseInt(s.slice(2), 16) : parseIPv4(s);
  if (n === undefined || n === 0) return undefined;
  const inverted = ~n >>> 0; // host bits, which must be 2^k - 1
  return (inverted & (inverted + 1)) === 0 ? n : undefined;
}

/** A netmask in the dotted form AIX commands print. */
export function dottedNetmask(s: string): string {
  const n = parseNetmask(s.trim());
  if (n === undefined) return s;
  return [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join('.');
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A DNS name: dot-separated labels of letters, digits and inner hyphens; a final dot allowed. */
export function isDomainName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => LABEL.test(l));
}

/** Lists in DROpts values are written with blanks, commas or semicolons. */
export function splitList(s: string): string[] {
  return s.split(/[\s,;]+/).filter((x) => x.length > 0);
}

/** The resolver's limits (resolv.conf(4) on AIX, MAXNS and MAXDNSRCH): more are ignored, not an error. */
export const MAX_NAME_SERVERS = 3;
export const MAX_SEARCH_DOMAINS = 6;
export const MAX_SEARCH_CHARS = 256;

/** Keys whose empty value means "not set" (a warning); ConfigureNetwork is a switch and must say 0 or 1. */
const EMPTY_MEANS_UNSET = (key: string) => key !== 'ConfigureNetwork';

/** What is questionable but accepted in one value (the resolver ignores the surplus; an empty value is not applied). */
export function valueWarning(key: string, raw: string): string | undefined {
  const v = raw.trim();
  if (v === '' && EMPTY_MEANS_UNSET(key)) return `${key} is empty: it is not applied`;
  if (key === 'DNSServers' && splitList(v).length > MAX_NAME_SERVERS)
    return `DNSServers has ${splitList(v).length} name servers; the resolver uses the first ${MAX_NAME_SERVERS}`;
  if (key === 'DNSSearchPath') {
    const list = splitList(v);
    if (list.length > MAX_SEARCH_DOMAINS || list.join(' ').length > MAX_SEARCH_CHARS)
      return `DNSSearchPath has ${list.length} domains (${list.join(' ').length} characters); the resolver searches at most ${MAX_SEARCH_DOMAINS} (${MAX_SEARCH_CHARS} characters)`;
  }
  return undefined;
}

/** What is wrong with one value, or undefined when it is well formed (or empty: see valueWarning). */
export function valueProblem(key: string, raw: string): string | undefined {
  const v = raw.trim();
  if (v === '' && EMPTY_MEANS_UNSET(key)) return undefined;
  switch (key) {
    case 'IPAddress':
    case 'Gateway':
      return parseIPv4(v) === undefined ? `${key} ${JSON.stringify(raw)} is not an IPv4 address` : undefined;
    case 'Netmask':
      return parseNetmask(v) === undefined
        ? `Netmask ${JSON.stringify(raw)} is not a netmask (contiguous one bits, e.g. 255.255.255.0)`
        : undefined;
    case 'DNSServers': {
      // resolv.conf takes IPv4 and IPv6 name servers alike.
      const bad = splitList(v).filter((x) => isIP(x) === 0);
      return bad.length ? `DNSServers: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an IP address' : 'are not IP addresses'}` : undefined;
    }
    case 'DNSSearchPath': {
      const bad = splitList(v).filter((x) => !isDomainName(x));
      return bad.length ? `DNSSearchPath: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not a domain name' : 'are not domain names'}` : undefined;
    }
    case 'Domain':
    case 'DNSDomain':
      return isDomainName(v) ? undefined : `${key} ${JSON.stringify(raw)} is not ${splitList(v).length > 1 ? 'one' : 'a'} domain name`;
    case 'HostName':
      return isDomainName(v) ? undefined : `HostName ${JSON.stringify(raw)} is not a host name`;
    case 'Device':
      return /^[A-Za-z][A-Za-z0-9_.]*$/.test(v) ? undefined : `Device ${JSON.stringify(raw)} is not a network interface name (e.g. en0)`;
    case 'ConfigureNetwork':
      return v === '0' || v === '1' ? undefined : `ConfigureNetwork must be 0 or 1, not ${JSON.stringify(raw)}`;
    default:
      return undefined;
  }
}

/** A key that is not one of the type's, with a hint (a near spelling or the list). */
export function keyProblem(type: string, key: string): string | undefined {
  const keys = DROPTS_KEYS[type] ?? [];
  if (keys.includes(key)) return undefined;
  const near = keys.find((k) => k.toLowerCase() === key.toLowerCase());
  return `${key} is not a DROpts key of ${type}` + (near ? ` (did you mean ${near}?)` : ` (keys: ${keys.join(', ')})`);
}

const isSet = (m: ReadonlyMap<string, string>, key: string) => (m.get(key) ?? '').trim() !== '';

/** IPAddress without Netmask (LPAR). */
export function netmaskProblem(type: string, m: ReadonlyMap<string, string>): string | undefined {
  return type === 'LPAR' && isSet(m, 'IPAddress') && !isSet(m, 'Netmask') ? 'IPAddress is set without Netmask' : undefined;
}

/** A gateway outside the subnet of IPAddress/Netmask, or equal to IPAddress. */
export function gatewayProblem(m: ReadonlyMap<string, string>): string | undefined {
  const ip = parseIPv4((m.get('IPAddress') ?? '').trim());
  const mask = parseNetmask((m.get('Netmask') ?? '').trim());
  const gw = parseIPv4((m.get('Gateway') ?? '').trim());
  if (ip === undefined || mask === undefined || gw === undefined) return undefined;
  if (((ip & mask) >>> 0) !== ((gw & mask) >>> 0)) return `Gateway ${m.get('Gateway')} is not in the subnet of ${m.get('IPAddress')}/${m.get('Netmask')}`;
  if (gw === ip) return "Gateway is the LPAR's own IPAddress";
  return undefined;
}

/** Every finding of a DROpts value (keys, values, netmask, gateway; then the warnings), in that order. */
export function droptsFindings(type: string, m: ReadonlyMap<string, string>): ValueFinding[] {
  const out: ValueFinding[] = [];
  const warnings: ValueFinding[] = [];
  for (const [key, value] of m) {
    const k = keyProblem(type, key);
    if (k) {
      out.push({ severity: 'error', key, message: k });
      continue;
    }
    const v = valueProblem(key, value);
    if (v) out.push({ severity: 'error', key, message: v });
    else {
      const w = valueWarning(key, value);
      if (w) warnings.push({ severity: 'warning', key, message: w });
    }
  }
  const n = netmaskProblem(type, m);
  if (n) out.push({ severity: 'error', key: 'IPAddress', message: n });
  const g = gatewayProblem(m);
  if (g) out.push({ severity: 'error', key: 'Gateway', message: g });
  return [...out, ...warnings];
}

/** The errors of a DROpts value (keys, values, netmask, gateway), in that order: what is refused. */
export function droptsProblems(type: string, m: ReadonlyMap<string, string>): string[] {
  return droptsFindings(type, m)
    .filter((f) => f.severity === 'error')
    .map((f) => f.message);
}
