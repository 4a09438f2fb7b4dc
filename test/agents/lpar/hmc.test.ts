/**
 * HMC access: redundant HMCs (the seed's "HMC is down" row), a hung HMC
 * passed over within a bounded time, and hostile attribute values refused or
 * quoted — proven against the simulator, whose restricted shell does run
 * backtick substitution as a real HMC does.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allowMs } from '../../support/timing.js';
import { Bench, SEED_MAINCF, seedArgList } from './helpers/harness.js';

const A = 'aixnode55mp1';
const L = 'aixnode5556mp2';

// The sim's world: the seed, plus a partition whose name has spaces (quoting must keep it whole)
// and a bystander that a hostile value would try to start.
const WORLD = `${SEED_MAINCF}
group spaced (
    SystemList = { aixnode55mp1 = 0, aixnode56mp1 = 1 }
)

LPAR spaced_res (
    LPARName = "db lpar 01"
    MCUser = { hscroot, hscroot }
    MCName = { hmc6, hmc7 }
    OnlineTimeout = 60
)

group bystander (
    SystemList = { aixnode55mp1 = 0, aixnode56mp1 = 1 }
)

LPAR victim (
    LPARName = victim
    MCName = { hmc6, hmc7 }
)
`;

let bench: Bench;
beforeAll(async () => {
  bench = await new Bench({ mainCf: WORLD }).start();
  expect((await bench.agent('online', A)).code).toBe(0);
});
afterAll(() => bench?.stop());

const states = async () => (await bench.states()).sys1!;

describe('redundant HMCs', () => {
  // Each case starts from the MCName order, as a fresh process does (a connection broker
  // remembers the HMC that served for a minute; test/agents/lpar/broker.test.ts covers that).
  beforeEach(() => bench.stopBrokers());

  /**
   * A bad HMC costs a share of MonitorTimeout, which the seed leaves at 60 s: these cases set it
   * to what the machine needs now, with the agent's rules unchanged — the SSH handshake bounded
   * by a quarter of it (10 s at most), an idempotent query given half of what is left. Between
   * the two shares there must be room for the rest of the monitor (its process start, the second
   * HMC's login and answer: 3 s on a quiet machine, scaled) so that a hung HMC that cost more
   * than its handshake bound would show: 20 s on a quiet machine, up to 60 s on a busy one.
   */
  const rest = allowMs(3_000);
  const monitorTimeoutS = Math.min(60, Math.max(20, 4 * Math.ceil(rest / 1000 + 1)));
  const handshakeBoundMs = Math.min(10_000, ((monitorTimeoutS - 2) * 1000) / 4);
  const withMonitorTimeout = (seconds = monitorTimeoutS) => bench.file(`monitor-timeout-${seconds}.cf`, WORLD.replace('    RestartLimit = 1\n', `    RestartLimit = 1\n    MonitorTimeout = ${seconds}\n`));
  /**
   * A query that hangs mid-session waits out its half of MonitorTimeout before the second HMC is
   * asked: the other half must hold the rest of the monitor (login to the second HMC, its answer,
   * with room: \`rest\`) and no more — 10 s on a quiet machine rather than the 20 s above.
   */
  const midSessionTimeoutS = Math.min(60, Math.max(10, 2 * Math.ceil(rest / 1000 + 2)));

  it('the first HMC serves while it is up', async () => {
    await bench.ctl('stats', '--reset');
    expect((await bench.agent('monitor', A)).code).toBe(110);
    const s = await bench.commandCounts();
    expect(s.byEndpoint.hmc6!.total).toBe(1);
    expect(s.byEndpoint.hmc7!.total).toBe(0);
  });

  it('HMC down: the second one serves, and the log says which', async () => {
    await bench.ctl('hmc-down', 'hmc6');
    await bench.ctl('stats', '--reset');
    const r = await bench.agent('monitor', A);
    expect(r.code).toBe(110);
    const s = await bench.commandCounts();
    expect(s.byEndpoint.hmc7!.total).toBe(1);
    expect(s.byEndpoint.hmc6!.total).toBe(0);
    expect(bench.log()).toMatch(/WARNING .*LPAR:aixnode5556mp2:monitor:ssh: endpoint unavailable; trying the next one \(endpoint=hscroot@hmc6/);
    expect(bench.log()).toMatch(/INFO .*LPAR:aixnode5556mp2:monitor:HMC hmc7 serves this request \(hmc=hmc7 .*position=2\)/);
    // State changes work through it too.
    expect((await bench.agent('offline', A)).code).toBe(0);
    expect((await states())[L]).toBe('Not Activated');
    expect((await bench.agent('online', A)).code).toBe(0);
    expect((await states())[L]).toBe('Running');
    await bench.ctl('hmc-up', 'hmc6');
  });

  it('HMC hung (accepts TCP, never answers): the second one serves within a bounded time', async () => {
    const cfg = withMonitorTimeout();
    await bench.ctl('hmc-hang', 'hmc6');
    const r = await bench.agent('monitor', A, [], { config: cfg });
    expect(r.code).toBe(110);
    // The hung one costs the SSH handshake bound, not the half of the budget a command that hangs would.
    expect(r.ms).toBeLessThan(handshakeBoundMs + rest);
    expect(bench.log()).toMatch(/monitor:HMC hmc7 serves this request/);
    await bench.ctl('hmc-up', 'hmc6');
  });

  it('an HMC that stops answering mid-session: the query goes to the second one, within MonitorTimeout', async () => {
    const cfg = withMonitorTimeout(midSessionTimeoutS);
    await bench.ctl('hmc-slow', 'hmc6', '120000');
    try {
      const r = await bench.agent('monitor', A, [], { config: cfg });
      expect(r.code).toBe(110);
      // Half of MonitorTimeout waits for the first HMC, the rest serves the second.
      expect(r.ms).toBeGreaterThanOrEqual((midSessionTimeoutS * 1000) / 2 - 2_000);
      expect(r.ms).toBeLessThan(midSessionTimeoutS * 1000);
      expect(bench.log()).toMatch(/monitor:ssh: command failed on this endpoint; trying the next one \(endpoint=hscroot@hmc6/);
    } finally {
      await bench.ctl('hmc-up', 'hmc6');
    }
  }, 120_000);

  it('no HMC reachable: monitor reports unknown (99), never offline', async () => {
    await bench.ctl('hmc-down', 'hmc6');
    await bench.ctl('hmc-down', 'hmc7');
    const r = await bench.agent('monitor', A);
    expect(r.code).toBe(99);
    expect(bench.log()).toMatch(/ERROR .*monitor:.*no endpoint reachable/);
    await bench.ctl('hmc-up', 'hmc6');
    await bench.ctl('hmc-up', 'hmc7');
    expect((await bench.agent('monitor', A)).code).toBe(110);
  });

  it('an unknown or changed HMC host key is refused and logged', async () => {
    const ssh = join(bench.home, '.ssh');
    const other = (name: string, knownHosts: string) => {
      const home = join(bench.dir, name);
      mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
      for (const f of ['config', 'id_ed25519', 'id_ed25519.pub']) cpSync(join(ssh, f), join(home, '.ssh', f));
      writeFileSync(join(home, '.ssh', 'known_hosts'), knownHosts);
      return home;
    };
    await bench.ctl('stats', '--reset');
    const unknown = await bench.agent('monitor', A, [], { env: { VCS_REMOTE_HOME: other('home-unknown', '') } });
    expect(unknown.code).toBe(99);
    expect(bench.log()).toMatch(/host key of hmc6:\d+ is not in .*known_hosts; refusing to connect/);
    const impostor = join(bench.dir, 'impostor');
    expect(spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', impostor]).status).toBe(0);
    const wrongKey = readFileSync(`${impostor}.pub`, 'utf8').trim().split(' ').slice(0, 2).join(' ');
    const changed = await bench.agent('monitor', A, [], { env: { VCS_REMOTE_HOME: other('home-changed', bench.ports.map((p) => `[127.0.0.1]:${p} ${wrongKey}\n`).join('')) } });
    expect(changed.code).toBe(99);
    expect(bench.log()).toMatch(/host key of hmc6:\d+ does not match .*known_hosts:\d+; refusing to connect/);
    // Refused before any credential was sent: no login, no command.
    const s = await bench.commandCounts();
    expect(s.logins).toBe(0);
    expect(s.commands).toEqual({});
  });
});

describe('hostile values', () => {
  const hostileConfig = (lparName: string, extra = '') =>
    bench.file(
      `hostile-${Math.random().toString(36).slice(2)}.cf`,
      `include "types.cf"
cluster c ( )
system aixnode55mp1 ( PhysicalServer = sys1 )
group g ( SystemList = { aixnode55mp1 = 0 } )
LPAR h (
    LPARName = ${JSON.stringify(lparName)}
    MCName = { hmc6, hmc7 }
    ${extra}
)
`,
    );

  const hostile = [
    'victim; chsysstate -m sys1 -r lpar -o on -n victim -f victim',
    '$(chsysstate -m sys1 -r lpar -o on -n victim -f victim)',
    '`chsysstate -m sys1 -r lpar -o on -n victim -f victim`',
    "victim' -f victim'",
    'victim|lssyscfg',
    '-n victim',
  ];
  it.each(hostile)('LPARName %j is refused before anything reaches an HMC', async (name) => {
    await bench.ctl('stats', '--reset');
    const cfg = hostileConfig(name);
    for (const ep of ['online', 'monitor', 'clean']) {
      const r = await bench.agent(ep, A, ep === 'clean' ? ['0'] : [], { resource: 'h', config: cfg });
      expect(r.code).toBe(ep === 'monitor' ? 99 : ep === 'clean' ? 1 : 0);
    }
    expect(bench.log()).toMatch(/refusing unsafe LPARName/);
    const s = await bench.commandCounts();
    expect(s.commands).toEqual({});
    expect((await states()).victim).toBe('Not Activated');
  });

  it('a newline in LPARName (the VCS calling convention can carry one) is refused', async () => {
    await bench.ctl('stats', '--reset');
    const args = seedArgList([]);
    args[2] = 'victim\nchsysstate -m sys1 -r lpar -o on -n victim -f victim';
    const r = await bench.vcs('monitor', A, [], args);
    expect(r.code).toBe(99);
    expect(bench.log()).toMatch(/refusing unsafe LPARName "victim\\nchsysstate.*contains a newline/);
    expect((await bench.commandCounts()).commands).toEqual({});
  });

  it('hostile VIOSName, MCUser, MCName and PhysicalServer are refused', async () => {
    await bench.ctl('stats', '--reset');
    const cases: Array<[string, string, RegExp]> = [
      ['VIOSName = { "v1;reboot" }', 'monitor', /refusing unsafe VIOSName "v1;reboot"/],
      ['MCUser = { "hscroot;id" }', 'monitor', /refusing unsafe MCUser "hscroot;id"/],
    ];
    for (const [extra, ep, msg] of cases) {
      const r = await bench.agent(ep, A, [], { resource: 'h', config: hostileConfig('victim', extra) });
      expect(r.code).toBe(99);
      expect(bench.log()).toMatch(msg);
    }
    const badHost = bench.file('badhost.cf', `include "types.cf"
cluster c ( )
system aixnode55mp1 ( PhysicalServer = sys1 )
group g ( SystemList = { aixnode55mp1 = 0 } )
LPAR h ( LPARName = victim
    MCName = { "-oProxyCommand=touch /tmp/pwned" } )
`);
    expect((await bench.agent('monitor', A, [], { resource: 'h', config: badHost })).code).toBe(99);
    expect(bench.log()).toMatch(/refusing unsafe SSH host/);
    const badServer = bench.file('badserver.cf', `include "types.cf"
cluster c ( )
system aixnode55mp1 ( PhysicalServer = "sys1;chsysstate" )
group g ( SystemList = { aixnode55mp1 = 0 } )
LPAR h ( LPARName = victim
    MCName = { hmc6 } )
`);
    expect((await bench.agent('monitor', A, [], { resource: 'h', config: badServer })).code).toBe(99);
    expect(bench.log()).toMatch(/refusing unsafe PhysicalServer of aixnode55mp1 "sys1;chsysstate"/);
    expect((await bench.commandCounts()).commands).toEqual({});
  });

  it('a system without PhysicalServer gets a clear error, not a guess', async () => {
    const cfg = bench.file('nops.cf', `include "types.cf"
cluster c ( )
system aixnode55mp1 ( )
group g ( SystemList = { aixnode55mp1 = 0 } )
LPAR h ( LPARName = victim
    MCName = { hmc6 } )
`);
    await bench.ctl('stats', '--reset');
    expect((await bench.agent('monitor', A, [], { resource: 'h', config: cfg })).code).toBe(99);
    expect((await bench.agent('online', A, [], { resource: 'h', config: cfg })).code).toBe(0);
    expect(bench.log()).toMatch(/system aixnode55mp1 has no PhysicalServer attribute: set it to its managed system name \(lssyscfg -r sys -F name\)/);
    expect((await bench.commandCounts()).commands).toEqual({});
    expect((await states()).victim).toBe('Not Activated');
  });

  it('a name with spaces is quoted and reaches the HMC whole', async () => {
    const cfg = bench.file('spaced.cf', WORLD.replace(SEED_MAINCF, SEED_MAINCF));
    expect((await bench.agent('online', A, [], { resource: 'spaced_res', config: cfg })).code).toBe(0);
    expect((await states())['db lpar 01']).toBe('Running');
    expect((await bench.agent('monitor', A, [], { resource: 'spaced_res', config: cfg })).code).toBe(110);
    expect((await bench.agent('offline', A, [], { resource: 'spaced_res', config: cfg })).code).toBe(0);
    expect((await states())['db lpar 01']).toBe('Not Activated');
  });

  it('backticks in a ProfileFile value stay literal: the simulated HMC shell never runs them', async () => {
    await bench.ctl('stats', '--reset');
    const pf = bench.file(
      'evil.cfg',
      'name=newpart,lpar_env=aixlinux,profile_name=newpart,min_mem=512,desired_mem=512,max_mem=1024,proc_mode=ded,min_procs=1,desired_procs=1,max_procs=1,' +
        'work_group_id=`chsysstate -m sys1 -r lpar -o on -n victim -f victim`\n',
    );
    const cfg = hostileConfig('newpart', `ProfileFile = ${JSON.stringify(pf)}`);
    const r = await bench.agent('online', A, [], { resource: 'h', config: cfg });
    expect(r.code).toBe(0);
    const s = await bench.commandCounts();
    expect(s.commands.mksyscfg).toBe(1);
    expect((await states()).victim).toBe('Not Activated');
    // Whatever the HMC made of the value, it was one literal argument: either refused or stored as text.
    const world = await bench.ctl('dump');
    const made = world.systems.find((x: any) => x.name === 'sys1').partitions.find((p: any) => p.name === 'newpart');
    if (made) {
      expect(made.attributes.work_group_id).toBe('`chsysstate -m sys1 -r lpar -o on -n victim -f victim`');
      expect((await bench.agent('clean', A, ['0'], { resource: 'h', config: cfg })).code).toBe(0);
    } else {
      expect(bench.log()).toMatch(/mksyscfg .*exited 1/);
    }
  });
});
