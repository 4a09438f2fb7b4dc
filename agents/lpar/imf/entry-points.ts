/**
 * The LPAR agent's IMF entry points: registrations name the partition, its
 * HMCs and managed system (target.ts); imf_getnotification watches them
 * through the HMC REST event feed where hmc-rest.json gives credentials
 * (rest-feed-source.ts), and otherwise by batched HMC polling over SSH
 * (hmc-poll-source.ts) — one command per managed system per poll, every
 * VCS_IMF_POLL_INTERVAL seconds (default 5).
 */
import type { TypeContext } from '../../../framework/agent/define.js';
import { imfEntryPoints, imfPollInterval } from '../../../framework/imf/entry-points.js';
import type { SourceLogger } from '../../../framework/imf/source.js';
import type { LparAttributes } from '../resource.js';
import { createHmcPollSource } from './hmc-poll-source.js';
import { LparImfSource } from './lpar-source.js';
import { loadRestConfig, restConfigPath } from './rest-config.js';
import { RestFeedSource } from './rest-feed-source.js';
import { lparTarget } from './target.js';

export const DEFAULT_POLL_MS = 5000;

function source(ctx: TypeContext): LparImfSource {
  const log = ctx.log as unknown as SourceLogger;
  const cli = createHmcPollSource({ intervalMs: imfPollInterval(DEFAULT_POLL_MS), log });
  const path = restConfigPath();
  let rest: RestFeedSource | undefined;
  try {
    const endpoints = loadRestConfig(path);
    if (endpoints && endpoints.size > 0) {
      rest = new RestFeedSource({ endpoints: (names) => names.map((n) => endpoints.get(n)).filter((e) => e !== undefined), log });
      ctx.log.info({ msgId: 44539 }, 'HMC REST event feed for %s (from %s); SSH polling for the other HMCs', [...endpoints.keys()].join(', '), path);
    }
  } catch (e) {
    // A bad credentials file must not stop IMF: poll over SSH instead, and say why.
    ctx.log.error({ msgId: 46136 }, '%s: polling over SSH instead', e instanceof Error ? e.message : String(e));
  }
  return new LparImfSource(cli, rest);
}

export const lparImfEntryPoints = imfEntryPoints<LparAttributes>({ target: lparTarget, source });
