/**
 * The LPAR agent's IMF entry points: registrations name the partition, its
 * HMCs and managed system (target.ts); imf_getnotification watches them with
 * batched HMC polling (hmc-poll-source.ts) — one command per managed system
 * per poll, every VCS_IMF_POLL_INTERVAL seconds (default 5).
 */
import { imfEntryPoints, imfPollInterval } from '../../../framework/imf/entry-points.js';
import type { SourceLogger } from '../../../framework/imf/source.js';
import type { LparAttributes } from '../resource.js';
import { createHmcPollSource } from './hmc-poll-source.js';
import { lparTarget } from './target.js';

export const DEFAULT_POLL_MS = 5000;

export const lparImfEntryPoints = imfEntryPoints<LparAttributes>({
  target: lparTarget,
  source: (ctx) => createHmcPollSource({ intervalMs: imfPollInterval(DEFAULT_POLL_MS), log: ctx.log as unknown as SourceLogger }),
});
