/**
 * What the convert tests share: running `vcscf convert` in-process, running
 * Pacemaker's own tools (crm_verify, crm_simulate, crm_mon, cibadmin, pcs)
 * on files only, and reading their XML.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../../../framework/cf/cli.js';
import type { CliIo } from '../../../../framework/cf/cli/common.js';

export const repo = fileURLToPath(new URL('../../../../', import.meta.url));

export async function vcscf(args: string[], stdin = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), readStdin: () => stdin };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** A scratch directory, removed by the returned function. */
export function scratchDir(prefix: string): { dir: string; file: (name: string, content?: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vcscf-convert-${prefix}-`));
  return {
    dir,
    file(name, content) {
      const p = join(dir, name);
      mkdirSync(join(p, '..'), { recursive: true });
      if (content !== undefined) writeFileSync(p, content);
      return p;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface ToolResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a Pacemaker tool; generous limits, the machine may be loaded. */
export function tool(cmd: string, args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): ToolResult {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** crm_verify on a file: its exit status and what it printed. */
export function crmVerify(file: string): ToolResult {
  return tool('crm_verify', ['--xml-file', file]);
}

let featureSet: string | undefined;

/**
 * The CIB as the local Pacemaker would store it: with the crm_feature_set a
 * running cluster adds (crm_simulate reads transient node attributes, such
 * as fail counts, only from a CIB that has one).
 */
export function asStored(cib: string): string {
  featureSet ??= /crm_feature_set="([^"]+)"/.exec(tool('cibadmin', ['--empty']).stdout)?.[1] ?? '3.16.1';
  return cib.replace(/<cib /, `<cib crm_feature_set="${featureSet}" `);
}

/** One crm_simulate step on a file: synthetic events in, the new state out. Returns the transition summary lines. */
export function simulate(input: string, output: string, args: string[]): string[] {
  const r = tool('crm_simulate', ['--xml-file', input, '--simulate', '--quorum=true', '--save-output', output, ...args]);
  if (r.status !== 0) throw new Error(`crm_simulate ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const summary = r.stdout.split('Transition Summary:')[1]?.split('Executing Cluster Transition:')[0] ?? '';
  return summary
    .split('\n')
    .map((l) => l.trim().replace(/^\* /, '').replace(/\s+/g, ' '))
    .filter((l) => l !== '');
}

/**
 * The resources a crm_simulate step starts, each with its node and its
 * parameters as Pacemaker evaluated them for that node (the transition
 * graph's action attributes: what the agent would be given).
 */
export function starts(input: string, output: string, args: string[]): Array<{ rsc: string; node: string; params: Record<string, string> }> {
  const graph = `${output}.graph.xml`;
  simulate(input, output, [...args, '--save-graph', graph]);
  return find(parseXml(readFileSync(graph, 'utf8')), 'rsc_op')
    .filter((op) => op.attrs.operation === 'start' && op.children.length > 0)
    .map((op) => {
      const all = op.children.find((c) => c.tag === 'attributes')?.attrs ?? {};
      const params = Object.fromEntries(Object.entries(all).filter(([k]) => !k.startsWith('CRM_meta_') && k !== 'crm_feature_set'));
      return { rsc: op.children.find((c) => c.tag === 'primitive')!.attrs.id!, node: op.attrs.on_node!, params };
    });
}

/** Where each primitive runs (primitive id → node names), as crm_mon reads the file. */
export function placements(file: string): Map<string, string[]> {
  const r = tool('crm_mon', ['--one-shot', '--output-as=xml'], { CIB_file: file });
  if (r.status !== 0) throw new Error(`crm_mon exited ${r.status}: ${r.stderr}`);
  const out = new Map<string, string[]>();
  const re = /<resource id="([^"]+)"[^>]*role="Started"[^>]*>\s*((?:<node [^>]*\/>\s*)*)/g;
  for (const m of r.stdout.matchAll(re)) {
    const id = m[1]!.replace(/:\d+$/, '');
    const nodes = [...m[2]!.matchAll(/name="([^"]+)"/g)].map((x) => x[1]!);
    out.set(id, [...(out.get(id) ?? []), ...nodes].sort());
  }
  return out;
}

/** A transient node attribute in a CIB file, as an agent on that node would set it. */
export function setNodeAttribute(file: string, node: string, name: string, value: string): void {
  const r = tool('crm_attribute', ['--node', node, '--name', name, '--update', value, '--lifetime', 'reboot'], { CIB_file: file });
  if (r.status !== 0) throw new Error(`crm_attribute exited ${r.status}: ${r.stderr}`);
}

/** A parsed XML element: enough XML for the documents Pacemaker's tools and vcscf write. */
export interface XmlElement {
  tag: string;
  attrs: Record<string, string>;
  children: XmlElement[];
}

function unescape(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-fA-F]+|#\d+);/g, (_, e: string) => {
    if (e === 'lt') return '<';
    if (e === 'gt') return '>';
    if (e === 'amp') return '&';
    if (e === 'quot') return '"';
    if (e === 'apos') return "'";
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}

export function parseXml(text: string): XmlElement {
  const stack: XmlElement[] = [{ tag: '#document', attrs: {}, children: [] }];
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
  for (const m of text.matchAll(re)) {
    if (!m[2]) continue;
    if (m[1]) {
      stack.pop();
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = unescape(a[2] ?? a[3] ?? '');
    const el: XmlElement = { tag: m[2], attrs, children: [] };
    stack[stack.length - 1]!.children.push(el);
    if (!m[4]) stack.push(el);
  }
  return stack[0]!.children[0]!;
}

export function find(el: XmlElement, tag: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement) => {
    if (e.tag === tag) out.push(e);
    e.children.forEach(walk);
  };
  walk(el);
  return out;
}

export function byId(root: XmlElement, id: string): XmlElement | undefined {
  let hit: XmlElement | undefined;
  const walk = (e: XmlElement) => {
    if (hit) return;
    if (e.attrs.id === id) hit = e;
    else e.children.forEach(walk);
  };
  walk(root);
  return hit;
}

/** name → value of the nvpairs directly under an element's blocks of `blockTag`. */
export function nvpairs(el: XmlElement, blockTag: string, filter: (block: XmlElement) => boolean = () => true): Record<string, string> {
  const out: Record<string, string> = {};
  for (const b of el.children.filter((c) => c.tag === blockTag && filter(c))) {
    for (const nv of b.children.filter((c) => c.tag === 'nvpair')) out[nv.attrs.name!] = nv.attrs.value!;
  }
  return out;
}
