/**
 * DROpts, the site-specific network settings of the disaster-recovery
 * procedures (Virtualization Guide for AIX: "Configuring IBM PowerVM LPAR
 * guest for disaster recovery", "Configuring AIX WPARs for disaster recovery
 * using VCS"): documented keys only, well-formed values, a gateway inside the
 * subnet, and ConfigureNetwork = 1 so the LPAR agent applies them.
 */
import type { AttributeAssignment, ResourceDef } from '../../model.js';
import { entryPos, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';

const DROPTS_KEYS: Record<string, readonly string[]> = {
  LPAR: ['IPAddress', 'Netmask', 'Gateway', 'DNSServers', 'DNSSearchPath', 'Device', 'Domain', 'HostName', 'ConfigureNetwork'],
  WPAR: ['DNSServers', 'DNSSearchPath', 'DNSDomain'],
};

/** A dotted-quad IPv4 address as a 32-bit unsigned number, or undefined. */
function parseIPv4(s: string): number | undefined {
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
function parseNetmask(s: string): number | undefined {
  const n = /^0x[0-9a-f]{8}$/i.test(s) ? parseInt(s.slice(2), 16) : parseIPv4(s);
  if (n === undefined || n === 0) return undefined;
  const inverted = ~n >>> 0; // host bits, which must be 2^k - 1
  return (inverted & (inverted + 1)) === 0 ? n : undefined;
}

const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** A DNS name: dot-separated labels of letters, digits and inner hyphens; a final dot allowed. */
function isDomainName(s: string): boolean {
  const name = s.endsWith('.') ? s.slice(0, -1) : s;
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => LABEL.test(l));
}

/** Lists in DROpts values are written with spaces or commas. */
function splitList(s: string): string[] {
  return s.split(/[\s,]+/).filter((x) => x.length > 0);
}

function valueProblem(key: string, raw: string): string | undefined {
  const v = raw.trim();
  switch (key) {
    case 'IPAddress':
    case 'Gateway':
      return parseIPv4(v) === undefined ? `${key} ${JSON.stringify(raw)} is not an IPv4 address` : undefined;
    case 'Netmask':
      return parseNetmask(v) === undefined
        ? `Netmask ${JSON.stringify(raw)} is not a netmask (contiguous one bits, e.g. 255.255.255.0)`
        : undefined;
    case 'DNSServers': {
      const bad = splitList(v).filter((x) => parseIPv4(x) === undefined);
      if (splitList(v).length === 0) return 'DNSServers is empty';
      return bad.length ? `DNSServers: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not an IPv4 address' : 'are not IPv4 addresses'}` : undefined;
    }
    case 'DNSSearchPath': {
      const bad = splitList(v).filter((x) => !isDomainName(x));
      if (splitList(v).length === 0) return 'DNSSearchPath is empty';
      return bad.length ? `DNSSearchPath: ${bad.map((b) => JSON.stringify(b)).join(', ')} ${bad.length === 1 ? 'is not a domain name' : 'are not domain names'}` : undefined;
    }
    case 'Domain':
    case 'DNSDomain':
      return isDomainName(v) ? undefined : `${key} ${JSON.stringify(raw)} is not a domain name`;
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

function dropts(ctx: VerifyContext): { r: ResourceDef; a: AttributeAssignment; keys: readonly string[] }[] {
  const out: { r: ResourceDef; a: AttributeAssignment; keys: readonly string[] }[] = [];
  for (const [type, keys] of Object.entries(DROPTS_KEYS))
    for (const { resources } of ctx.groupsWithType(type))
      for (const r of resources)
        for (const a of r.attributes) if (a.name === 'DROpts' && a.value.kind === 'association') out.push({ r, a, keys });
  return out;
}

function entries(a: AttributeAssignment): Map<string, string> {
  const m = new Map<string, string>();
  if (a.value.kind === 'association') for (const e of a.value.entries) m.set(e.key, e.value === null ? '' : String(e.value));
  return m;
}

function where(r: ResourceDef, a: AttributeAssignment): string {
  return `${r.type} ${r.name} DROpts${a.system ? '@' + a.system : ''}`;
}

const droptsKeys: Rule = {
  code: 'VCF601',
  name: 'dropts-key',
  severity: 'error',
  description:
    'DROpts keys are the documented ones (LPAR: IPAddress, Netmask, Gateway, DNSServers, DNSSearchPath, Device, Domain, HostName, ConfigureNetwork; WPAR: DNSServers, DNSSearchPath, DNSDomain)',
  check(ctx, report) {
    for (const { r, a, keys } of dropts(ctx))
      for (const key of entries(a).keys())
        if (!keys.includes(key)) {
          const near = keys.find((k) => k.toLowerCase() === key.toLowerCase());
          report(
            entryPos(a, key),
            `${where(r, a)}: ${key} is not a DROpts key of ${r.type}` + (near ? ` (did you mean ${near}?)` : ` (keys: ${keys.join(', ')})`),
          );
        }
  },
};

const droptsValues: Rule = {
  code: 'VCF602',
  name: 'dropts-value',
  severity: 'error',
  description: 'DROpts values are well formed: IPv4 addresses, a contiguous netmask, host and domain names, ConfigureNetwork 0 or 1',
  check(ctx, report) {
    for (const { r, a, keys } of dropts(ctx)) {
      const m = entries(a);
      for (const [key, value] of m) {
        if (!keys.includes(key)) continue;
        const p = valueProblem(key, value);
        if (p) report(entryPos(a, key), `${where(r, a)}: ${p}`);
      }
      if (r.type === 'LPAR' && m.has('IPAddress') && !m.has('Netmask'))
        report(entryPos(a, 'IPAddress'), `${where(r, a)}: IPAddress is set without Netmask`);
    }
  },
};

const gatewaySubnet: Rule = {
  code: 'VCF603',
  name: 'dropts-gateway',
  severity: 'error',
  description: 'the DROpts Gateway lies inside the subnet of IPAddress and Netmask',
  check(ctx, report) {
    for (const { r, a } of dropts(ctx)) {
      const m = entries(a);
      const ip = parseIPv4((m.get('IPAddress') ?? '').trim());
      const mask = parseNetmask((m.get('Netmask') ?? '').trim());
      const gw = parseIPv4((m.get('Gateway') ?? '').trim());
      if (ip === undefined || mask === undefined || gw === undefined) continue;
      if (((ip & mask) >>> 0) !== ((gw & mask) >>> 0))
        report(
          entryPos(a, 'Gateway'),
          `${where(r, a)}: Gateway ${m.get('Gateway')} is not in the subnet of ${m.get('IPAddress')}/${m.get('Netmask')}`,
        );
      else if (gw === ip) report(entryPos(a, 'Gateway'), `${where(r, a)}: Gateway is the LPAR's own IPAddress`);
    }
  },
};

const configureNetwork: Rule = {
  code: 'VCF604',
  name: 'dropts-configurenetwork',
  severity: 'warning',
  description: 'an LPAR resource with DROpts sets ConfigureNetwork = 1 (else the LPAR agent applies none of them)',
  check(ctx, report) {
    for (const { r, a } of dropts(ctx)) {
      if (r.type !== 'LPAR') continue;
      const m = entries(a);
      if (m.size === 0 || (m.get('ConfigureNetwork') ?? '').trim() === '1') continue;
      report(
        m.has('ConfigureNetwork') ? entryPos(a, 'ConfigureNetwork') : a.pos,
        `${where(r, a)} is set but ConfigureNetwork is not 1: the LPAR agent does not apply these settings`,
      );
    }
  },
};

export const rules: Rule[] = [droptsKeys, droptsValues, gatewaySubnet, configureNetwork];
