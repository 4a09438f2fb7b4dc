/**
 * The seed's physical-to-WPAR failover after a crash: on sysA ContainerInfo
 * Enabled = 2 ignores the WPAR, and the WPAR resource stands for "the group
 * is online here". After `kill -9` of the agent framework (vcsagent run, as
 * a node that dies), the group may well be online on sysB by now: a new
 * framework must probe the resource OFFLINE, not ONLINE (which VCS would
 * take for a concurrency violation, or worse, for the group running in two
 * places). Real processes, real signals. Needs dist/.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { requireBuild, ROOT, vcsTree, type VcsTree } from '../../bin/helpers.js';

let tree: VcsTree;
beforeAll(() => requireBuild());
afterEach(() => tree?.cleanup());

const MAIN = `include "types.cf"

cluster c1 (
	)

system sysA (
	)

system sysB (
	)

group APP (
	SystemList = { sysA = 0, sysB = 1 }
	ContainerInfo @sysA = { Name = W1, Type = WPAR, Enabled = 2 }
	ContainerInfo @sysB = { Name = W1, Type = WPAR, Enabled = 1 }
	)

	WPAR w_res (
		IMF @sysA = { Mode = 0, MonitorFreq = 5, RegisterRetryLimit = 3 }
		)
`;

interface Event {
  kind: string;
  resource?: string;
  group?: string;
  to?: string;
  cause?: string;
}

/** Starts `vcsagent run`, returns its events as they come and the process. */
function runner(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'vcsagent'), 'run', '--json', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Event[] = [];
  const waiters: Array<{ pred: (e: Event) => boolean; resolve: (e: Event) => void }> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    let e: Event;
    try {
      e = JSON.parse(line) as Event;
    } catch {
      return;
    }
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e)) (waiters.splice(waiters.indexOf(w), 1), w.resolve(e));
  });
  const exited = new Promise<void>((r) => child.on('close', () => r()));
  const waitFor = (pred: (e: Event) => boolean, ms: number) =>
    new Promise<Event>((resolve, reject) => {
      const seen = events.find(pred);
      if (seen) return resolve(seen);
      const t = setTimeout(() => reject(new Error(`not seen within ${ms} ms; events: ${JSON.stringify(events)}`)), ms);
      waiters.push({ pred, resolve: (e) => (clearTimeout(t), resolve(e)) });
    });
  return { child, events, exited, waitFor };
}

it('after kill -9 of the framework that brought it online, a new one probes the WPAR resource OFFLINE (it used to say ONLINE)', { timeout: 90_000 }, async () => {
  tree = vcsTree({ sysname: 'sysA' });
  const sim = mkdtempSync(join(tree.root, 'aix-'));
  const cf = join(tree.root, 'main.cf');
  writeFileSync(cf, MAIN);
  const env = { ...tree.env, PATH: `${join(ROOT, 'sim', 'aix', 'bin')}:${process.env.PATH}`, AIXSIM_ROOT: sim };
  const first = runner(['--config', cf, '--system', 'sysA', '--online', 'APP', '--duration', '120'], env);
  try {
    await first.waitFor((e) => e.kind === 'group-state' && e.group === 'APP' && e.to === 'online', 60_000);
  } finally {
    first.child.kill('SIGKILL');
    await first.exited;
  }
  // The same node, a new framework (the node rebooted, or VCS and its agent restarted).
  const second = runner(['--config', cf, '--system', 'sysA', '--no-online', '--duration', '3'], env);
  await second.exited;
  const probe = second.events.find((e) => e.kind === 'resource-state' && e.resource === 'w_res');
  expect(probe, JSON.stringify(second.events)).toMatchObject({ to: 'offline' });
  expect(tree.logLines('WPAR').join('\n')).toMatch(/the online record .* is void \(the agent process that wrote it \(PID \d+\) is gone/);
  // And no WPAR command ran on sysA at all.
  expect(spawnSync('ls', [sim]).stdout.toString()).not.toMatch(/var/);
  rmSync(sim, { recursive: true, force: true });
});
