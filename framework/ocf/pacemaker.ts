/**
 * Pacemaker as the cluster engine of an entry point (ctx.engine): what VCS's
 * CLI answers under VCS, asked of Pacemaker's own tools.
 *
 * - A system attribute (VCS: `hasys -value SYSTEM ATTR`) is the node
 *   attribute of the same name, `crm_attribute --node NODE --name ATTR
 *   --query --quiet` (a permanent node attribute: `pcs node attribute NODE
 *   ATTR=VALUE`); for the local node, a parameter of that name given to the
 *   resource comes first.
 * - Node states (VCS: `hasys -state`) come from `crm_mon --one-shot
 *   --output-as=xml --fence-history=2`: see nodeStateOf for what counts as
 *   down.
 *
 * Every command is bounded; a node attribute that is not set is undefined, a
 * cluster that cannot be asked is an error for attributes (the entry point
 * says what to set) and an empty node list for states (nothing is taken for
 * down).
 */
import type { CommandRunner } from '../agent/command-types.js';
import type { ClusterEngine, ClusterNodeState } from '../agent/define.js';
import type { AgentLogger } from '../agent/log.js';
import { AgentError, isVcsPowervmError } from '../errors.js';

/** crm_attribute's exit code for "no such attribute" (CRM_EX_NOSUCH, ENXIO). */
const CRM_EX_NOSUCH = 105;
const COMMAND_TIMEOUT_MS = 30_000;

export interface PacemakerEngineOptions {
  run: CommandRunner;
  /** This node's name in the cluster. */
  localNode: string;
  /** System attributes given to the resource as parameters: they describe the local node. */
  overrides?: ReadonlyMap<string, string>;
  log?: AgentLogger;
  signal?: AbortSignal;
}

const firstLine = (s: string) => s.replace(/\r/g, '').trim().split('\n')[0] ?? '';

/** XML attributes of one start tag, unescaped (crm_mon writes them double-quoted). */
export function xmlAttributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([A-Za-z_][\w.:-]*)="([^"]*)"/g)) {
    out[m[1]!] = m[2]!.replace(/&(lt|gt|quot|apos|amp|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) =>
      dec ? String.fromCodePoint(Number(dec)) : hex ? String.fromCodePoint(parseInt(hex, 16)) : ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' } as Record<string, string>)[name]!,
    );
  }
  return out;
}

/**
 * A node of crm_mon's XML as a cluster node state:
 * - online: up;
 * - offline and unclean (lost without leaving, not fenced yet), or offline
 *   while the cluster expected it up: down — it left without saying so,
 *   VCS's FAULTED;
 * - offline and fenced: down — Pacemaker's fence history holds a successful
 *   fencing of it (by a fence device, or an administrator's `stonith_admin
 *   --confirm NODE`); after fencing, crm_mon shows a node as it shows one
 *   that left on purpose, so only the history tells them apart;
 * - offline otherwise (left on purpose, `pcs cluster stop`, or never
 *   joined): up — that proves nothing about its server, as VCS's EXITED;
 * - pending (joining): up.
 */
export function nodeStateOf(a: Readonly<Record<string, string>>, fenced?: string): ClusterNodeState {
  const yes = (k: string) => a[k] === 'true';
  if (yes('online')) {
    const notes = ['standby', 'maintenance', 'shutdown'].filter(yes);
    return { state: 'up', detail: notes.length ? `online (${notes.join(', ')})` : 'online' };
  }
  if (yes('unclean')) return { state: 'down', detail: 'offline, unclean (lost, not fenced yet)' };
  if (yes('pending')) return { state: 'up', detail: 'pending (joining)' };
  if (yes('expected_up')) return { state: 'down', detail: 'offline (lost)' };
  if (fenced !== undefined) return { state: 'down', detail: `offline, fenced (${fenced})` };
  return { state: 'up', detail: 'offline (left the cluster on purpose, or never joined)' };
}

/** Every node crm_mon lists, with its state; `<fence_history>` (crm_mon --fence-history=2) says which were fenced. */
export function parseCrmMonNodes(xml: string): Map<string, ClusterNodeState> {
  const fenced = new Map<string, { when: string; text: string }>();
  const history = /<fence_history[^>]*>([\s\S]*?)<\/fence_history>/.exec(xml)?.[1] ?? '';
  for (const m of history.matchAll(/<fence_event\s[^>]*>/g)) {
    const e = xmlAttributes(m[0]);
    if (!e.target || e.status !== 'success' || (e.action !== 'off' && e.action !== 'reboot')) continue;
    const when = e.completed ?? '';
    // The latest success (crm_mon lists newest first, but nothing here depends on it).
    if ((fenced.get(e.target)?.when ?? '') <= when) fenced.set(e.target, { when, text: `${e.action} by ${e.delegate ?? e.origin ?? 'the fencer'}${when ? ` at ${when}` : ''}` });
  }
  const out = new Map<string, ClusterNodeState>();
  const section = /<nodes>([\s\S]*?)<\/nodes>/.exec(xml)?.[1] ?? '';
  for (const m of section.matchAll(/<node\s[^>]*>/g)) {
    const a = xmlAttributes(m[0]);
    if (a.name) out.set(a.name, nodeStateOf(a, fenced.get(a.name)?.text));
  }
  return out;
}

export function pacemakerEngine(o: PacemakerEngineOptions): ClusterEngine {
  const run = (argv: string[]) => o.run(argv, { timeoutMs: COMMAND_TIMEOUT_MS, ...(o.signal ? { signal: o.signal } : {}) });
  let nodes: Promise<Map<string, ClusterNodeState>> | undefined;
  return {
    name: 'Pacemaker',

    async systemAttribute(system, attribute) {
      if (system === o.localNode && o.overrides?.has(attribute)) return o.overrides.get(attribute) || undefined;
      const argv = ['crm_attribute', '--node', system, '--name', attribute, '--query', '--quiet'];
      let r;
      try {
        r = await run(argv);
      } catch (e) {
        const detail = isVcsPowervmError(e) ? e.message : String(e);
        throw new AgentError('VCSPVM_AGENT_COMMAND', { command: argv.join(' '), detail: `${detail} (give ${attribute} as a parameter of the resource, or install Pacemaker's command line tools)` });
      }
      if (r.code === 0) return firstLine(r.stdout) || undefined;
      if (r.code === CRM_EX_NOSUCH) return undefined;
      const why = firstLine(r.stderr) || firstLine(r.stdout) || (r.timedOut ? 'timed out' : `exit ${r.code ?? r.signal}`);
      throw new AgentError('VCSPVM_AGENT_COMMAND', { command: argv.join(' '), detail: `${why} (is the cluster running? ${attribute} may also be given as a parameter of the resource)` });
    },

    nodes() {
      nodes ??= (async () => {
        try {
          const r = await run(['crm_mon', '--one-shot', '--output-as=xml', '--fence-history=2']);
          if (r.code === 0) return parseCrmMonNodes(r.stdout);
          o.log?.warn('crm_mon failed (%s): cluster node states unknown', firstLine(r.stderr) || `exit ${r.code ?? r.signal}`);
        } catch (e) {
          o.log?.warn('crm_mon: %s: cluster node states unknown', e instanceof Error ? e.message : String(e));
        }
        return new Map();
      })();
      return nodes;
    },
  };
}
