/**
 * chsysstate -m SYS -r lpar -o {on|shutdown|osshutdown|dumprestart|chkey} {-n NAME | --id ID | --all}
 *            [-f PROFILE] [-b BOOT_MODE] [-k KEYLOCK] [--immed] [--restart] [--force]
 * chsysstate {-m SYS | --all} -r sys -o {on|onstandby|off} [--immed]
 *
 * Returns once the change is submitted (hmc-facts §2.3): clients poll
 * `lssyscfg -F state`. Success prints nothing.
 */
import { fail, msg } from '../hscl.js';
import { ok, parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

const SPEC = {
  '-m': 'value',
  '-r': 'value',
  '-o': 'value',
  '-n': 'value',
  '--id': 'value',
  '-f': 'value',
  '-b': 'value',
  '-k': 'value',
  '-i': 'value',
  '--immed': 'flag',
  '--restart': 'flag',
  '--force': 'flag',
  '--all': 'flag',
  '--novsi': 'flag',
} as const;

const BOOT_MODES = ['norm', 'dd', 'ds', 'of', 'sms'];

export function chsysstate(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['lpar', 'sys'] as const)!;
  if (res === 'sys') {
    const op = opts.choice('-o', ['on', 'onstandby', 'onstartpolicy', 'off'] as const)!;
    const systems = opts.has('--all') ? world.systems : [world.requireSystem(opts.need('-m'))];
    for (const sys of systems) {
      world.requireConnected(sys, ctx.hmcName);
      if (op === 'off') world.requestPowerOff(sys, opts.has('--immed'));
      else world.powerOn(sys);
    }
    return ok();
  }
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  const op = opts.choice('-o', ['on', 'shutdown', 'osshutdown', 'dumprestart', 'chkey'] as const)!;
  const boot = opts.get('-b');
  if (boot !== undefined && !BOOT_MODES.includes(boot)) fail(msg.missingParam(['-b']));
  if (op === 'on' && opts.has('--all')) {
    for (const p of sys.partitions.filter((q) => q.state === 'Not Activated' && !q.migrationTarget)) world.activate(sys, p, null, boot);
    return ok();
  }
  const p = partitionArg(world, sys, opts, '-n');
  switch (op) {
    case 'on': {
      const profile = opts.get('-f');
      if (profile !== undefined && sys.comanaged) fail(msg.comanagedProfile(sys.name));
      world.activate(sys, p, profile ?? null, boot);
      break;
    }
    case 'shutdown':
      world.shutdown(sys, p, 'delayed', opts.has('--immed'), opts.has('--restart'));
      break;
    case 'osshutdown':
      world.shutdown(sys, p, 'os', opts.has('--immed'), opts.has('--restart'));
      break;
    case 'dumprestart':
      world.shutdown(sys, p, 'delayed', true, true);
      break;
    case 'chkey': {
      const k = opts.choice('-k', ['manual', 'norm'] as const)!;
      p.attrs.set('lpar_keylock', k);
      break;
    }
  }
  return ok();
}
