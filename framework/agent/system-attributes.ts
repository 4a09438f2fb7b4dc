/**
 * A cluster system's attributes (PhysicalServer, SysState, ...) as a VCS
 * agent reads them:
 *
 * 1. with `--config main.cf` (outside VCS): from that configuration;
 * 2. under another cluster engine (ctx.engine: Pacemaker through the OCF
 *    face): from it (a node attribute of the same name);
 * 3. under VCS, when the VCS CLI is installed: `hasys -value SYSTEM ATTR`
 *    (`$VCS_HOME/bin/hasys`, else `hasys` on PATH) — the running cluster's
 *    view, including attributes main.cf does not hold (SysState);
 * 4. otherwise from `$VCS_CONF/conf/config/main.cf`.
 *
 * Values come back as VCS prints them: a scalar as is, a list's items joined
 * by spaces; an attribute that is not set is undefined.
 */
import { delimiter, join } from 'node:path';
import type { Config } from '../cf/model.js';
import { AgentError } from '../errors.js';
import { isExecutable } from '../fs.js';
import type { CommandRunner } from './command.js';
import type { ClusterEngine, VcsPaths } from './define.js';

export interface SystemAttributeContext {
  vcs: VcsPaths;
  run: CommandRunner;
  config?: Config;
  engine?: ClusterEngine;
  signal?: AbortSignal;
}

/** `$VCS_HOME/bin/NAME`, else NAME on PATH, else undefined. */
export function findVcsCommand(name: string, vcs: VcsPaths, path = process.env.PATH ?? ''): string | undefined {
  const own = join(vcs.home, 'bin', name);
  if (isExecutable(own)) return own;
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromConfig(config: Config, system: string, attribute: string): Promise<string | undefined> {
  return import('../cf/values.js').then(({ attributeValue, listOf, scalarOf }) => {
    const sys = config.systems.find((s) => s.name === system);
    if (!sys) return undefined;
    const v = attributeValue(sys, attribute);
    const scalar = scalarOf(v);
    if (scalar !== undefined) return String(scalar);
    const list = listOf(v);
    return list === undefined ? undefined : list.map(String).join(' ');
  });
}

let mainCf: Promise<Config> | undefined;

async function localMainCf(vcs: VcsPaths): Promise<Config> {
  const path = join(vcs.conf, 'conf', 'config', 'main.cf');
  const { loadConfig } = await import('../cf/load.js');
  const { config, errors } = loadConfig(path);
  const fatal = errors.find((e) => e.code !== 'VCSPVM_CF_INCLUDE');
  if (fatal) throw new AgentError('VCSPVM_AGENT_FAILED', { entryPoint: 'reading system attributes', resource: path, detail: fatal.message });
  return config;
}

export async function systemAttribute(ctx: SystemAttributeContext, system: string, attribute: string): Promise<string | undefined> {
  if (ctx.config) return fromConfig(ctx.config, system, attribute);
  if (ctx.engine) return ctx.engine.systemAttribute(system, attribute);
  const hasys = findVcsCommand('hasys', ctx.vcs);
  if (hasys) {
    const r = await ctx.run([hasys, '-value', system, attribute], { timeoutMs: 30_000, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    if (r.code !== 0) {
      const detail = (r.stderr.trim() || r.stdout.trim() || `exit ${r.code ?? r.signal}`).split('\n')[0]!;
      throw new AgentError('VCSPVM_AGENT_COMMAND', { command: `hasys -value ${system} ${attribute}`, detail });
    }
    const value = r.stdout.replace(/\r/g, '').split('\n')[0]!.trim();
    return value === '' ? undefined : value;
  }
  mainCf ??= localMainCf(ctx.vcs);
  return fromConfig(await mainCf, system, attribute);
}
