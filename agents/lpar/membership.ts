/**
 * Cluster membership, as the safety rule (safety.ts) needs it: is the
 * management LPAR of a managed system still a running member of the
 * cluster? A whole server that lost power shows No Connection on the HMC
 * like a server whose service processor link alone was lost; only the
 * cluster can tell the two apart (its node there is gone, or not).
 *
 * The source is pluggable: `MEMBERSHIP_SOURCES` maps a name to a factory,
 * chosen with VCSPVM_MEMBERSHIP (default `vcs`; under another cluster
 * engine, `engine`: Pacemaker's node states through the OCF face,
 * framework/ocf/pacemaker.ts). Sources only read; every failure is
 * `unknown`, never `down`.
 */
import type { BaseContext } from '../../framework/agent/define.js';
import { findVcsCommand } from '../../framework/agent/system-attributes.js';

/**
 * - `up`: a running member (or a state that does not prove it gone: joining,
 *   leaving on purpose, stopped by an administrator — EXITED keeps its
 *   resources running after `hastop -local -force`);
 * - `down`: it left the cluster without saying so (VCS: FAULTED);
 * - `unknown`: the cluster could not be asked, or does not know the node.
 */
export type NodeState = 'up' | 'down' | 'unknown';

export interface Membership {
  /** Where the answers come from, for the log ("VCS (hasys -state)"). */
  readonly source: string;
  /** Every cluster node with its state (empty when the cluster cannot be asked). */
  nodes(): Promise<Map<string, { state: NodeState; detail: string }>>;
}

/** What a source may use: VCS's paths, a command runner, the log. */
export type MembershipContext = Pick<BaseContext, 'vcs' | 'run' | 'log' | 'engine'> & { signal?: AbortSignal };

export type MembershipFactory = (ctx: MembershipContext, env: Readonly<Record<string, string | undefined>>) => Membership;

/** VCS SysState values that prove a node gone: it faulted out of the membership. */
const VCS_DOWN = new Set(['FAULTED']);
/** SysState values of a node that is, or may still be, up (VCS Administrator's Guide, system states). */
const VCS_UP = new Set([
  'RUNNING', 'ADMIN_WAIT', 'CURRENT_DISCOVER_WAIT', 'CURRENT_PEER_WAIT', 'EXITING', 'EXITED', 'EXITING_FORCIBLY', 'INITING',
  'LEAVING', 'LOCAL_BUILD', 'REMOTE_BUILD', 'STALE_ADMIN_WAIT', 'STALE_DISCOVER_WAIT', 'STALE_PEER_WAIT',
]);

export function vcsNodeState(sysState: string): NodeState {
  if (VCS_DOWN.has(sysState)) return 'down';
  if (VCS_UP.has(sysState)) return 'up';
  return 'unknown';
}

/**
 * `hasys -state` lists every system of the cluster with its SysState:
 *   #System    Attribute          Value
 *   sysA       SysState           RUNNING
 */
export function parseHasysState(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.replace(/\r/g, '').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(\S+)\s+SysState\s+(\S+)/.exec(t);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

/** VCS: one `hasys -state` ($VCS_HOME/bin/hasys, else on PATH) for every node. */
export const vcsMembership: MembershipFactory = (ctx) => {
  let cached: Promise<Map<string, { state: NodeState; detail: string }>> | undefined;
  return {
    source: 'VCS (hasys -state)',
    nodes() {
      cached ??= (async () => {
        const hasys = findVcsCommand('hasys', ctx.vcs);
        const out = new Map<string, { state: NodeState; detail: string }>();
        if (!hasys) return out;
        try {
          const r = await ctx.run([hasys, '-state'], { timeoutMs: 30_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
          if (r.code !== 0) {
            ctx.log.warn({ msgId: 45607 }, 'hasys -state failed (%s): cluster membership unknown', (r.stderr || r.stdout).trim().split('\n')[0] || `exit ${r.code}`);
            return out;
          }
          for (const [node, sysState] of parseHasysState(r.stdout)) out.set(node, { state: vcsNodeState(sysState), detail: sysState });
        } catch (e) {
          ctx.log.warn({ msgId: 27099 }, 'hasys -state: %s: cluster membership unknown', e instanceof Error ? e.message : String(e));
        }
        return out;
      })();
      return cached;
    },
  };
};

/** No cluster to ask (by hand, or VCSPVM_MEMBERSHIP=none): every node unknown, so nothing is taken for down. */
export const noMembership: MembershipFactory = () => ({ source: 'none', nodes: async () => new Map() });

/** The cluster engine the entry point runs under when it is not VCS (ctx.engine: Pacemaker through the OCF face): its node states. */
export const engineMembership: MembershipFactory = (ctx) => ({
  source: `${ctx.engine?.name ?? 'no cluster engine'} (node states)`,
  nodes: async () => (ctx.engine?.nodes ? ctx.engine.nodes() : new Map()),
});

/** The membership sources by name. */
export const MEMBERSHIP_SOURCES: Record<string, MembershipFactory> = { vcs: vcsMembership, none: noMembership, engine: engineMembership };

/** The source VCSPVM_MEMBERSHIP names (default: engine under another cluster engine, else vcs); an unknown name is none, with a warning. */
export function membershipOf(ctx: MembershipContext, env: Readonly<Record<string, string | undefined>> = process.env): Membership {
  const name = env.VCSPVM_MEMBERSHIP || (ctx.engine?.nodes ? 'engine' : 'vcs');
  const factory = Object.hasOwn(MEMBERSHIP_SOURCES, name) ? MEMBERSHIP_SOURCES[name]! : undefined;
  if (!factory) {
    ctx.log.warn({ msgId: 12029 }, 'VCSPVM_MEMBERSHIP=%s is not one of %s: cluster membership is taken as unknown', name, Object.keys(MEMBERSHIP_SOURCES).join(', '));
    return noMembership(ctx, env);
  }
  return factory(ctx, env);
}
