/**
 * lshmcusr [-t user] [--filter "names=NAME,..."] [-F [names] [--header]]
 * lshmcusr -t default
 *
 * The HMC's users (the world's accounts) with the attributes of the V8
 * capture in hmc-facts §5.1 (`name=hscroot,taskrole=hmcsuperadmin,
 * description=HMC Super User,...,remote_ssh_access=1`). Every simulated user
 * may run every command, so every one has the hmcsuperadmin role.
 */
import { filterOf, listing, parseOptions, type CommandContext, type CommandResult, type Row } from './common.js';

const DEFAULTS: Array<[string, string]> = [
  ['pwage', '99999'],
  ['min_pwage', '0'],
  ['session_timeout', '0'],
  ['verify_timeout', '15'],
  ['idle_timeout', '0'],
  ['inactivity_expiration', '0'],
];

function userRow(name: string): Row {
  return {
    pairs: [
      ['name', name],
      ['taskrole', 'hmcsuperadmin'],
      ['description', name === 'hscroot' ? 'HMC Super User' : ''],
      ['pwage', '99999'],
      ['resourcerole', 'ALL:'],
      ['authentication_type', 'local'],
      ['remote_webui_access', '1'],
      ['remote_ssh_access', '1'],
      ['min_pwage', '0'],
      ['session_timeout', '0'],
      ['verify_timeout', '15'],
      ['idle_timeout', '0'],
      ['inactivity_expiration', '0'],
    ],
  };
}

export function lshmcusr(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-t': 'value', '--filter': 'value', '-F': 'optional', '--header': 'flag', '--script': 'flag' });
  const type = opts.choice('-t', ['user', 'default'] as const, false) ?? 'user';
  if (type === 'default') return listing([{ pairs: DEFAULTS }], opts, new Set(DEFAULTS.map(([k]) => k)));
  const names = filterOf(opts, ['names']).get('names');
  const users = [...ctx.world.users.keys()].filter((u) => !names || names.includes(u));
  const rows = users.map(userRow);
  const known = new Set((userRow('x') as { pairs: Array<[string, string]> }).pairs.map(([k]) => k));
  return listing(rows, opts, known);
}
