/**
 * mksyscfg -r {lpar | prof} -m SYS {-f FILE | -i "DATA"}
 * mksyscfg -r prof -m SYS -o save {-p LPAR | --id ID} -n PROFILE [--force]
 *
 * Each record of `-f` (one per line) or the `-i` record creates one partition
 * or profile; success prints nothing.
 */
import { ok, parseOptions, partitionArg, records, type CommandContext, type CommandResult } from './common.js';
import { createLpar, createProfile, saveCurrent } from './syscfg.js';

const SPEC = { '-r': 'value', '-m': 'value', '-f': 'value', '-i': 'value', '-o': 'value', '-p': 'value', '--id': 'value', '-n': 'value', '--force': 'flag' } as const;

export function mksyscfg(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['lpar', 'prof'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  if (opts.has('-o')) {
    opts.choice('-o', ['save'] as const);
    const p = partitionArg(world, sys, opts, '-p');
    saveCurrent(p, opts.need('-n'), opts.has('--force'));
    return ok();
  }
  for (const fields of records(ctx, opts)) {
    if (res === 'lpar') createLpar(world, sys, fields);
    else createProfile(world, sys, fields);
  }
  return ok();
}
