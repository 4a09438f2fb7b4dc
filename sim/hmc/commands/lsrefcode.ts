/**
 * lsrefcode -r lpar -m SYS [--filter "lpar_names=..."] [-n N] [-F ...] [--header]
 * lsrefcode -r sys -m SYS [-n N]
 *
 * The latest reference code of each partition (the last N with -n), newest
 * first; a running AIX partition shows an empty code (hmc-facts §9.6).
 */
import { fail, msg } from '../hscl.js';
import { filterOf, listing, parseOptions, selectLpars, type CommandContext, type CommandResult, type Row } from './common.js';
import { formatSysTime } from './rows.js';

const FIELDS = new Set(['lpar_name', 'lpar_id', 'time_stamp', 'refcode', 'sys_name', 'sys_mtms']);

export function lsrefcode(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-r': 'value', '-m': 'value', '--filter': 'value', '-n': 'value', '-s': 'value', '-F': 'optional', '--header': 'flag' });
  const res = opts.choice('-r', ['lpar', 'sys'] as const)!;
  const sys = ctx.world.requireSystem(opts.need('-m'));
  ctx.world.requireConnected(sys, ctx.hmcName);
  const nText = opts.get('-n');
  if (nText !== undefined && !/^[1-9]\d*$/.test(nText)) fail(msg.missingParam(['-n']));
  const n = nText === undefined ? 1 : Number(nText);
  if (res === 'sys') {
    const row: Row = { pairs: [['sys_name', sys.name], ['sys_mtms', `${sys.typeModel}*${sys.serial}`], ['time_stamp', formatSysTime(new Date())], ['refcode', '']] };
    return listing([row], opts, FIELDS);
  }
  const rows: Row[] = [];
  for (const p of selectLpars(sys, filterOf(opts, ['lpar_names', 'lpar_ids']))) {
    if (p.migrationTarget) continue;
    const codes = p.refcodes.length ? p.refcodes.slice(0, n) : [{ time: new Date(), code: '' }];
    for (const r of codes) rows.push({ pairs: [['lpar_name', p.name], ['lpar_id', String(p.id)], ['time_stamp', formatSysTime(r.time)], ['refcode', r.code]] });
  }
  return listing(rows, opts, FIELDS);
}
