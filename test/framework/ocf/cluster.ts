/**
 * A real one-node Pacemaker cluster for a test: `corosync -f` (knet on
 * 127.0.0.1, one node, quorate alone) and `pacemakerd`, started as root by
 * the test and stopped after it, also when it fails.
 *
 * Only one corosync can run on a machine, and Pacemaker keeps its state in
 * fixed places (/var/lib/pacemaker, /var/lib/corosync, /run/crm, /dev/shm):
 * - a lock file machine-wide (/run/lock) makes a second run wait for the
 *   first (another worktree, another vitest worker), and a lock whose owner
 *   is dead is taken over;
 * - a corosync or pacemakerd already running, or a CIB that is not one this
 *   test wrote (its `vcs-powervm-test` property), is refused: the test never
 *   touches a real cluster's configuration;
 * - everything the run creates there is removed after it; a run killed
 *   outright leaves a CIB with the marker, which the next run removes.
 *
 * The CIB is seeded before pacemakerd starts (dc-deadtime 2 s, STONITH off:
 * one node, nothing to fence), so that the node is DC within seconds rather
 * than Pacemaker's default 20. Waits are polls with generous limits: the
 * machine may be a loaded 2-CPU one.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const LOCK = existsSync('/run/lock') ? '/run/lock/vcs-powervm-pacemaker-test.lock' : '/tmp/vcs-powervm-pacemaker-test.lock';
const CIB_DIR = '/var/lib/pacemaker/cib';
/** Directories where the daemons leave files: what a run adds is removed after it. */
const STATE_DIRS = ['/var/lib/pacemaker/pengine', '/var/lib/pacemaker/blackbox', '/var/lib/pacemaker/cores', '/var/lib/corosync', '/dev/shm'];
export const TEST_MARKER = 'vcs-powervm-test';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone
  }
}

/** Processes by command name (from /proc: no ps needed). */
export function processesNamed(...names: string[]): { pid: number; name: string }[] {
  const out: { pid: number; name: string }[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const name = readFileSync(`/proc/${d}/comm`, 'utf8').trim();
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      // A zombie (state Z) is gone but for its parent's wait: not running.
      if (names.includes(name) && stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z') out.push({ pid: Number(d), name });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function childrenOf(pids: Set<number>): Set<number> {
  const all = new Set(pids);
  for (let grew = true; grew; ) {
    grew = false;
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d) || all.has(Number(d))) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (all.has(ppid)) {
          all.add(Number(d));
          grew = true;
        }
      } catch {
        // gone
      }
    }
  }
  return all;
}

export interface ClusterOptions {
  /** A directory of the test's own (corosync.conf, the logs). */
  dir: string;
  /** This node's name (corosync nodelist, Pacemaker's node name). */
  node: string;
  /** The environment of pacemakerd, hence of every agent it runs. */
  env: NodeJS.ProcessEnv;
  /** How long to wait for the lock held by another run. */
  lockWaitMs?: number;
  /** Other nodes the CIB knows (configured, never started here): offline members of the cluster. */
  otherNodes?: readonly string[];
}

export class TestCluster {
  readonly pacemakerLog: string;
  readonly corosyncLog: string;
  private corosync: ChildProcess | undefined;
  private pacemakerd: ChildProcess | undefined;
  private locked = false;
  private before = new Map<string, Set<string>>();
  private runCrmExisted = true;
  private readonly onExit = () => this.killAll();

  constructor(private readonly o: ClusterOptions) {
    this.pacemakerLog = join(o.dir, 'pacemaker.log');
    this.corosyncLog = join(o.dir, 'corosync.log');
  }

  /** Tools' environment: the CIB of the running cluster, never a file. */
  toolEnv(): NodeJS.ProcessEnv {
    const env = { ...this.o.env };
    delete env.CIB_file;
    delete env.CIB_shadow;
    return env;
  }

  private async lock(): Promise<void> {
    const end = Date.now() + (this.o.lockWaitMs ?? 15 * 60_000);
    for (;;) {
      try {
        const fd = openSync(LOCK, 'wx', 0o644);
        writeSync(fd, `${process.pid}\n`);
        closeSync(fd);
        this.locked = true;
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let owner = NaN;
      try {
        owner = Number(readFileSync(LOCK, 'utf8').trim());
      } catch {
        continue;
      }
      if (!Number.isInteger(owner) || !alive(owner)) {
        rmSync(LOCK, { force: true });
        continue;
      }
      if (Date.now() > end) throw new Error(`another Pacemaker test run (pid ${owner}) holds ${LOCK}`);
      await sleep(1000);
    }
  }

  private unlock(): void {
    if (!this.locked) return;
    try {
      if (readFileSync(LOCK, 'utf8').trim() === String(process.pid)) rmSync(LOCK, { force: true });
    } catch {
      // already gone
    }
    this.locked = false;
  }

  private preflight(): void {
    const running = processesNamed('corosync', 'pacemakerd');
    if (running.length) throw new Error(`a cluster already runs on this machine (${running.map((p) => `${p.name} ${p.pid}`).join(', ')}): this test starts its own and cannot share it`);
    const cib = join(CIB_DIR, 'cib.xml');
    if (existsSync(cib)) {
      if (!readFileSync(cib, 'utf8').includes(`name="${TEST_MARKER}"`)) throw new Error(`${cib} exists and is not this test's: refusing to replace a real cluster's configuration`);
      this.removeCib(); // left by a run that was killed
    }
  }

  private removeCib(): void {
    for (const f of readdirSync(CIB_DIR)) if (/^cib(\.|-)/.test(f)) rmSync(join(CIB_DIR, f), { force: true });
  }

  private seedCib(): void {
    const xml = `<cib crm_feature_set="3.16.1" validate-with="pacemaker-3.9" epoch="1" num_updates="0" admin_epoch="0">
  <configuration>
    <crm_config>
      <cluster_property_set id="cib-bootstrap-options">
        <nvpair id="opt-dc-deadtime" name="dc-deadtime" value="2s"/>
        <nvpair id="opt-stonith-enabled" name="stonith-enabled" value="false"/>
        <nvpair id="opt-test-marker" name="${TEST_MARKER}" value="true"/>
      </cluster_property_set>
    </crm_config>
    <nodes>${(this.o.otherNodes ?? []).map((n, i) => `<node id="${i + 2}" uname="${n}"/>`).join('')}</nodes>
    <resources/>
    <constraints/>
  </configuration>
  <status/>
</cib>
`;
    const file = join(CIB_DIR, 'cib.xml');
    writeFileSync(file, xml, { mode: 0o600 });
    const st = statSync(CIB_DIR);
    chownSync(file, st.uid, st.gid);
  }

  async start(): Promise<void> {
    await this.lock();
    process.on('exit', this.onExit);
    this.preflight();
    for (const d of STATE_DIRS) this.before.set(d, new Set(existsSync(d) ? readdirSync(d) : []));
    this.runCrmExisted = existsSync('/run/crm');
    mkdirSync(this.o.dir, { recursive: true });
    const conf = join(this.o.dir, 'corosync.conf');
    writeFileSync(
      conf,
      [
        'totem {',
        '  version: 2',
        `  cluster_name: ${TEST_MARKER}`,
        '  transport: knet',
        '  crypto_cipher: none',
        '  crypto_hash: none',
        '}',
        'nodelist {',
        '  node {',
        `    name: ${this.o.node}`,
        '    nodeid: 1',
        '    ring0_addr: 127.0.0.1',
        '  }',
        '}',
        'quorum {',
        '  provider: corosync_votequorum',
        '}',
        'logging {',
        '  to_stderr: no',
        '  to_syslog: no',
        '  to_logfile: yes',
        `  logfile: ${this.corosyncLog}`,
        '  timestamp: on',
        '}',
        '',
      ].join('\n'),
    );
    this.seedCib();
    this.corosync = spawn('corosync', ['-f', '-c', conf], { detached: true, stdio: 'ignore' });
    await this.waitFor(() => spawnSync('corosync-quorumtool', ['-s'], { stdio: 'ignore' }).status === 0, 60_000, 'corosync quorate');
    this.pacemakerd = spawn('pacemakerd', [], {
      detached: true,
      stdio: 'ignore',
      env: { ...this.o.env, PCMK_logfile: this.pacemakerLog, PCMK_logfacility: 'none', PCMK_blackbox: 'no' },
    });
    await this.waitFor(() => {
      const r = this.crmMon();
      return r !== undefined && /<current_dc present="true"/.test(r) && new RegExp(`<node name="${this.o.node}"[^>]*online="true"`).test(r);
    }, 180_000, `${this.o.node} online and DC`);
  }

  /** crm_mon's XML, or undefined when it cannot tell. */
  crmMon(): string | undefined {
    const r = spawnSync('crm_mon', ['--one-shot', '--output-as=xml', '--inactive'], { encoding: 'utf8', env: this.toolEnv(), timeout: 30_000 });
    return r.status === 0 ? r.stdout : undefined;
  }

  /** Runs a Pacemaker tool against the running cluster; throws with its output when it fails. */
  tool(cmd: string, ...args: string[]): string {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: this.toolEnv(), timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: exit ${r.status}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  /** Adds a resource (a primitive's XML) to the running cluster's configuration. */
  createResource(xml: string): void {
    this.tool('cibadmin', '--create', '--scope', 'resources', '--xml-text', xml);
  }

  async waitFor(what: () => boolean | Promise<boolean>, timeoutMs: number, label: string): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (await what()) return;
      if (Date.now() > end) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${label}${this.pacemakerd ? `\n--- pacemaker.log (last lines)\n${this.logTail(40)}` : ''}`);
      await sleep(500);
    }
  }

  logTail(lines: number): string {
    try {
      return readFileSync(this.pacemakerLog, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGKILL to every process of ours still there (an exit handler: synchronous). */
  private killAll(): void {
    const roots = new Set([this.pacemakerd?.pid, this.corosync?.pid].filter((p): p is number => p !== undefined));
    for (const pid of childrenOf(roots)) kill(pid);
  }

  private async exited(p: ChildProcess | undefined, ms: number): Promise<boolean> {
    if (!p || p.exitCode !== null || p.signalCode !== null) return true;
    return Promise.race([new Promise<boolean>((r) => p.once('exit', () => r(true))), sleep(ms).then(() => false)]);
  }

  /** Stops pacemakerd (which stops the resources), then corosync; kills what does not stop; removes what the run left. */
  async stop(): Promise<void> {
    try {
      if (this.pacemakerd && !(this.pacemakerd.exitCode !== null || this.pacemakerd.signalCode !== null)) {
        const family = childrenOf(new Set([this.pacemakerd.pid!]));
        this.pacemakerd.kill('SIGTERM');
        if (!(await this.exited(this.pacemakerd, 180_000))) this.pacemakerd.kill('SIGKILL');
        await this.exited(this.pacemakerd, 10_000);
        // Its daemons run in sessions of their own: any left are killed.
        for (const pid of family) kill(pid);
      }
      if (this.corosync && !(this.corosync.exitCode !== null || this.corosync.signalCode !== null)) {
        this.corosync.kill('SIGTERM');
        if (!(await this.exited(this.corosync, 30_000))) this.corosync.kill('SIGKILL');
        await this.exited(this.corosync, 10_000);
      }
    } finally {
      this.killAll();
      process.off('exit', this.onExit);
      this.removeCib();
      for (const [d, had] of this.before) {
        if (!existsSync(d)) continue;
        for (const f of readdirSync(d)) {
          // Only what the daemons make: pe-*, ringid_*, qb-* (libqb's shared memory), blackbox and core files.
          if (!had.has(f) && (d !== '/dev/shm' || f.startsWith('qb-'))) rmSync(join(d, f), { recursive: true, force: true });
        }
      }
      if (!this.runCrmExisted) {
        try {
          rmdirSync('/run/crm');
        } catch {
          // not empty or gone
        }
      }
      this.unlock();
    }
  }
}
