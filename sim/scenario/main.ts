/**
 * The main job (`npm start`): the PowerVM scenario of the seed's LPAR
 * chapters, end to end on the embedded simulators, every part real — hmcsim
 * as its own process behind SSH, the LPAR agent's entry points as processes
 * started by the agent framework (framework/runner) of each cluster node,
 * OpenSSH for what an administrator types. Everything lives in one temporary
 * directory (HOME, keys, VCS_CONF, VCS_LOG, AIXSIM_ROOT), removed on exit and
 * on Ctrl-C.
 *
 *   npm start [-- --speed N] [--act N] [--verbose] [--keep]
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../framework/cf/load.js';
import { isVcsPowervmError, UsageError } from '../../framework/errors.js';
import { parseCommandLine } from '../../framework/cli-args.js';
import { realClock } from '../../framework/clock.js';
import { ActAbort, Checks, hmcStats, lparSetup, type Scenario } from './context.js';
import { Lab } from './lab.js';
import { describeStats, Output, plural } from './output.js';
import { ACTS, type Act } from './acts/index.js';

export const USAGE = `usage: npm start -- [--speed N] [--act N] [--verbose] [--keep]
       node dist/sim/scenario/main.js [same options]

Runs the PowerVM scenario on the embedded simulators: the seed's sample
main.cf, two physical servers with two VIO servers each, two redundant HMCs.

  --speed N   simulated time (HMCs and the agent framework) runs N times
              faster than real time, 1-100 (default 20: a MonitorInterval
              of 60 s passes in 3 s)
  --act N     run the acts up to N only (1-${ACTS.length})
  --verbose   every entry point, monitor and agent log line
  --keep      keep the temporary directory (logs, keys, main.cf) and say where
  --help      this text

Exit 0 when every act behaved as the seed says, 1 otherwise, 2 for bad
arguments, 130 when interrupted (Ctrl-C: everything is stopped and removed).
`;

export interface Options {
  speed: number;
  act: number;
  verbose: boolean;
  keep: boolean;
}

const OPTIONS = { speed: { type: 'string' }, act: { type: 'string' }, verbose: { type: 'boolean' }, keep: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

export function parseArgs(argv: readonly string[]): Options | 'help' {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help) return 'help';
  if (positionals.length) throw new UsageError(`unknown argument ${positionals[0]}`);
  const o: Options = { speed: 20, act: ACTS.length, verbose: values.verbose === true, keep: values.keep === true };
  if (values.speed !== undefined) {
    const n = Number(values.speed);
    if (!Number.isFinite(n) || n < 1 || n > 100) throw new UsageError(`--speed must be a number from 1 to 100, not ${values.speed}`);
    o.speed = n;
  }
  if (values.act !== undefined) {
    const n = Number(values.act);
    if (!Number.isInteger(n) || n < 1 || n > ACTS.length) throw new UsageError(`--act must be an act number from 1 to ${ACTS.length}, not ${values.act}`);
    o.act = n;
  }
  return o;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

interface ActOutcome {
  act: Act;
  n: number;
  verdict: 'PASS' | 'FAIL' | 'NOT RUN' | 'INTERRUPTED';
  ms: number;
  reason?: string;
}

function fmtMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(1)} s`;
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    const p = parseArgs(argv);
    if (p === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    opts = p;
  } catch (e) {
    process.stderr.write(`scenario: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }

  const root = repoRoot();
  const seedPath = join(root, 'sim', 'configs', 'seed-lpar', 'main.cf');
  const out = new Output((t) => process.stdout.write(t), opts.verbose);
  const loaded = loadConfig(seedPath);
  if (loaded.errors.length > 0) {
    process.stderr.write(`scenario: ${seedPath}: ${loaded.errors.map((e) => e.message).join('\n')}\n`);
    return 2;
  }
  const abort = new AbortController();
  const lab = new Lab(root, opts.speed);
  const s: Scenario = {
    root,
    seedPath,
    speed: opts.speed,
    lab,
    out,
    clock: realClock({ speed: opts.speed }),
    setup: lparSetup(loaded.config),
    signal: abort.signal,
    nodes: [],
    totals: { logins: 0, commands: 0 },
  };

  // Ctrl-C: stop what runs, clean up, exit 130; a second Ctrl-C does it at once.
  let interrupted = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) {
      for (const n of s.nodes) n.executor.killAll();
      lab.closeNow(opts.keep);
      process.exit(130);
    }
    interrupted = true;
    process.stderr.write(`\nscenario: ${sig}: stopping the agents and the simulated HMCs, removing ${lab.dir}\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', () => {
    for (const n of s.nodes) n.executor.killAll();
    lab.closeNow(opts.keep);
  });

  const started = Date.now();
  out.line('vcs-powervm: the PowerVM scenario on the embedded simulators');
  out.line(`The simulated HMCs and the agent framework run ${opts.speed}x faster than real time: durations are VCS time.`);
  out.line('Lines marked | are the agent framework\'s (VCS time), > the LPAR agent\'s log, : what the HMC shows.');

  const outcomes: ActOutcome[] = [];
  let stopAt = opts.act;
  for (let i = 0; i < ACTS.length; i++) {
    const act = ACTS[i]!;
    const n = i + 1;
    if (n > stopAt || interrupted) {
      outcomes.push({ act, n, verdict: 'NOT RUN', ms: 0 });
      continue;
    }
    out.headline(n, act.title);
    const checks = new Checks(out);
    const t0 = Date.now();
    let reason: string | undefined;
    try {
      await act.run(s, checks);
    } catch (e) {
      reason = e instanceof ActAbort || isVcsPowervmError(e) ? e.message : e instanceof Error ? ((opts.verbose ? e.stack : undefined) ?? `unexpected: ${e.message}`) : String(e);
      if (interrupted) reason = 'interrupted';
      else out.verdict(false, reason);
    }
    if (!interrupted && lab.endpoints.length > 0) {
      try {
        const st = await hmcStats(s);
        if (st.some((e) => e.logins > 0 || Object.keys(e.commands).length > 0)) {
          out.say(`What the HMCs saw${act.ownStats ? ' since' : ''} (hmcsim ctl stats):`);
          for (const l of describeStats(st)) out.say(`  ${l}`);
        }
      } catch (e) {
        reason ??= `cannot read what the HMCs saw: ${(e as Error).message}`;
      }
    }
    const ms = Date.now() - t0;
    const verdict = interrupted ? 'INTERRUPTED' : reason || checks.failed.length > 0 ? 'FAIL' : 'PASS';
    outcomes.push({ act, n, verdict, ms, ...(reason ? { reason } : checks.failed.length ? { reason: checks.failed[0] } : {}) });
    out.say(`=> ${verdict} (${fmtMs(ms)})`);
    // Every act builds on the state the previous one left: after a failure the rest would tell nothing.
    if (verdict === 'FAIL') stopAt = n;
  }

  if (s.nodes.length > 0) {
    out.line();
    out.line('== Stopping: each node closes its resources and shuts its agent down (hastop -local -force: the LPAR keeps running)');
  }
  const stopResults = await Promise.allSettled(s.nodes.map((n) => n.stop()));
  for (const [i, r] of stopResults.entries()) if (r.status === 'rejected') out.say(`${s.nodes[i]!.system}: ${(r.reason as Error).message}`);
  try {
    if (!interrupted && s.lab.endpoints.length > 0) await hmcStats(s);
  } catch {
    // The simulator is gone already: the totals so far stand.
  }
  await lab.close(opts.keep);

  const total = Date.now() - started;
  out.line();
  out.line('== Summary');
  for (const o of outcomes) out.line(`   ${String(o.n).padStart(2)}  ${o.verdict.padEnd(11)} ${o.act.title}${o.ms ? `  (${fmtMs(o.ms)})` : ''}${o.verdict === 'FAIL' && o.reason ? `\n                   ${o.reason.split('\n')[0]}` : ''}`);
  out.line(`   total ${fmtMs(total)} at speed ${opts.speed}; the HMCs saw ${plural(s.totals.logins, 'SSH login')} and ${plural(s.totals.commands, 'command')}`);
  if (opts.keep) out.line(`   kept: ${lab.dir} (nodes/*/var/VRTSvcs/log: LPAR_A.log, engine_A.log)`);
  const failed = outcomes.some((o) => o.verdict === 'FAIL');
  if (interrupted) {
    out.line('   interrupted');
    return 130;
  }
  return failed ? 1 : 0;
}

const self = fileURLToPath(import.meta.url);
if (process.argv[1] && (process.argv[1] === self || process.argv[1].replace(/\.ts$/, '.js') === self)) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`scenario: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
