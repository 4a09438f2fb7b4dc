/**
 * lssyscfg -r {sys | lpar | prof | sysprof} [-m SYS] [--filter "..."] [-F [names]] [--header]
 * (V3 form for lpar: -n NAME).
 */
import { filterOf, listing, ok, parseOptions, selectLpars, type CommandContext, type CommandResult, type Row } from './common.js';
import { LPAR_FIELDS, lparRow, PROF_FIELDS, profRow, SYS_FIELDS, sysRow } from './rows.js';
import { NO_RESULTS } from '../format.js';

const SPEC = {
  '-r': 'value',
  '-m': 'value',
  '-e': 'value',
  '-n': 'value',
  '--filter': 'value',
  '-F': 'optional',
  '--header': 'flag',
  '--osrefresh': 'flag',
  '--lastvalidcfg': 'flag',
} as const;

export function lssyscfg(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['sys', 'lpar', 'prof', 'sysprof', 'cage', 'frame'] as const)!;
  const { world } = ctx;
  if (res === 'sys') {
    const m = opts.get('-m');
    const systems = m === undefined ? world.systems : [world.requireSystem(m)];
    return listing(systems.map((s) => sysRow(s, world.systemState(s, ctx.hmcName))), opts, SYS_FIELDS);
  }
  if (res === 'sysprof' || res === 'cage' || res === 'frame') {
    if (res === 'sysprof') world.requireSystem(opts.need('-m'));
    return ok(`${NO_RESULTS}\n`);
  }
  const sys = world.requireSystem(opts.need('-m'));
  if (res === 'lpar') {
    const filters = filterOf(opts, ['lpar_names', 'lpar_ids', 'work_groups']);
    const v3name = opts.get('-n');
    if (v3name !== undefined) filters.set('lpar_names', [v3name]);
    let lpars = selectLpars(sys, filters);
    const groups = filters.get('work_groups');
    if (groups) lpars = lpars.filter((p) => groups.includes(p.attrs.get('work_group_id') ?? 'none'));
    return listing(lpars.map((p) => lparRow(world, sys, p, ctx.hmcName)), opts, LPAR_FIELDS);
  }
  const filters = filterOf(opts, ['lpar_names', 'lpar_ids', 'profile_names']);
  const lpars = selectLpars(sys, filters);
  const names = filters.get('profile_names');
  const rows: Row[] = [];
  for (const p of lpars) {
    for (const prof of p.profiles) if (!names || names.includes(prof.name)) rows.push(profRow(p, prof));
  }
  return listing(rows, opts, PROF_FIELDS);
}
