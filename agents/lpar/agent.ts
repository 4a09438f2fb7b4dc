/**
 * LPAR — high availability of managed LPARs from a management LPAR, through
 * the HMC CLI over SSH (Virtualization Guide for AIX, "Virtual machine
 * (logical partition) availability" and "High availability and live
 * migration"). The entry points are thin; each module says what it sends.
 * Each entry point is its own short-lived process, so it imports only the
 * module it runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineAgent, type ResourceContext } from '../../framework/agent/define.js';
import { expectOffline, expectOnline } from './expected-online.js';
import { lparImf } from './imf/index.js';
import type { PartitionRow } from './hmc/queries.js';
import { forgetPhysicalServer, lparOf, physicalServerOf, type Lpar, type LparAttributes } from './resource.js';

async function withLpar<T>(ctx: ResourceContext<LparAttributes>, fn: (l: Lpar) => Promise<T>): Promise<T> {
  const l = await lparOf(ctx);
  try {
    return await fn(l);
  } finally {
    ctx.log.debug({ dbg: 'DBG_5' }, '%d HMC command(s) on %s', l.hmc.commands, l.hmc.hmc ?? 'no HMC');
    await l.hmc.close();
  }
}

/** offline and clean undo online's DR work (VLAN adapters, responder) when there is any. */
async function undoDr(l: Lpar, bestEffort: boolean): Promise<void> {
  if (!existsSync(join(l.ctx.vcs.log, 'tmp', 'LPAR', 'dr'))) return;
  const dr = await import('./dr/index.js');
  if (dr.hasDrState(l)) await dr.drOffline(l, bestEffort);
}

export default defineAgent<LparAttributes>({
  type: 'LPAR',
  // Without a partition and an HMC there is nothing to manage (OCF meta-data marks them required).
  attributeSchemas: { LPARName: { minLength: 1 }, MCName: { minItems: 1 } },
  identity: ['LPARName'],
  // Under Pacemaker: PhysicalServer from a parameter or the node attribute; the HMCs' SSH settings from ssh_config.
  inputs: {
    systemAttributes: { PhysicalServer: 'The managed system this node runs on, as the HMC names it. The node is a management LPAR; the partition is started on this managed system when it is online here.' },
    ssh: true,
  },
  entryPoints: {
    async open(ctx) {
      try {
        const ms = await physicalServerOf(ctx, ctx.system, true);
        ctx.log.info({ msgId: 10148 }, '%s manages LPAR %s on managed system %s', ctx.system, ctx.attributes.LPARName, ms);
      } catch (e) {
        ctx.log.error({ msgId: 38800 }, '%s', e instanceof Error ? e.message : String(e));
      }
      const { blockMigration } = await import('./block-migration.js');
      await blockMigration(ctx);
    },

    async shutdown(ctx) {
      const { unblockMigration } = await import('./block-migration.js');
      await unblockMigration(ctx);
      forgetPhysicalServer(ctx, ctx.system);
      // The HMC connections go with the agent rather than idle on for minutes.
      const pid = await (await import('./hmc/session.js')).retireHmcBroker();
      if (pid) ctx.log.info({ msgId: 51135 }, 'the HMC connection broker (pid %d) exits with the agent', pid);
    },

    monitor: (ctx) => withLpar(ctx, async (l) => (await import('./monitor.js')).monitor(l)),
    online: (ctx) =>
      withLpar(ctx, async (l) => {
        // DROpts and its key are checked before anything starts: refused, nothing starts.
        const dr = Object.keys(ctx.attributes.DROpts ?? {}).length ? await import('./dr/index.js') : undefined;
        const settings = dr?.drSettingsOf(l);
        if (dr && settings) dr.checkKey(l);
        // The VLAN 123 side is in place before the partition boots (its boot service asks at once).
        let served = false;
        const beforeActivation = dr && settings ? [async (lp: Lpar, step: { profile: string; partition: PartitionRow }) => {
          await dr.drBeforeActivation(lp, settings, step);
          served = true;
        }] : [];
        const waitMore = await (await import('./online.js')).online(l, { beforeActivation });
        expectOnline(ctx, ctx.resource);
        if (dr && settings && !served) await dr.drServeRunning(l, settings);
        return waitMore;
      }),
    offline: (ctx) =>
      withLpar(ctx, async (l) => {
        expectOffline(ctx, ctx.resource);
        const code = await (await import('./offline.js')).offline(l);
        await undoDr(l, false);
        return code;
      }),
    clean: (ctx) =>
      withLpar(ctx, async (l) => {
        expectOffline(ctx, ctx.resource);
        try {
          await (await import('./offline.js')).clean(l, ctx.cleanReason);
        } finally {
          await undoDr(l, true);
        }
      }),
    migrate: (ctx) =>
      withLpar(ctx, async (l) => {
        // Gone from here when it succeeds; a failed one leaves it running, and monitor marks it again.
        expectOffline(ctx, ctx.resource);
        const code = await (await import('./migrate.js')).migrate(l, ctx.targetHost);
        // Served from the target's management LPAR from its next monitor; no longer from here.
        if (existsSync(join(l.ctx.vcs.log, 'tmp', 'LPAR', 'dr'))) await (await import('./dr/index.js')).drNotHere(l, ctx.targetHost);
        return code;
      }),

    // DROpts changed while online: served at once (RegList = { DROpts } in types.cf).
    async attr_changed(ctx) {
      if (ctx.changed.attribute === 'DROpts') (await import('./dr/index.js')).drAttrChanged(ctx);
    },

    action: {
      'profile-export': (ctx) => withLpar(ctx, async (l) => (await import('./export.js')).profileExport(l, ctx.args)),
      // The administrator's word where the HMCs cannot tell (docs/lpar.md, "Safety table", row S9).
      'confirm-down': (ctx) => withLpar(ctx, async (l) => (await import('./elsewhere.js')).confirmDown(l, ctx.args)),
    },

    // IMF (agents/lpar/imf): batched HMC polling behind imf_getnotification.
    ...lparImf,
  },
});
