/**
 * lscomgmt -m SYS: the co-management settings of a managed system.
 * fence_lpar (PR #460) omits `-f PROFILE` when `,curr_master_mtms=X,` has a
 * value: a system co-managed by a NovaLink partition; for an HMC-only system
 * the master fields are empty.
 */
import { formatRecord } from '../format.js';
import { ok, parseOptions, type CommandContext, type CommandResult } from './common.js';

export function lscomgmt(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-m': 'value', '-F': 'optional', '--header': 'flag' });
  const sys = ctx.world.requireSystem(opts.need('-m'));
  ctx.world.requireConnected(sys, ctx.hmcName);
  const master = sys.comanaged ? sys.partitions.find((p) => p.env === 'aixlinux') : undefined;
  const pairs: Array<[string, string]> = [
    ['is_master_mode_supported', '1'],
    ['curr_master_name', master ? `${master.name}` : ''],
    ['curr_master_mtms', master ? `${sys.typeModel}*${sys.serial}` : ''],
    ['curr_master_type', master ? 'norm' : 'none'],
    ['pend_master_mtms', ''],
  ];
  return ok(formatRecord(pairs) + '\n');
}
