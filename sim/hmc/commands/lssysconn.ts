/**
 * lssysconn -r {all | sys} [-F [names] [--header]]
 *
 * The HMC's connections to the service processors of its managed systems,
 * in the record layout of lssysconn(1) (`resource_type=sys,
 * type_model_serial_num=8286-42A*2100001,sp=primary,...,ipaddr=...,
 * state=Connected`). A system in No Connection shows its connection down.
 */
import type { ManagedSystem } from '../model.js';
import { listing, parseOptions, type CommandContext, type CommandResult, type Row } from './common.js';

function connectionOf(sys: ManagedSystem, state: string): Row {
  const down = state === 'No Connection';
  return {
    pairs: [
      ['resource_type', 'sys'],
      ['type_model_serial_num', `${sys.typeModel}*${sys.serial}`],
      ['sp', 'primary'],
      ['sp_phys_loc', `U78C9.001.${sys.serial}-P1`],
      ['ipaddr', sys.ipaddr],
      ['alt_ipaddr', 'unavailable'],
      ['state', down ? 'No Connection' : 'Connected'],
      ['connection_error_code', down ? 'Connecting  0000-0000-00000000' : ''],
    ],
  };
}

const FIELDS = new Set(['resource_type', 'type_model_serial_num', 'sp', 'sp_phys_loc', 'ipaddr', 'alt_ipaddr', 'state', 'connection_error_code']);

export function lssysconn(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-r': 'value', '-F': 'optional', '--header': 'flag' });
  opts.choice('-r', ['all', 'sys'] as const);
  return listing(ctx.world.systems.map((s) => connectionOf(s, ctx.world.systemState(s, ctx.hmcName))), opts, FIELDS);
}
