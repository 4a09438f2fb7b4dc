/**
 * viosvrcmd -m SYS {-p VIOS | --id ID} -c "COMMAND" [-t TIMEOUT] [--admin]
 *
 * Runs an ioscli command on a Virtual I/O Server over its RMC connection:
 * the VIOS must be running with RMC active. Prints the command's output.
 */
import { fail, msg } from '../hscl.js';
import { Ioscli } from '../vios/ioscli.js';
import { parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

export function viosvrcmd(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-m': 'value', '-p': 'value', '--id': 'value', '-c': 'value', '-t': 'value', '--admin': 'flag' });
  const sys = ctx.world.requireSystem(opts.need('-m'));
  const vios = partitionArg(ctx.world, sys, opts, '-p');
  const command = opts.need('-c');
  if (!vios.vios) fail(msg.notVios(vios.name));
  if (vios.state !== 'Running' || vios.rmcState !== 'active') fail(msg.viosNoRmc(vios.name));
  const r = new Ioscli(sys, vios).run(command);
  return { stdout: r.stdout, status: r.status === 0 ? 0 : 1 };
}
