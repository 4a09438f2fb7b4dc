/**
 * WPAR specification files (mkwpar -o / -w / -f, AIX mkwpar(1) and
 * /usr/samples/wpars/sample.spec): stanzas `general:`, `network:`,
 * `mount:` and `resources:`, one `attribute = "value"` per line, indented.
 * What the seed does with them: write the specification of a WPAR made on
 * one node (`mkwpar -w -o FILE -e NAME`), create the same WPAR on the others
 * from it (`mkwpar -p -f FILE -n NAME`). The stanzas written are the ones the
 * simulator keeps; the sample file's full attribute set was not available.
 */
import { aixPath } from './root.js';
import { SimUsageError } from './root.js';
import type { SimMount, SimWpar } from './wpar-state.js';

export interface WparSpec {
  name?: string;
  hostname?: string;
  /** AIX path of the base directory. */
  directory?: string;
  detached?: boolean;
  networks: Array<Record<string, string>>;
  mounts: SimMount[];
  resources: Record<string, string>;
}

const quote = (v: string) => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function specOf(w: SimWpar): WparSpec {
  return {
    name: w.name,
    hostname: w.hostname,
    directory: w.baseDirectory ?? aixPath(w.directory),
    detached: !!w.detached,
    networks: w.networks,
    mounts: w.mounts ?? [],
    resources: w.resourceControls,
  };
}

export function formatSpec(s: WparSpec): string {
  const out: string[] = [`* WPAR specification written by mkwpar (simulated) for ${s.name ?? 'a workload partition'}`];
  const stanza = (name: string, attrs: Record<string, string | undefined>) => {
    const lines = Object.entries(attrs).filter((e): e is [string, string] => e[1] !== undefined);
    if (lines.length === 0) return;
    out.push('', `${name}:`, ...lines.map(([k, v]) => `\t${k} = ${quote(v)}`));
  };
  stanza('general', { name: s.name, hostname: s.hostname, directory: s.directory, privateusr: s.detached ? 'yes' : 'no' });
  for (const n of s.networks) stanza('network', n);
  for (const m of s.mounts) stanza('mount', { ...m });
  stanza('resources', s.resources);
  return `${out.join('\n')}\n`;
}

export function parseSpec(text: string, file: string): WparSpec {
  const spec: WparSpec = { networks: [], mounts: [], resources: {} };
  let current: Record<string, string> | undefined;
  let kind = '';
  const flush = () => {
    if (!current) return;
    if (kind === 'general') {
      if (current.name) spec.name = current.name;
      if (current.hostname) spec.hostname = current.hostname;
      if (current.directory) spec.directory = current.directory;
      spec.detached = current.privateusr === 'yes';
    } else if (kind === 'network') spec.networks.push(current);
    else if (kind === 'mount') {
      if (!current.directory) throw new SimUsageError(`${file}: a mount stanza without directory`);
      spec.mounts.push(current as unknown as SimMount);
    } else if (kind === 'resources') Object.assign(spec.resources, current);
    current = undefined;
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*(\*|$)/.test(line)) return;
    const head = /^(\w+):\s*$/.exec(line);
    if (head) {
      flush();
      kind = head[1]!;
      if (!['general', 'network', 'mount', 'resources', 'device', 'security', 'extension'].includes(kind)) throw new SimUsageError(`${file}:${i + 1}: unknown stanza ${kind}:`);
      current = {};
      return;
    }
    const attr = /^\s+(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|(\S*))\s*$/.exec(line);
    if (!attr || !current) throw new SimUsageError(`${file}:${i + 1}: not a specification line: ${line}`);
    current[attr[1]!] = attr[2] !== undefined ? attr[2].replace(/\\(.)/g, '$1') : attr[3]!;
  });
  flush();
  return spec;
}
