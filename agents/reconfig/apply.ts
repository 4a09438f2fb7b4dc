/**
 * Applies the DR network settings in the guest with the AIX commands an
 * administrator would run, each an argv array (no shell), and only what
 * differs from what the ODM holds, so a second boot changes nothing:
 *
 *   chdev -l enX -a netaddr=IP -a netmask=MASK -a state=up       interface (persistent)
 *   chdev -l inet0 -a delroute=net,-hopcount,0,,0,OLDGW          an old default route
 *   chdev -l inet0 -a route=net,-hopcount,0,,0,GW                the default route
 *   chdev -l inet0 -a hostname=NAME                               host name (persistent and running)
 *   /etc/resolv.conf                                              nameserver, domain, search
 *
 * Current values come from `lsattr -E -l DEV -a ATTR -F value`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { aixCommand as run, deviceAttr as attr } from './aix.js';
import type { NetworkSettings } from './settings.js';

export interface ApplyOptions {
  /** The guest's root ("/" on AIX). */
  root: string;
  env?: NodeJS.ProcessEnv;
}

const defaultRoute = (gw: string) => `net,-hopcount,0,,0,${gw}`;
const isDefaultRoute = (r: string) => /^net,-hopcount,0,,0,/.test(r);

/** The resolv.conf lines the settings ask for, other lines kept. */
export function resolvConf(current: string, s: NetworkSettings): string {
  const lines = current.split('\n').filter((l, i, all) => !(i === all.length - 1 && l === ''));
  const drop = (kw: string) => (l: string) => !new RegExp(`^\\s*${kw}\\s`).test(l);
  let kept = lines;
  const add: string[] = [];
  if (s.domain) {
    kept = kept.filter(drop('domain'));
    add.push(`domain ${s.domain}`);
  }
  if (s.dnsSearchPath) {
    kept = kept.filter(drop('search'));
    add.push(`search ${s.dnsSearchPath.join(' ')}`);
  }
  if (s.dnsServers) {
    kept = kept.filter(drop('nameserver'));
    add.push(...s.dnsServers.map((n) => `nameserver ${n}`));
  }
  return `${[...add, ...kept].join('\n')}\n`;
}

/** Applies the settings; returns one line per change (empty when all was already so). */
export async function applySettings(s: NetworkSettings, o: ApplyOptions): Promise<string[]> {
  const changes: string[] = [];
  const env = o.env;
  if (s.ipAddress) {
    const [addr] = await attr(s.device, 'netaddr', env);
    const [mask] = await attr(s.device, 'netmask', env);
    if (addr !== s.ipAddress || mask !== s.netmask) {
      await run(['chdev', '-l', s.device, '-a', `netaddr=${s.ipAddress}`, '-a', `netmask=${s.netmask}`, '-a', 'state=up'], env);
      changes.push(`${s.device}: address ${addr ?? 'none'}/${mask ?? 'none'} -> ${s.ipAddress}/${s.netmask}`);
    }
  }
  if (s.gateway) {
    const routes = await attr('inet0', 'route', env);
    const defaults = routes.filter(isDefaultRoute);
    const want = defaultRoute(s.gateway);
    for (const r of defaults.filter((d) => d !== want)) {
      await run(['chdev', '-l', 'inet0', '-a', `delroute=${r}`], env);
      changes.push(`default route via ${r.split(',').pop()} removed`);
    }
    if (!defaults.includes(want)) {
      await run(['chdev', '-l', 'inet0', '-a', `route=${want}`], env);
      changes.push(`default route via ${s.gateway}`);
    }
  }
  if (s.hostName) {
    const [host] = await attr('inet0', 'hostname', env);
    if (host !== s.hostName) {
      await run(['chdev', '-l', 'inet0', '-a', `hostname=${s.hostName}`], env);
      changes.push(`host name ${host ?? 'none'} -> ${s.hostName}`);
    }
  }
  if (s.dnsServers || s.domain || s.dnsSearchPath) {
    const file = join(o.root, 'etc', 'resolv.conf');
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      // No resolver configured yet.
    }
    const next = resolvConf(current, s);
    if (next !== current && writeFileAtomic(file, next, { mode: 0o644 })) changes.push(`/etc/resolv.conf: ${next.trim().split('\n').join('; ')}`);
  }
  return changes;
}
