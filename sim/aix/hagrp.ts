/**
 * hagrp — a recording stand-in for VCS's group command. Every call is
 * appended to $AIXSIM_ROOT/var/VRTSvcs/hagrp.log (one JSON line each) so that
 * tests can assert exactly what a trigger asked VCS to do; the live state
 * file (vcs.ts) is updated the way HAD would report it afterwards.
 *
 *   hagrp -state [GROUP] [-sys SYSTEM]
 *   hagrp -online GROUP (-sys SYSTEM | -any)
 *   hagrp -offline GROUP -sys SYSTEM
 *   hagrp -autoenable GROUP -sys SYSTEM
 *
 * `-any` picks, as the Priority failover policy does, the system of the
 * group's SystemList with the lowest priority number that is RUNNING and on
 * which the group is not autodisabled.
 */
import { record, runMain, SimUsageError, simPath } from './root.js';
import { loadMainCf, loadState, saveState, type SimState } from './vcs.js';

const USAGE = 'Usage: hagrp -state [group] [-sys system] | hagrp -online group (-sys system | -any) | hagrp -offline group -sys system | hagrp -autoenable group -sys system';

export const logFile = () => simPath('var', 'VRTSvcs', 'hagrp.log');

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('-')) throw new SimUsageError(`${name} needs a value\n${USAGE}`);
  return v;
}

async function systemList(group: string): Promise<Array<[string, number]>> {
  const config = await loadMainCf();
  const g = config?.groups.find((x) => x.name === group);
  if (!g) return [];
  const { assocOf, attributeValue } = await import('../../framework/cf/values.js');
  const list = assocOf(attributeValue(g, 'SystemList')) ?? {};
  return Object.entries(list)
    .map(([s, p]) => [s, Number(p)] as [string, number])
    .sort((a, b) => a[1] - b[1]);
}

async function groupExists(state: SimState, group: string): Promise<boolean> {
  if (state.groups[group]) return true;
  const config = await loadMainCf();
  return !!config?.groups.some((g) => g.name === group);
}

export async function hagrp(argv: string[]): Promise<number> {
  record(logFile(), { argv: ['hagrp', ...argv] });
  const state = loadState();
  const op = argv[0];
  const group = argv[1] !== undefined && !argv[1].startsWith('-') ? argv[1] : undefined;
  const sys = option(argv, '-sys');
  const missing = (g: string) => {
    process.stderr.write(`VCS WARNING V-16-1-12130 Group ${g} does not exist\n`);
    return 1;
  };

  if (op === '-state') {
    const groups = group ? [group] : [...new Set([...Object.keys(state.groups), ...((await loadMainCf())?.groups.map((g) => g.name) ?? [])])];
    if (group && !(await groupExists(state, group))) return missing(group);
    if (group && sys) {
      process.stdout.write(`${state.groups[group]?.State?.[sys] ?? 'OFFLINE'}\n`);
      return 0;
    }
    process.stdout.write('#Group         Attribute             System     Value\n');
    for (const g of groups) {
      const systems = sys ? [sys] : (await systemList(g)).map(([s]) => s);
      for (const s of systems) process.stdout.write(`${g}  State  ${s}  |${state.groups[g]?.State?.[s] ?? 'OFFLINE'}|\n`);
    }
    return 0;
  }

  if (!group) throw new SimUsageError(USAGE);
  if (!(await groupExists(state, group))) return missing(group);
  const g = (state.groups[group] ??= {});
  const states = (g.State ??= {});
  const disabled = (g.AutoDisabled ??= {});

  switch (op) {
    case '-online': {
      let target = sys;
      if (argv.includes('-any')) {
        const candidates = (await systemList(group)).filter(([s]) => String(state.systems[s]?.SysState ?? 'RUNNING') === 'RUNNING' && !disabled[s]);
        target = candidates[0]?.[0];
        if (!target) {
          process.stderr.write(`VCS WARNING V-16-1-10163 Group ${group} has no system to come online on\n`);
          return 1;
        }
      }
      if (!target) throw new SimUsageError(USAGE);
      if (disabled[target]) {
        process.stderr.write(`VCS WARNING V-16-1-10158 Group ${group} is autodisabled on system ${target}\n`);
        return 1;
      }
      states[target] = 'ONLINE';
      process.stdout.write(`VCS NOTICE V-16-1-50735 Attempting to online group on system ${target}\n`);
      break;
    }
    case '-offline':
      if (!sys) throw new SimUsageError(USAGE);
      states[sys] = 'OFFLINE';
      break;
    case '-autoenable':
      if (!sys) throw new SimUsageError(USAGE);
      delete disabled[sys];
      break;
    default:
      throw new SimUsageError(USAGE);
  }
  saveState(state);
  return 0;
}

export const main = (argv: string[]) => runMain('hagrp', hagrp, argv);
