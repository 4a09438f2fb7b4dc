/**
 * DROpts of a WPAR (Virtualization Guide, "Configuring AIX WPARs for
 * disaster recovery using VCS"): DNSServers, DNSSearchPath and DNSDomain, the
 * site's name resolution, applied at online to the WPAR's /etc/resolv.conf
 * (<Directory>/etc/resolv.conf from the global environment). Only those
 * keys; every value is checked before anything is started or written, and
 * the file is replaced atomically with the old one kept as
 * resolv.conf.previous. Lines the keys do not own (options, sortlist,
 * comments) stay as they were; a key not set leaves its lines alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';
import { wparError } from './resource.js';

export const DROPTS_KEYS = ['DNSServers', 'DNSSearchPath', 'DNSDomain'] as const;

export interface DnsSettings {
  servers?: string[];
  search?: string[];
  domain?: string;
}

// The resolver's limits (resolv.conf(4)): 3 name servers, 6 search domains, 256 characters of search list.
const MAX_SERVERS = 3;
const MAX_SEARCH = 6;
const DOMAIN = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;

const words = (v: string) => v.split(/[\s,;]+/).filter(Boolean);

/** DROpts checked: throws VCSPVM_WPAR naming the key and the bad value. */
export function parseDrOpts(wpar: string, opts: Readonly<Record<string, string>>): DnsSettings {
  const out: DnsSettings = {};
  const bad = (key: string, detail: string) => wparError(wpar, `DROpts ${key}: ${detail}; nothing started or written`);
  for (const [key, value] of Object.entries(opts)) {
    if (!(DROPTS_KEYS as readonly string[]).includes(key)) throw bad(key, `not a DROpts key of WPAR (${DROPTS_KEYS.join(', ')})`);
    const list = words(value);
    if (list.length === 0) continue;
    if (key === 'DNSServers') {
      for (const s of list) if (isIP(s) === 0) throw bad(key, `${JSON.stringify(s)} is not an IP address`);
      if (list.length > MAX_SERVERS) throw bad(key, `${list.length} name servers; the resolver reads at most ${MAX_SERVERS}`);
      out.servers = list;
    } else if (key === 'DNSSearchPath') {
      for (const d of list) if (!DOMAIN.test(d)) throw bad(key, `${JSON.stringify(d)} is not a domain name`);
      if (list.length > MAX_SEARCH || list.join(' ').length > 256) throw bad(key, `the resolver reads at most ${MAX_SEARCH} search domains (256 characters)`);
      out.search = list;
    } else {
      if (list.length !== 1 || !DOMAIN.test(list[0]!)) throw bad(key, `${JSON.stringify(value)} is not one domain name`);
      out.domain = list[0]!;
    }
  }
  return out;
}

export const hasDnsSettings = (s: DnsSettings) => s.servers !== undefined || s.search !== undefined || s.domain !== undefined;

/** The new resolv.conf: the owned lines replaced in place of the first one of their kind, the rest kept. */
export function renderResolvConf(old: string, s: DnsSettings): string {
  const owned: Array<[string, string[] | undefined]> = [
    ['domain', s.domain !== undefined ? [`domain ${s.domain}`] : undefined],
    ['search', s.search ? [`search ${s.search.join(' ')}`] : undefined],
    ['nameserver', s.servers?.map((x) => `nameserver ${x}`)],
  ];
  const lines = old === '' ? [] : old.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  const placed = new Set<string>();
  for (const line of lines) {
    const kw = /^\s*(domain|search|nameserver)\b/.exec(line)?.[1];
    const repl = kw ? owned.find(([k]) => k === kw)?.[1] : undefined;
    if (!kw || !repl) {
      out.push(line);
      continue;
    }
    if (!placed.has(kw)) out.push(...repl);
    placed.add(kw);
  }
  // The resolver takes the last of domain and search: domain first, so the search list wins when both are set.
  for (const [k, repl] of owned) if (repl && !placed.has(k)) out.push(...repl);
  return `${out.join('\n')}\n`;
}

/** Writes <directory>/etc/resolv.conf; returns its path, whether it changed and whether an old one was kept. */
export function applyDnsSettings(directory: string, s: DnsSettings): { path: string; changed: boolean; backup: boolean } {
  const path = join(directory, 'etc', 'resolv.conf');
  const backup = existsSync(path);
  const old = backup ? readFileSync(path, 'utf8') : '';
  const changed = writeFileAtomic(path, renderResolvConf(old, s), { backup: true, mode: 0o644 });
  return { path, changed, backup: backup && changed };
}
