/**
 * DROpts of a WPAR (Virtualization Guide, "Configuring AIX WPARs for
 * disaster recovery using VCS"): DNSServers, DNSSearchPath and DNSDomain, the
 * site's name resolution, written at online into the WPAR's /etc/resolv.conf
 * (<Directory>/etc/resolv.conf from the global environment). The values are
 * checked before (settings.ts); here the file is replaced atomically with the
 * old one kept as resolv.conf.previous. Lines the keys do not own (options,
 * sortlist, comments) stay as they were; a key not set leaves its lines alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../framework/fs.js';

export interface DnsSettings {
  servers?: string[];
  search?: string[];
  domain?: string;
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
