/**
 * migrlpar -o {v | m | s | r} -m SRC [-t TARGET] {-p LPAR | --id ID} [--ip HMC -u USER]
 *          [-n PROFILE] [-i DATA] [-w MINUTES] [-d LEVEL] [--force] [-v] ...
 *
 * `-o v` validates and prints one HSCL line per problem (exit 1);
 * `-o m` validates, then waits for the migration to finish, as the real
 * command does; `-o s` stops a migration in progress; `-o r` recovers a
 * failed one. Success prints nothing.
 */
import { fail, HmcError, msg } from '../hscl.js';
import { ok, parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

const SPEC = {
  '-o': 'value',
  '-m': 'value',
  '-t': 'value',
  '-p': 'value',
  '--id': 'value',
  '--all': 'flag',
  '-n': 'value',
  '--ip': 'value',
  '-u': 'value',
  '-i': 'value',
  '-f': 'value',
  '-w': 'value',
  '-d': 'value',
  '--force': 'flag',
  '-v': 'flag',
  '--nodetails': 'flag',
  '--redundantvios': 'value',
  '--mpio': 'value',
  '--vlanbridge': 'value',
  '--npivval': 'value',
  '--protectstorage': 'value',
  '--vsi': 'value',
  '--async': 'flag',
} as const;

export async function migrlpar(ctx: CommandContext): Promise<CommandResult> {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const op = opts.choice('-o', ['v', 'm', 's', 'r'] as const)!;
  const src = world.requireSystem(opts.need('-m'));
  world.requireConnected(src, ctx.hmcName);
  const p = partitionArg(world, src, opts, '-p');
  const remote = opts.get('--ip');
  if (remote !== undefined) {
    const user = opts.get('-u') ?? ctx.user;
    if (!world.remoteAuth.has(`${remote} ${user}`)) fail(msg.noMasterAuth(user));
  }
  if (op === 's') {
    world.lpm.stop(src, p);
    return ok();
  }
  if (op === 'r') {
    world.lpm.recover(src, p);
    return ok();
  }
  const target = opts.need('-t');
  if (op === 'v') {
    const errors = world.lpm.validate(src, p, target);
    if (errors.length) throw new HmcError(errors);
    return ok();
  }
  const outcome = world.lpm.start(src, p, target);
  if (opts.has('--async')) return ok();
  const errors = await outcome;
  if (errors) throw new HmcError(errors);
  return ok();
}
