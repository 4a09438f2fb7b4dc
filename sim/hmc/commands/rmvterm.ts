/** rmvterm -m SYS {-p LPAR | --id ID}: closes a partition's virtual console (none is ever open here). */
import { ok, parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

export function rmvterm(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-m': 'value', '-p': 'value', '--id': 'value' });
  const sys = ctx.world.requireSystem(opts.need('-m'));
  ctx.world.requireConnected(sys, ctx.hmcName);
  partitionArg(ctx.world, sys, opts, '-p');
  return ok();
}
