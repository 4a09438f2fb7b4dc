/**
 * rmsyscfg -r lpar -m SYS {-n LPAR | --id ID} [--vioscfg] [--vdisk]
 * rmsyscfg -r prof -m SYS -n PROFILE {-p LPAR | --id ID}
 *
 * A partition must be Not Activated. `--vioscfg` also removes the VIOS
 * server adapters that served it, with their mappings (HMC V9R1M930+).
 */
import { fail, msg } from '../hscl.js';
import { ok, parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

const SPEC = { '-r': 'value', '-m': 'value', '-n': 'value', '--id': 'value', '-p': 'value', '--vioscfg': 'flag', '--vdisk': 'flag', '--force': 'flag' } as const;

export function rmsyscfg(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['lpar', 'prof'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  if (res === 'lpar') {
    const p = partitionArg(world, sys, opts, '-n');
    world.removePartition(sys, p, opts.has('--vioscfg') || opts.has('--vdisk'));
    return ok();
  }
  const p = partitionArg(world, sys, opts, '-p');
  const name = opts.need('-n');
  const prof = world.requireProfile(p, name);
  if (p.defaultProfile === name) fail(msg.defaultProfile(name, p.name));
  p.profiles.splice(p.profiles.indexOf(prof), 1);
  if (p.currProfile === name) p.currProfile = p.defaultProfile;
  return ok();
}
