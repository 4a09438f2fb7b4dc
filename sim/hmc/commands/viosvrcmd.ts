/**
 * viosvrcmd -m SYS {-p VIOS | --id ID} -c "COMMAND" [-t TIMEOUT] [--admin]
 *
 * Runs an ioscli command on a Virtual I/O Server over its RMC connection:
 * the VIOS must be running with RMC active. Prints the command's output.
 */
import { fail, msg } from '../hscl.js';
import { Ioscli } from '../vios/ioscli.js';
import { parseOptions, partitionArg, type CommandContext, type CommandResult } from './common.js';

export async function viosvrcmd(ctx: CommandContext): Promise<CommandResult> {
  const opts = parseOptions(ctx.args, { '-m': 'value', '-p': 'value', '--id': 'value', '-c': 'value', '-t': 'value', '--admin': 'flag' });
  const sys = ctx.world.requireSystem(opts.need('-m'));
  ctx.world.requireConnected(sys, ctx.hmcName);
  const vios = partitionArg(ctx.world, sys, opts, '-p');
  const command = opts.need('-c');
  if (!vios.vios) fail(msg.notVios(vios.name));
  if (vios.state !== 'Running' || vios.rmcState !== 'active') fail(msg.viosNoRmc(vios.name));
  // vios-slow: the VIOS takes this long over every command (cfgdev on a busy VIOS takes minutes).
  const slow = ctx.world.viosLatencyMs.get(`${sys.name}/${vios.name}`) ?? 0;
  if (slow > 0) {
    await new Promise<void>((r) => setTimeout(r, slow).unref());
    if (vios.state !== 'Running' || vios.rmcState !== 'active') fail(msg.viosNoRmc(vios.name));
  }
  const r = new Ioscli(sys, vios).run(command);
  return { stdout: r.stdout, status: r.status === 0 ? 0 : 1 };
}
