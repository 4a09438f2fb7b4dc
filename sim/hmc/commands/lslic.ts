/**
 * lslic -m SYS [-t {sys | syspower | power}] [-F [names] [--header]]
 *
 * The Licensed Internal Code (firmware) levels of a managed system, in the
 * attribute names of the HMC's lslic(1) (`activated_level`,
 * `curr_ecnumber_primary`...), which inventory scripts read with -F. The
 * levels are the simulator's: a plausible service pack for the system's
 * processor generation.
 */
import { fail, msg } from '../hscl.js';
import type { ManagedSystem } from '../model.js';
import { listing, parseOptions, type CommandContext, type CommandResult } from './common.js';

/** Firmware by machine type: release name, EC number and level of a service pack of that generation. */
function firmwareOf(sys: ManagedSystem): { sp: string; ec: string; level: string } {
  const type = sys.typeModel.slice(0, 4);
  if (['8284', '8286', '8247', '8408', '9119', '8246'].includes(type)) return { sp: 'FW860.B3', ec: '01SV860', level: '245' };
  if (['9105', '9786', '9043', '9824'].includes(type)) return { sp: 'FW1050.10', ec: '01ML1050', level: '75' };
  return { sp: 'FW950.A0', ec: '01VL950', level: '145' };
}

function rowOf(sys: ManagedSystem, type: 'sys' | 'syspower'): Array<[string, string]> {
  const { sp, ec, level } = firmwareOf(sys);
  const side = (which: 'primary' | 'secondary'): Array<[string, string]> => [
    [`curr_level_${which}`, level],
    [`curr_spname_${which}`, sp],
    [`curr_ecnumber_${which}`, ec],
    [`curr_power_on_side_${which}`, 'temp'],
    [`pend_power_on_side_${which}`, 'temp'],
    [`temp_level_${which}`, level],
    [`temp_spname_${which}`, sp],
    [`temp_ecnumber_${which}`, ec],
    [`perm_level_${which}`, level],
    [`perm_spname_${which}`, sp],
    [`perm_ecnumber_${which}`, ec],
    [`update_control_${which}`, 'HMC'],
  ];
  return [
    ['lic_type', type === 'sys' ? 'Managed System' : 'Managed System and Power'],
    ['management_status', 'Enabled'],
    ['disabled_reason', ''],
    ['activated_level', level],
    ['activated_spname', sp],
    ['installed_level', level],
    ['installed_spname', sp],
    ['accepted_level', level],
    ['accepted_spname', sp],
    ['ecnumber', ec],
    ['mtms', `${sys.typeModel}*${sys.serial}`],
    ['deferred_level', 'None'],
    ['deferred_spname', 'None'],
    ['platform_ipl_level', level],
    ['platform_ipl_spname', sp],
    ...side('primary'),
    ...side('secondary'),
  ];
}

export function lslic(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-m': 'value', '-t': 'value', '-F': 'optional', '--header': 'flag' });
  const sys = ctx.world.requireSystem(opts.need('-m'));
  const type = opts.choice('-t', ['sys', 'syspower', 'power'] as const, false) ?? 'sys';
  // No frame with a bulk power assembly in the simulated world: there is no power code to list.
  if (type === 'power') return fail(msg.missingParam(['-t']));
  if (sys.state === 'No Connection' || sys.state === 'Error' || sys.state === 'Incomplete') fail(msg.sysWrongState(sys.name, sys.state));
  const pairs = rowOf(sys, type);
  return listing([{ pairs }], opts, new Set(pairs.map(([k]) => k)));
}
