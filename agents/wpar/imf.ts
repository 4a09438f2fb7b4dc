/**
 * imf_init, imf_register and imf_getnotification of the WPAR agent: the
 * framework's lswpar polling source (framework/imf/wpar-source.ts, one
 * `lswpar -c -q` per poll for every WPAR of the host, every
 * VCS_IMF_POLL_INTERVAL seconds, default 5). Loaded only when one runs.
 */
import type { ImfRegisterContext, TypeContext } from '../../framework/agent/define.js';
import type { SourceLogger } from '../../framework/imf/source.js';
import type { WparAttributes } from './resource.js';

const DEFAULT_POLL_MS = 5000;

async function load() {
  const [{ imfEntryPoints, imfPollInterval }, { createWparSource, wparTarget }, { wparOf, wparError }] = await Promise.all([
    import('../../framework/imf/entry-points.js'),
    import('../../framework/imf/wpar-source.js'),
    import('./resource.js'),
  ]);
  const path = process.env.PATH ? `${process.env.PATH}:/usr/sbin` : '/usr/sbin:/usr/bin:/bin';
  return imfEntryPoints<WparAttributes>({
    target: (ctx) => {
      const w = wparOf(ctx);
      // No WPAR here (ContainerInfo Enabled 0 or 2): nothing to watch; the framework polls (VCF704 asks for Mode 0).
      if (w.mode !== 'wpar') throw wparError(w.name, `not used on ${ctx.system} (ContainerInfo Enabled ${ctx.containerInfo?.Enabled}): set IMF Mode 0 for this system`);
      return wparTarget(w.name);
    },
    source: (ctx) => createWparSource({ intervalMs: imfPollInterval(DEFAULT_POLL_MS), log: ctx.log as unknown as SourceLogger, env: { ...process.env, PATH: path } }),
  });
}

let loaded: ReturnType<typeof load> | undefined;

export const wparImf = {
  imf_init: async (ctx: TypeContext) => (await (loaded ??= load())).imf_init(ctx),
  imf_register: async (ctx: ImfRegisterContext<WparAttributes>) => (await (loaded ??= load())).imf_register(ctx),
  imf_getnotification: async (ctx: TypeContext) => (await (loaded ??= load())).imf_getnotification(ctx),
};
