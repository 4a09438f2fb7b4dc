/**
 * The three IMF entry points for an agent built with defineAgent():
 *
 *   export default defineAgent({
 *     type: 'WPAR',
 *     entryPoints: {
 *       monitor, online, offline, clean,
 *       ...imfEntryPoints({
 *         target: (ctx) => wparTarget(ctx.attributes.WPARName),
 *         source: (ctx) => createWparSource({ intervalMs: imfPollInterval(ctx, 5000) }),
 *       }),
 *     },
 *   });
 *
 * imf_init TYPE                prepares the owner-only IMF directory.
 * imf_register RES SWITCH STATE ArgList
 *                              asks imf_getnotification (over its socket) to
 *                              start or stop watching RES; writes the
 *                              resource ID on the pipe; fails (exit 1) when
 *                              nothing serves the socket, and the framework
 *                              then polls.
 * imf_getnotification TYPE     runs the daemon (daemon.ts) until the
 *                              framework stops it (SIGTERM: exit 3) or goes
 *                              away; 4 when it cannot serve at all.
 */
import type { ImfRegisterContext, TypeContext } from '../agent/define.js';
import { imfRequest } from './client.js';
import { ImfDaemon } from './daemon.js';
import { ImfError } from './errors.js';
import { ensurePrivateDir, imfDir, socketPath } from './paths.js';
import { openPipeChannel, writePipeLine } from './pipe.js';
import type { WatchTarget } from './protocol.js';
import type { NotificationSource, SourceLogger } from './source.js';

export interface ImfAgentDefinition<A extends object> {
  /** imf_register: what to watch for this resource (may ask the managed system, say). */
  target(ctx: ImfRegisterContext<A>): WatchTarget | Promise<WatchTarget>;
  /** imf_getnotification: the source that watches this type's registrations. */
  source(ctx: TypeContext): NotificationSource | Promise<NotificationSource>;
}

/**
 * The poll interval of a polling source: VCS_IMF_POLL_INTERVAL (seconds,
 * decimals allowed) from the environment, else `defaultMs`.
 */
export function imfPollInterval(defaultMs: number, env: NodeJS.ProcessEnv = process.env): number {
  const v = Number(env.VCS_IMF_POLL_INTERVAL);
  return Number.isFinite(v) && v > 0 ? Math.round(v * 1000) : defaultMs;
}

function sourceLogger(ctx: TypeContext): SourceLogger {
  const l = ctx.log as unknown as SourceLogger;
  return l;
}

export function imfEntryPoints<A extends object>(def: ImfAgentDefinition<A>) {
  return {
    async imf_init(ctx: TypeContext): Promise<number> {
      ensurePrivateDir(imfDir());
      ctx.log.debug({ dbg: 'AGINFO' }, 'IMF directory %s ready', imfDir());
      return 0;
    },

    async imf_register(ctx: ImfRegisterContext<A>): Promise<number> {
      const socket = socketPath(imfDir(), ctx.type);
      const opts = { signal: ctx.signal, timeoutMs: Math.max(1000, (ctx.timeoutSeconds || 30) * 1000 - 500) };
      if (ctx.imf.monitor === 'stop') {
        try {
          const res = await imfRequest(socket, ctx.type, { op: 'unregister', resource: ctx.resource }, opts);
          if (res.ok && res.id) writePipeLine(res.id);
        } catch (e) {
          // Nothing serves the socket: nothing is registered either.
          if (!(e instanceof ImfError && e.code === 'VCSPVM_IMF_UNAVAILABLE')) throw e;
          ctx.log.info('%s', e.message);
        }
        return 0;
      }
      const target = await def.target(ctx);
      const res = await imfRequest(socket, ctx.type, { op: 'register', resource: ctx.resource, state: ctx.imf.state, target }, opts);
      if (!res.ok) throw new ImfError('VCSPVM_IMF_REFUSED', { type: ctx.type, op: 'registration of', resource: ctx.resource, detail: res.error });
      if (!res.id) throw new ImfError('VCSPVM_IMF_PROTOCOL', { what: 'registration', detail: 'no resource ID in the answer' });
      writePipeLine(res.id);
      return 0;
    },

    async imf_getnotification(ctx: TypeContext): Promise<number> {
      const pipe = openPipeChannel();
      let source: NotificationSource;
      try {
        source = await def.source(ctx);
      } catch (e) {
        ctx.log.error('cannot start the notification source: %s', e instanceof Error ? e.message : String(e));
        pipe.close();
        return 4;
      }
      const daemon = new ImfDaemon({ type: ctx.type, dir: imfDir(), source, write: (l) => pipe.write(l), log: sourceLogger(ctx) });
      try {
        await daemon.start();
      } catch (e) {
        ctx.log.error('%s', e instanceof Error ? e.message : String(e));
        await source.close().catch(() => undefined);
        pipe.close();
        return e instanceof ImfError && e.code === 'VCSPVM_IMF_ALREADY_RUNNING' ? 1 : 4;
      }
      const stopped = new Promise<'signal'>((r) => ctx.signal.addEventListener('abort', () => r('signal'), { once: true }));
      const why = await Promise.race([stopped, pipe.gone.then(() => 'framework-gone' as const)]);
      ctx.log.info('imf_getnotification stopping: %s', why === 'signal' ? 'told to stop' : 'the agent framework went away');
      await daemon.stop();
      pipe.close();
      return why === 'signal' ? 3 : 0;
    },
  };
}
