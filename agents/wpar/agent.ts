/**
 * WPAR — AIX system workload partitions as VCS resources (Virtualization
 * Guide for AIX, "Simplified management and high availability for IBM
 * Workload Partitions"), from the global environment with the AIX WPAR
 * commands (lswpar, startwpar, stopwpar, chwpar). The WPAR is named by the
 * group's ContainerInfo (PassCInfo = 1); where its Enabled is 0 or 2 no WPAR
 * is managed (global.ts). Each entry point is its own process and imports
 * only the module it runs.
 */
import { defineAgent } from '../../framework/agent/define.js';
import { wparImf } from './imf.js';
import { type WparAttributes, type WparContext, wparOf } from './resource.js';

const globalMode = () => import('./global.js');

export default defineAgent<WparAttributes>({
  type: 'WPAR',
  entryPoints: {
    async monitor(ctx: WparContext) {
      const w = wparOf(ctx);
      if (w.mode !== 'wpar') return (await globalMode()).globalMonitor(w);
      return (await import('./monitor.js')).monitor(w);
    },
    async online(ctx) {
      const w = wparOf(ctx);
      if (w.mode !== 'wpar') return void (await (await globalMode()).globalOnline(w));
      return (await import('./online.js')).online(w);
    },
    async offline(ctx) {
      const w = wparOf(ctx);
      if (w.mode !== 'wpar') return void (await globalMode()).globalOffline(w);
      return (await import('./offline.js')).offline(w);
    },
    async clean(ctx) {
      const w = wparOf(ctx);
      if (w.mode !== 'wpar') return void (await globalMode()).globalOffline(w);
      return (await import('./offline.js')).clean(w, ctx.cleanReason);
    },
    ...wparImf,
  },
});
