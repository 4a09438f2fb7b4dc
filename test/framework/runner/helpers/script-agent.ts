/**
 * A VCS installation in a temporary directory with the test script agent
 * (fixtures/script-agent) laid out as VCS's script agent expects it —
 * $VCS_HOME/bin/TestAgent/<entry_point> — and a main.cf using it. The runner
 * then starts each entry point as its own process by absolute path, on a real
 * clock sped up `speed` times: by default 10, less when the machine is too busy
 * to run a shell-script monitor within half a second (MonitorTimeout 5 s).
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../../framework/cf/load.js';
import { realClock } from '../../../../framework/clock.js';
import type { RunnerEvent } from '../../../../framework/runner/events.js';
import { ProcessExecutor } from '../../../../framework/runner/executor.js';
import { buildPlan } from '../../../../framework/runner/plan.js';
import { Runner } from '../../../../framework/runner/runner.js';
import { shortestTimeoutS, speedFor } from '../../../support/timing.js';
import { EventRecorder } from './events.js';

const AGENT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'script-agent');

export interface Installation {
  root: string;
  vcsHome: string;
  ctl: string;
  configPath: string;
  env: NodeJS.ProcessEnv;
  setState(res: string, state: 'online' | 'offline' | 'intentional'): void;
  behave(res: string, ep: string, behaviour: string | undefined): void;
  calls(): { phase: 'start' | 'end'; ms: number; pid: number; ep: string; rest: string[] }[];
  cleanup(): void;
}

export function install(mainCf: string): Installation {
  const root = mkdtempSync(join(tmpdir(), 'runner-it-'));
  const vcsHome = join(root, 'opt');
  const ctl = join(root, 'ctl');
  const conf = join(root, 'conf');
  mkdirSync(join(vcsHome, 'bin'), { recursive: true });
  mkdirSync(ctl);
  mkdirSync(conf);
  cpSync(AGENT_DIR, join(vcsHome, 'bin', 'TestAgent'), { recursive: true });
  cpSync(join(AGENT_DIR, 'TestAgentTypes.cf'), join(conf, 'TestAgentTypes.cf'));
  const configPath = join(conf, 'main.cf');
  writeFileSync(configPath, `include "TestAgentTypes.cf"\n\n${mainCf}`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, VCS_HOME: vcsHome, VCS_LOG: join(root, 'log'), TESTAGENT_DIR: ctl };
  return {
    root,
    vcsHome,
    ctl,
    configPath,
    env,
    setState: (res, state) => writeFileSync(join(ctl, `${res}.state`), `${state}\n`),
    behave: (res, ep, b) => {
      const f = join(ctl, `${res}.${ep}`);
      if (b === undefined) rmSync(f, { force: true });
      else writeFileSync(f, `${b}\n`);
    },
    calls: () => {
      const f = join(ctl, 'calls.log');
      if (!existsSync(f)) return [];
      return readFileSync(f, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [phase, ms, pid, ep, ...rest] = l.replace(/ $/, '').split(' ');
          return { phase: phase as 'start' | 'end', ms: Number(ms), pid: Number(pid), ep: ep!, rest };
        });
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

export interface Live {
  inst: Installation;
  runner: Runner;
  events: RunnerEvent[];
  executor: ProcessExecutor;
  /** Resolves when an event matches (real time, at most `ms`). */
  waitFor(pred: (e: RunnerEvent) => boolean, ms?: number): Promise<RunnerEvent>;
  of<K extends RunnerEvent['kind']>(kind: K, resource?: string): Extract<RunnerEvent, { kind: K }>[];
  /** Entry point starts of a resource, in order. */
  starts(res: string, ep?: string): { ms: number; ep: string; rest: string[] }[];
  stop(): Promise<void>;
}

export function live(mainCf: string, opts: { speed?: number; system?: string } = {}): Live {
  const inst = install(mainCf);
  const { config, errors } = loadConfig(inst.configPath);
  if (errors.length) throw new Error(errors.map((e) => e.message).join('\n'));
  const plan = buildPlan(config, opts.system ?? 'sysA');
  // A script entry point starts in a few milliseconds on a quiet machine: half a second at least.
  const speed = opts.speed ?? speedFor({ shortestTimeoutS: shortestTimeoutS(inst.configPath, opts.system ?? 'sysA'), max: 10, quietMs: 100, floorMs: 500 });
  const executor = new ProcessExecutor({ vcsHome: inst.vcsHome, env: inst.env, killGraceMs: 500 });
  const rec = new EventRecorder(15_000);
  const runner = new Runner(plan, {
    executor,
    clock: realClock({ speed }),
    onEvent: rec.onEvent,
    imf: { restartDelayMs: 1000 },
  });
  return {
    inst,
    runner,
    events: rec.events,
    executor,
    waitFor: (pred, ms) => rec.waitFor(pred, ms),
    of: (kind, resource) => rec.of(kind, resource),
    starts: (res, ep) =>
      inst
        .calls()
        .filter((c) => c.phase === 'start' && (c.rest[0] === res || ((c.ep === 'shutdown' || c.ep.startsWith('imf_')) && res === '_type')) && (ep === undefined || c.ep === ep))
        .map((c) => ({ ms: c.ms, ep: c.ep, rest: c.rest })),
    stop: async () => {
      await runner.stop();
      executor.killAll();
      inst.cleanup();
    },
  };
}

/** A one-group main.cf for system sysA (and sysB). */
export function mainCf(resources: string, opts: { group?: string; extra?: string; deps?: string } = {}): string {
  return `cluster c (
)

system sysA (
)

system sysB (
)

group ${opts.group ?? 'G'} (
    SystemList = { sysA = 0, sysB = 1 }
${opts.extra ?? ''})

${resources}
${opts.deps ?? ''}
`;
}
