/**
 * DROpts, the site-specific network settings of the disaster-recovery
 * procedures (Virtualization Guide for AIX: "Configuring IBM PowerVM LPAR
 * guest for disaster recovery", "Configuring AIX WPARs for disaster recovery
 * using VCS"): documented keys only, well-formed values, a gateway inside the
 * subnet, and ConfigureNetwork = 1 so the LPAR agent applies them. The
 * checks are framework/cf/dropts.ts's, the ones the agents make.
 */
import type { AttributeAssignment, ResourceDef } from '../../model.js';
import { entryPos, type VerifyContext } from '../context.js';
import type { Rule } from '../finding.js';
import { DROPTS_KEYS, gatewayProblem, keyProblem, netmaskProblem, valueProblem, valueWarning } from '../../dropts.js';

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
    for (const { r, a } of dropts(ctx))
      for (const key of entries(a).keys()) {
        const p = keyProblem(r.type, key);
        if (p) report(entryPos(a, key), `${where(r, a)}: ${p}`);
      }
  },
};

const droptsValues: Rule = {
  code: 'VCF602',
  name: 'dropts-value',
  severity: 'error',
  description: 'DROpts values are well formed: IPv4 addresses (name servers IPv4 or IPv6), a contiguous netmask, host and domain names, ConfigureNetwork 0 or 1',
  check(ctx, report) {
    for (const { r, a, keys } of dropts(ctx)) {
      const m = entries(a);
      for (const [key, value] of m) {
        if (!keys.includes(key)) continue;
        const p = valueProblem(key, value);
        if (p) report(entryPos(a, key), `${where(r, a)}: ${p}`);
      }
      const n = netmaskProblem(r.type, m);
      if (n) report(entryPos(a, 'IPAddress'), `${where(r, a)}: ${n}`);
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
      const p = gatewayProblem(entries(a));
      if (p) report(entryPos(a, 'Gateway'), `${where(r, a)}: ${p}`);
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

const droptsResolver: Rule = {
  code: 'VCF605',
  name: 'dropts-ignored',
  severity: 'warning',
  description: 'DROpts values the agents accept but do not fully apply: an empty value (not applied), more than 3 name servers or 6 search domains (the resolver ignores the rest)',
  check(ctx, report) {
    for (const { r, a, keys } of dropts(ctx))
      for (const [key, value] of entries(a)) {
        if (!keys.includes(key) || valueProblem(key, value)) continue;
        const w = valueWarning(key, value);
        if (w) report(entryPos(a, key), `${where(r, a)}: ${w}`);
      }
  },
};

export const rules: Rule[] = [droptsKeys, droptsValues, gatewaySubnet, configureNetwork, droptsResolver];
