/**
 * lslparmigr -r lpar -m SYS [--filter "lpar_names=..."] [-F names] [--header]
 * lslparmigr -r sys -m SYS
 *
 * The output of this command is not documented by a capture
 * (hmc-facts §4.2): migration_state is `Not Migrating`, `Migration In
 * Progress` or `Migration Failed`, with the destination while migrating.
 * Because the attribute names are unconfirmed, `hmcsim ctl lslparmigr-form
 * minimal` makes this HMC one that knows neither source_sys_name nor
 * dest_sys_name: they are missing from the records and refused in -F
 * ("An invalid attribute was entered"), so clients can be tried against both.
 */
import { filterOf, listing, parseOptions, selectLpars, type CommandContext, type CommandResult, type Row } from './common.js';

const SPEC = { '-r': 'value', '-m': 'value', '-t': 'value', '-p': 'value', '--filter': 'value', '-F': 'optional', '--header': 'flag', '--ip': 'value', '-u': 'value' } as const;

const SYSTEM_NAME_FIELDS = new Set(['source_sys_name', 'dest_sys_name']);
const LPAR_FIELDS = new Set([
  'name', 'lpar_id', 'migration_state', 'migration_type', 'source_sys_name', 'dest_sys_name', 'dest_lpar_id', 'bytes_transmitted', 'bytes_remaining', 'time_started',
]);
const SYS_FIELDS = new Set(['inactive_lpar_mobility_capable', 'active_lpar_mobility_capable', 'num_inactive_migrations_supported', 'num_active_migrations_supported', 'num_inactive_migrations_in_progress', 'num_active_migrations_in_progress']);

const TOTAL_BYTES = 8 * 1024 * 1024 * 1024;

export function lslparmigr(ctx: CommandContext): CommandResult {
  const { world } = ctx;
  const opts = parseOptions(ctx.args, SPEC);
  const res = opts.choice('-r', ['lpar', 'sys'] as const)!;
  const sys = world.requireSystem(opts.need('-m'));
  world.requireConnected(sys, ctx.hmcName);
  if (res === 'sys') {
    const migrating = world.systems.flatMap((s) => s.partitions).filter((p) => p.migration && !p.migration.failed && p.migration.source === sys.name);
    const row: Row = {
      pairs: [
        ['inactive_lpar_mobility_capable', '1'],
        ['num_inactive_migrations_supported', '16'],
        ['num_inactive_migrations_in_progress', String(migrating.filter((p) => !p.migration!.active).length)],
        ['active_lpar_mobility_capable', '1'],
        ['num_active_migrations_supported', '16'],
        ['num_active_migrations_in_progress', String(migrating.filter((p) => p.migration!.active).length)],
      ],
    };
    return listing([row], opts, SYS_FIELDS);
  }
  const filters = filterOf(opts, ['lpar_names', 'lpar_ids']);
  const name = opts.get('-p');
  if (name !== undefined) filters.set('lpar_names', [name]);
  const rows = selectLpars(sys, filters)
    .filter((p) => !p.migrationTarget)
    .map((p): Row => {
      const m = p.migration;
      if (!m) return { pairs: [['name', p.name], ['lpar_id', String(p.id)], ['migration_state', 'Not Migrating']] };
      const done = Math.min(1, (world.simNow() - m.startedSim) / Math.max(1e-9, m.durationSim));
      const sent = m.failed ? 0 : Math.round(TOTAL_BYTES * done);
      const target = world.findSystem(m.target);
      const placeholder = target?.partitions.find((q) => q.migrationTarget && q.name === p.name);
      return {
        pairs: [
          ['name', p.name],
          ['lpar_id', String(p.id)],
          ['migration_state', m.failed ? 'Migration Failed' : 'Migration In Progress'],
          ['migration_type', m.active ? 'active' : 'inactive'],
          ['source_sys_name', m.source],
          ['dest_sys_name', m.target],
          ['dest_lpar_id', placeholder ? String(placeholder.id) : ''],
          ['bytes_transmitted', String(sent)],
          ['bytes_remaining', String(m.failed ? 0 : TOTAL_BYTES - sent)],
          ['time_started', new Date(m.startedAt).toISOString()],
        ],
      };
    });
  if (world.lslparmigrForm === 'minimal') {
    const known = new Set([...LPAR_FIELDS].filter((f) => !SYSTEM_NAME_FIELDS.has(f)));
    const trimmed = rows.map((r): Row => ('pairs' in r ? { pairs: r.pairs.filter(([n]) => !SYSTEM_NAME_FIELDS.has(n)) } : r));
    return listing(trimmed, opts, known);
  }
  return listing(rows, opts, LPAR_FIELDS);
}
