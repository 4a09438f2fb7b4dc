/**
 * LPAR — high availability of managed LPARs from a management LPAR, through
 * the HMC CLI over SSH (Virtualization Guide for AIX, "Virtual machine
 * (logical partition) availability" and "High availability and live
 * migration"). The entry points are thin; each module says what it sends.
 * Each entry point is its own short-lived process, so it imports only the
 * module it runs.
 */
import { defineAgent, type ResourceContext } from '../../framework/agent/define.js';
import { expectOffline, expectOnline } from './expected-online.js';
import { lparImf } from './imf/index.js';
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

export default defineAgent<LparAttributes>({
  type: 'LPAR',
  entryPoints: {
    async open(ctx) {
      try {
        const ms = await physicalServerOf(ctx, ctx.system, true);
        ctx.log.info('%s manages LPAR %s on managed system %s', ctx.system, ctx.attributes.LPARName, ms);
      } catch (e) {
        ctx.log.error('%s', e instanceof Error ? e.message : String(e));
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
      if (pid) ctx.log.info('the HMC connection broker (pid %d) exits with the agent', pid);
    },

    monitor: (ctx) => withLpar(ctx, async (l) => (await import('./monitor.js')).monitor(l)),
    online: (ctx) =>
      withLpar(ctx, async (l) => {
        const waitMore = await (await import('./online.js')).online(l);
        expectOnline(ctx, ctx.resource);
        return waitMore;
      }),
    offline: (ctx) =>
      withLpar(ctx, async (l) => {
        expectOffline(ctx, ctx.resource);
        return (await import('./offline.js')).offline(l);
      }),
    clean: (ctx) =>
      withLpar(ctx, async (l) => {
        expectOffline(ctx, ctx.resource);
        return (await import('./offline.js')).clean(l, ctx.cleanReason);
      }),
    migrate: (ctx) =>
      withLpar(ctx, async (l) => {
        // Gone from here when it succeeds; a failed one leaves it running, and monitor marks it again.
        expectOffline(ctx, ctx.resource);
        return (await import('./migrate.js')).migrate(l, ctx.targetHost);
      }),

    action: {
      'profile-export': (ctx) => withLpar(ctx, async (l) => (await import('./export.js')).profileExport(l, ctx.args)),
    },

    // IMF (agents/lpar/imf): batched HMC polling behind imf_getnotification.
    ...lparImf,
  },
});
