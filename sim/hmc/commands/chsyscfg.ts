/**
 * chsyscfg -r {lpar | prof | sys} -m SYS {-f FILE | -i "DATA"} [--force]
 * chsyscfg -r lpar -m SYS -o apply {-p LPAR | --id ID} [-n PROFILE]
 */
import { fail, msg } from '../hscl.js';
import { ok, parseOptions, partitionArg, records, type CommandContext, type CommandResult } from './common.js';
import { applyProfile, changeLpar, changeProfile } from './syscfg.js';

const SPEC = { '-r': 'value', '-m': 'value', '-e': 'value', '-f': 'value', '-i': 'value', '-o': 'value', '-p': 'value', '--id': 'value', '-n': 'value', '--force': 'flag' } as const;

export function chsyscfg(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['lpar', 'prof', 'sys'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  if (opts.has('-o')) {
    opts.choice('-o', ['apply'] as const);
    if (res !== 'lpar') fail(msg.missingParam(['-r']));
    const p = partitionArg(world, sys, opts, '-p');
    applyProfile(world, sys, p, opts.get('-n') ?? p.defaultProfile);
    return ok();
  }
  for (const fields of records(ctx, opts)) {
    if (res === 'lpar') changeLpar(world, sys, fields);
    else if (res === 'prof') changeProfile(world, sys, fields);
    else {
      for (const f of fields) {
        if (f.name === 'name') continue;
        if (f.name !== 'new_name') fail(msg.invalidAttr(f.name));
        if (world.findSystem(f.value)) fail(msg.badValue('new_name', f.value, 'a managed system with that name exists'));
        sys.name = f.value;
      }
    }
  }
  return ok();
}
