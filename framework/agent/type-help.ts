/**
 * `vcsagent TYPE --help`: what an agent is, as its user needs it — the entry
 * points it implements, the ArgList attributes VCS passes (kind and
 * default), the time limits in force, and how to call it by hand.
 */
import type { Agent } from './define.js';
import { implementedEntryPoints } from './define.js';
import { ENTRY_POINT_SPECS, parseEntryPointRef } from './entrypoints.js';
import type { RegistryEntry } from './registry.js';
import { type AgentTypeInfo, entryPointTimeout } from './typeinfo.js';
import { attributeTsType } from './typegen.js';

export function describeType(entry: RegistryEntry, agent: Agent<any>, info: AgentTypeInfo, typesPath: string): string {
  const eps = implementedEntryPoints(agent);
  const plain = eps.filter((e) => !e.startsWith('action/'));
  const actions = eps.filter((e) => e.startsWith('action/')).map((e) => e.slice(7));
  const lines: string[] = [];
  lines.push(`${info.name}: ${entry.modulePath ? `agent module ${entry.modulePath}` : 'registered agent'}; type definition ${typesPath}`);
  lines.push(`entry points: ${plain.join(' ')}${actions.length ? `; actions (action/TOKEN): ${actions.join(' ')}` : ''}`);
  lines.push('');
  lines.push('ArgList attributes, in the order VCS passes them (NAME COUNT VALUES...):');
  const byName = new Map(info.attributes.map((a) => [a.name, a]));
  const width = Math.max(4, ...info.argList.map((n) => n.length));
  for (const name of info.argList) {
    const a = byName.get(name);
    const kind = a ? `${a.base} ${a.dimension}` : 'not defined';
    const dflt = info.statics[name] ?? (a?.default ? JSON.stringify(a.default.kind === 'scalar' ? a.default.value : a.default) : undefined);
    lines.push(`  ${name.padEnd(width)}  ${kind.padEnd(18)} ${a ? attributeTsType(a) : ''}${dflt !== undefined ? `  default ${typeof dflt === 'string' ? dflt : JSON.stringify(dflt)}` : ''}`);
  }
  lines.push('');
  lines.push('time limits (seconds, type defaults; a resource may override them):');
  const limits = plain
    .map((e) => parseEntryPointRef(e)!)
    .filter((r) => ENTRY_POINT_SPECS[r.name].timeoutAttribute)
    .map((r) => `${r.name} ${entryPointTimeout(r.name, info.statics) || 'none'}`);
  if (actions.length) limits.push(`action ${entryPointTimeout('action', info.statics)}`);
  lines.push(`  ${limits.join(', ')}`);
  const mi = info.statics.MonitorInterval;
  const omi = info.statics.OfflineMonitorInterval;
  lines.push(`  MonitorInterval ${mi}, OfflineMonitorInterval ${omi}`);
  lines.push('');
  lines.push('as VCS calls it:');
  lines.push(`  vcsagent ${entry.modulePath ? `--module ${entry.modulePath} ` : ''}${info.name} monitor RESOURCE ${info.argList.map((n) => `${n} COUNT VALUES...`).join(' ')}`);
  lines.push(`  vcsagent ${entry.modulePath ? `--module ${entry.modulePath} ` : ''}${info.name} online RESOURCE --config main.cf --system NAME    (the values from a configuration)`);
  return `${lines.join('\n')}\n`;
}
