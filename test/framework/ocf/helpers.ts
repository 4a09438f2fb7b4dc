/**
 * The OCF face over real parts: the LPAR bench (hmcsim over SSH, the
 * simulated AIX commands) plus an OCF root laid out by `vcsagent install
 * --ocf-root`, an ssh_config of absolute paths (no HOME involved, as under
 * Pacemaker), and the agent run as an OCF resource manager runs it: the
 * action as its argument, the parameters in OCF_RESKEY_*.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Bench, NODE_A, NODE_B, ROOT, SEED_LPAR, VCSAGENT } from '../../agents/lpar/helpers/harness.js';

export { ROOT, VCSAGENT, NODE_A, NODE_B, SEED_LPAR };

export interface OcfRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** The seed LPAR's parameters on node A (managed system sys1). */
export function seedParams(sshConfig: string): Record<string, string> {
  return {
    LPARName: SEED_LPAR,
    MCName: 'hmc6 hmc7',
    MCUser: 'hscroot hscroot',
    VIOSName: 'aixnode55vio1 aixnode55vio2',
    PhysicalServer: 'sys1',
    ssh_config: sshConfig,
  };
}

export class OcfBench {
  readonly bench: Bench;
  readonly ocfRoot: string;
  readonly sshConfig: string;
  /** A HOME with nothing in it: the agent must not need root's ~/.ssh. */
  readonly emptyHome: string;

  constructor(opts: ConstructorParameters<typeof Bench>[0] = {}) {
    this.bench = new Bench(opts);
    this.ocfRoot = join(this.bench.dir, 'ocf');
    this.sshConfig = join(this.bench.dir, 'cluster_ssh_config');
    this.emptyHome = join(this.bench.dir, 'empty-home');
    mkdirSync(this.emptyHome, { recursive: true });
    // ocf-tester runs meta-data as nobody: the agent's directory must be reachable (keys stay 0600 in 0700 directories).
    chmodSync(this.bench.dir, 0o755);
  }

  async start(): Promise<this> {
    await this.bench.start();
    const ssh = join(this.bench.home, '.ssh');
    const blocks = this.bench.hmcNames.map((n, i) =>
      [`Host ${n}`, '  HostName 127.0.0.1', `  Port ${this.bench.ports[i]}`, '  User hscroot', `  IdentityFile ${join(ssh, 'id_ed25519')}`, `  UserKnownHostsFile ${join(ssh, 'known_hosts')}`, '  StrictHostKeyChecking yes', '  ConnectTimeout 5'].join('\n'),
    );
    writeFileSync(this.sshConfig, `${blocks.join('\n\n')}\n`, { mode: 0o600 });
    const r = spawnSync(process.execPath, [VCSAGENT, 'install', '--ocf-root', this.ocfRoot, 'LPAR', 'WPAR', 'SampleFile'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`vcsagent install --ocf-root: ${r.stderr}${r.stdout}`);
    return this;
  }

  agent(type: string): string {
    return join(this.ocfRoot, 'resource.d', 'vcs-powervm', type);
  }

  /** The environment an OCF resource manager would give, on top of the bench's (PATH with the simulated AIX commands, VCS_LOG as the state directory). */
  env(instance: string, params: Record<string, string>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.bench.env(), HOME: this.emptyHome, OCF_ROOT: '/usr/lib/ocf', OCF_RESOURCE_INSTANCE: instance, ...extra };
    for (const [k, v] of Object.entries(params)) env[`OCF_RESKEY_${k}`] = v;
    return env;
  }

  run(type: string, action: string, instance: string, params: Record<string, string>, extra: Record<string, string> = {}): Promise<OcfRun> {
    return runProcess(this.agent(type), [action], this.env(instance, params, extra));
  }

  stop(): Promise<void> {
    return this.bench.stop();
  }
}

export function runProcess(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 180_000): Promise<OcfRun> {
  const started = Date.now();
  return new Promise((res) => {
    const p = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const t = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => {
      clearTimeout(t);
      res({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

const SYSTEM_OCF = '/usr/lib/ocf/resource.d';
const LINK_PREFIX = 'vcs-powervm-t';

/**
 * Pacemaker finds OCF agents only under /usr/lib/ocf/resource.d (compiled in): a
 * provider of this test's own, a link to the bench's vcs-powervm directory, so that
 * tests running at the same time never share one. Links left by a killed run
 * (their target gone) are removed first.
 */
export function linkProvider(ocfRoot: string): { provider: string; remove(): void } {
  for (const name of readdirSync(SYSTEM_OCF)) {
    const p = join(SYSTEM_OCF, name);
    if (name.startsWith(LINK_PREFIX) && lstatSync(p).isSymbolicLink() && !existsSync(p)) rmSync(p, { force: true });
  }
  const provider = `${LINK_PREFIX}${process.pid}-${randomBytes(3).toString('hex')}`;
  const link = join(SYSTEM_OCF, provider);
  symlinkSync(join(ocfRoot, 'resource.d', 'vcs-powervm'), link);
  return { provider, remove: () => rmSync(link, { force: true }) };
}

/** An nvpair id from a resource id and a parameter name (ids are XML IDs: letters, digits, - and _). */
const xmlId = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, '_');
export const xmlEscape = (s: string) => s.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

/** A primitive's XML: its parameters, and per-node parameter sets (rules on #uname, as docs/pacemaker.md shows). */
export function primitiveXml(o: { id: string; provider: string; type: string; params: Record<string, string>; perNode?: Record<string, Record<string, string>>; ops?: string; meta?: Record<string, string> }): string {
  const nv = (set: string, p: Record<string, string>) => Object.entries(p).map(([k, v]) => `<nvpair id="${xmlId(`${set}-${k}`)}" name="${xmlEscape(k)}" value="${xmlEscape(v)}"/>`).join('');
  const perNode = Object.entries(o.perNode ?? {})
    .map(([node, p], i) => {
      const set = `${o.id}-on-${xmlId(node)}`;
      return `<instance_attributes id="${set}" score="${100 - i}"><rule id="${set}-rule" score="INFINITY"><expression id="${set}-expr" attribute="#uname" operation="eq" value="${xmlEscape(node)}"/></rule>${nv(set, p)}</instance_attributes>`;
    })
    .join('');
  const meta = o.meta ? `<meta_attributes id="${o.id}-meta">${nv(`${o.id}-meta`, o.meta)}</meta_attributes>` : '';
  return `<primitive id="${o.id}" class="ocf" provider="${o.provider}" type="${o.type}"><instance_attributes id="${o.id}-params">${nv(`${o.id}-params`, o.params)}</instance_attributes>${perNode}${meta}${o.ops ? `<operations>${o.ops}</operations>` : ''}</primitive>`;
}
