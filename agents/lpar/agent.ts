/**
 * LPAR — high availability of managed LPARs from a management LPAR, through
 * the HMC CLI over SSH (Virtualization Guide for AIX, "Virtual machine
 * (logical partition) availability" and "High availability and live
 * migration"). The entry points are thin; each module says what it sends.
 */
import { defineAgent, type ResourceContext } from '../../framework/agent/define.js';
import { blockMigration, unblockMigration } from './block-migration.js';
import { profileExport } from './export.js';
import { lparImf } from './imf/index.js';
import { migrate } from './migrate.js';
import { monitor } from './monitor.js';
import { clean, offline } from './offline.js';
import { online } from './online.js';
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
      await blockMigration(ctx);
    },

    async shutdown(ctx) {
      await unblockMigration(ctx);
      forgetPhysicalServer(ctx, ctx.system);
    },

    monitor: (ctx) => withLpar(ctx, monitor),
    online: (ctx) => withLpar(ctx, online),
    offline: (ctx) => withLpar(ctx, offline),
    clean: (ctx) => withLpar(ctx, (l) => clean(l, ctx.cleanReason)),
    migrate: (ctx) => withLpar(ctx, (l) => migrate(l, ctx.targetHost)),

    action: {
      'profile-export': (ctx) => withLpar(ctx, (l) => profileExport(l, ctx.args)),
    },

    // IMF (agents/lpar/imf): batched HMC polling behind imf_getnotification.
    ...lparImf,
  },
});
