/**
 * imf_init, imf_register and imf_getnotification for the LPAR agent,
 * loaded only when one of them runs: a monitor does not pay for the IMF
 * code (sockets, the daemon, the notification sources) at start-up.
 */
import type { ImfRegisterContext, TypeContext } from '../../../framework/agent/define.js';
import type { LparAttributes } from '../resource.js';

type Eps = (typeof import('./entry-points.js'))['lparImfEntryPoints'];
let loaded: Promise<Eps> | undefined;
const load = (): Promise<Eps> => (loaded ??= import('./entry-points.js').then((m) => m.lparImfEntryPoints));

export const lparImf = {
  imf_init: async (ctx: TypeContext) => (await load()).imf_init(ctx),
  imf_register: async (ctx: ImfRegisterContext<LparAttributes>) => (await load()).imf_register(ctx),
  imf_getnotification: async (ctx: TypeContext) => (await load()).imf_getnotification(ctx),
};
