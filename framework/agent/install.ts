/**
 * `vcsagent install --vcs-home DIR [--conf-dir DIR] [--ocf-root DIR] [--module FILE]... [TYPE...]`
 * `vcsagent install --ocf-root DIR [--module FILE]... [TYPE...]`
 *
 * With --ocf-root DIR, each type is also (or only) laid out as an OCF
 * resource agent, DIR/resource.d/vcs-powervm/<Type> (framework/ocf/install.ts).
 *
 * Lays an agent out as VCS's script agent expects it (research/vcs-facts.md §1.1):
 *
 *   DIR/bin/<Type>/<entry_point>        one small executable per entry point
 *   DIR/bin/<Type>/actions/<token>      one per action token
 *   DIR/bin/<Type>/<Type>Agent          -> ../Script51Agent (the V51 script agent binary)
 *   DIR/bin/<Type>/<Type>Types.cf       the type definition
 *   CONF/<Type>/<Type>Types.cf          where VCS reads agent types (/etc/VRTSagents/ha/conf)
 *
 * The type definition goes to CONF when --conf-dir is given or when DIR is
 * the real VCS home (/opt/VRTSvcs); a staging DIR keeps everything under DIR.
 * Each executable runs `vcsagent TYPE ENTRY_POINT "$@"` with a node named by
 * a path that survives upgrades (--node PATH, else install-paths.ts), so
 * VCS's environment need not know where node is. An agent given with
 * --module is precompiled (`vcsagent precompile --module`) so that its
 * entry points start as fast as a registered agent's. Files are replaced
 * atomically; executables this command wrote before for entry points the
 * agent no longer has are removed.
 */
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseCommandLine } from '../cli-args.js';
import { AgentError, UsageError, isVcsPowervmError } from '../errors.js';
import { writeFileAtomic } from '../fs.js';
import { implementedEntryPoints } from './define.js';
import { type MainOptions, MODULE_OPTION, outputs } from './main-options.js';
import { type RegistryEntry, findEntry, loadAgent, withModules } from './registry.js';
import { typesPathOf } from './typeload.js';
import { checkPackageHome, chooseNode, stablePackagePaths } from './install-paths.js';

const DEFAULT_VCS_HOME = '/opt/VRTSvcs';
const DEFAULT_AGENTS_CONF = '/etc/VRTSagents/ha/conf';
/** The script agent binary for V51 agents (name-value ArgList, intentional offline). */
const SCRIPT_AGENT = 'Script51Agent';
/** Marks the executables this command writes, so a reinstall knows which ones are its own. */
const MARKER = '# vcsagent entry point wrapper';

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function wrapperScript(node: string, self: string, modulePath: string | undefined, type: string, entryPoint: string): string {
  const argv = [node, self, ...(modulePath ? ['--module', modulePath] : []), type, entryPoint].map(shellQuote).join(' ');
  // VCSAGENT_INSTALLED tells vcsagent that VCS is the caller: errors go to the agent log only.
  return `#!/bin/sh\n${MARKER}: ${type} ${entryPoint}\n# VCS runs this as: <this file> <resource> <ArgList values...>. Written by vcsagent install; reinstall rather than edit.\nVCSAGENT_INSTALLED=1; export VCSAGENT_INSTALLED\nexec ${argv} "$@"\n`;
}

interface InstallArgs {
  vcsHome?: string;
  ocfRoot?: string;
  confDir?: string;
  node?: string;
  modules: string[];
  types: string[];
}

export const usage = `usage:
  vcsagent install --vcs-home DIR [--conf-dir DIR] [--node PATH] [--ocf-root DIR] [--module FILE]... [TYPE...]
  vcsagent install --ocf-root DIR [--node PATH] [--module FILE]... [TYPE...]

Lays agents out as VCS's script agent runs them: DIR/bin/<Type>/<entry point>
wrappers, the <Type>Agent link to Script51Agent, <Type>Types.cf, and trigger
scripts in DIR/bin/triggers. Without TYPE: every agent of the package (and
those given with --module). Run it again after an upgrade; it replaces its
own files atomically and removes wrappers of entry points an agent dropped.

  --vcs-home DIR   VCS's home, /opt/VRTSvcs on a cluster node (a staging
                   directory keeps everything under it)
  --conf-dir DIR   where VCS reads agent types (default /etc/VRTSagents/ha/conf
                   when DIR is /opt/VRTSvcs)
  --node PATH      the node the wrappers run (default: the node on PATH as
                   named there, e.g. /usr/bin/node, when it is the one running
                   this; name one that survives Node upgrades)
  --ocf-root DIR   also (or only) lay each type out as a Pacemaker OCF resource
                   agent, DIR/resource.d/vcs-powervm/<Type> (DIR: /usr/lib/ocf)
  --module FILE    an agent outside this package (its compiled module; repeatable)

Refused when this package runs from npm's cache (npx): install the package
first (docs/install.md).
`;

function parseArgs(argv: string[]): InstallArgs {
  const { values, positionals } = parseCommandLine(argv, { 'vcs-home': { type: 'string' }, 'conf-dir': { type: 'string' }, 'ocf-root': { type: 'string' }, node: { type: 'string' }, ...MODULE_OPTION });
  if (!values['vcs-home'] && !values['ocf-root']) throw new UsageError('--vcs-home DIR (VCS; /opt/VRTSvcs on a cluster node) or --ocf-root DIR (Pacemaker; /usr/lib/ocf) is required');
  if (values['conf-dir'] !== undefined && !values['vcs-home']) throw new UsageError('--conf-dir goes with --vcs-home');
  return {
    ...(values['vcs-home'] ? { vcsHome: values['vcs-home'] } : {}),
    ...(values['ocf-root'] ? { ocfRoot: values['ocf-root'] } : {}),
    ...(values['conf-dir'] !== undefined ? { confDir: values['conf-dir'] } : {}),
    ...(values.node !== undefined ? { node: values.node } : {}),
    modules: values.module ?? [],
    types: positionals,
  };
}

/** The type's definition as its own canonical types.cf (comments kept), cut from the agent's types file. */
async function typeDefinitionText(path: string, type: string): Promise<string> {
  const { readText } = await import('../cf/load.js');
  const { parseCf } = await import('../cf/parse.js');
  const { printCf } = await import('../cf/print.js');
  const { doc, errors } = parseCf(readText(path), path);
  if (errors.length) throw new AgentError('VCSPVM_AGENT_TYPES', { type, detail: errors[0]!.message });
  const node = doc.items.find((n) => n.kind === 'type' && n.def.name === type);
  if (!node) throw new AgentError('VCSPVM_AGENT_TYPES', { type, detail: `${path} does not define type ${type}` });
  return printCf({ file: path, items: [node], trailing: [] });
}

function removeStale(dir: string, keep: Set<string>): string[] {
  const removed: string[] = [];
  if (!existsSync(dir)) return removed;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (keep.has(name) || !lstatSync(path).isFile()) continue;
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      continue;
    }
    if (text.includes(MARKER)) {
      rmSync(path);
      removed.push(path);
    }
  }
  return removed;
}

async function installType(entry: RegistryEntry, opts: { vcsHome: string; confDir?: string; root: string; stableRoot: string; self: string; node: string }): Promise<string[]> {
  const agent = await loadAgent(entry);
  const eps = implementedEntryPoints(agent);
  const dir = join(opts.vcsHome, 'bin', entry.type);
  const actionsDir = join(dir, 'actions');
  mkdirSync(dir, { recursive: true });
  const plain = eps.filter((e) => !e.startsWith('action/'));
  const tokens = eps.filter((e) => e.startsWith('action/')).map((e) => e.slice('action/'.length));
  for (const ep of plain) writeFileAtomic(join(dir, ep), wrapperScript(opts.node, opts.self, entry.modulePath, entry.type, ep), { mode: 0o755 });
  if (tokens.length) mkdirSync(actionsDir, { recursive: true });
  for (const t of tokens) writeFileAtomic(join(actionsDir, t), wrapperScript(opts.node, opts.self, entry.modulePath, entry.type, `action/${t}`), { mode: 0o755 });
  removeStale(dir, new Set(plain));
  removeStale(actionsDir, new Set(tokens));

  const report: string[] = [];
  report.push(`${entry.type}: ${dir}/{${plain.join(',')}}${tokens.length ? ` actions/{${tokens.join(',')}}` : ''}`);

  const link = join(dir, `${entry.type}Agent`);
  const target = join('..', SCRIPT_AGENT);
  let linked = false;
  try {
    linked = lstatSync(link).isSymbolicLink() && readlinkSync(link) === target;
    if (!linked) report.push(`${entry.type}: left ${link} as it was (not a link to ${target})`);
  } catch {
    symlinkSync(target, link);
    linked = true;
  }
  if (linked) report.push(`${entry.type}: agent ${link} -> ${target}${existsSync(join(opts.vcsHome, 'bin', SCRIPT_AGENT)) ? '' : ` (${SCRIPT_AGENT} is not installed in ${opts.vcsHome}/bin yet)`}`);

  report.push(...installTriggers(entry, opts));
  report.push(...(await containerNote(entry, opts)));

  if (entry.modulePath) {
    // As fast as a registered agent: its type definition and validator precompiled next to the module.
    const { precompileEntry } = await import('./precompile.js');
    try {
      report.push(`${entry.type}: type definition precompiled into ${await precompileEntry(entry, opts.root)}`);
    } catch (e) {
      report.push(`${entry.type}: warning: not precompiled (${isVcsPowervmError(e) ? e.message : (e as Error).message}); entry points will parse the types file at each run, more slowly`);
    }
  }

  const text = await typeDefinitionText(typesPathOf(entry, opts.root), entry.type);
  const local = join(dir, `${entry.type}Types.cf`);
  writeFileAtomic(local, text);
  report.push(`${entry.type}: type definition ${local}`);
  if (opts.confDir) {
    const confTypeDir = join(opts.confDir, entry.type);
    mkdirSync(confTypeDir, { recursive: true });
    const conf = join(confTypeDir, `${entry.type}Types.cf`);
    writeFileAtomic(conf, text);
    report.push(`${entry.type}: type definition ${conf}`);
  }
  return report;
}

/**
 * A type whose entry points run inside WPARs (ContainerOpts RunInContainer =
 * 1): VCS runs these wrappers there through clogin, at the same path, so the
 * wrapper, node and vcsagent must be visible inside each WPAR. A system WPAR
 * shares the global /usr and /opt (read-only); anything else has to be
 * mounted in or installed there (docs/wpar.md).
 */
async function containerNote(entry: RegistryEntry, opts: { vcsHome: string; root: string; self: string; node: string }): Promise<string[]> {
  const { parseTypeDef } = await import('./typeload.js');
  const def = await parseTypeDef(typesPathOf(entry, opts.root), entry.type);
  const co = def.attributes.find((a) => a.name === 'ContainerOpts')?.default;
  const run = co?.kind === 'association' ? co.entries.find((e) => e.key === 'RunInContainer')?.value : undefined;
  if (String(run ?? '0') !== '1') return [];
  const shared = (p: string) => /^\/(usr|opt)\//.test(p);
  const paths = [join(opts.vcsHome, 'bin', entry.type), opts.node, opts.self];
  const hidden = paths.filter((p) => !shared(p));
  return [
    `${entry.type}: entry points run inside WPARs (ContainerOpts RunInContainer = 1): VCS starts these wrappers there through clogin at the same paths; ` +
      (hidden.length ? `${hidden.join(', ')} ${hidden.length === 1 ? 'is' : 'are'} not under /usr or /opt, which system WPARs share: mount ${hidden.length === 1 ? 'it' : 'them'} into each WPAR (mkwpar -M directory=DIR vfs=namefs dev=DIR) or install there too (docs/wpar.md)` : 'they are under /usr and /opt, which system WPARs share (a detached WPAR needs its own copy)'),
  ];
}

const TRIGGER_MARKER = '# vcsagent trigger wrapper';

function triggerScript(node: string, module: string, type: string, name: string): string {
  return `#!/bin/sh\n${TRIGGER_MARKER}: ${type} ${name}\n# VCS runs this as: <this file> <trigger arguments...>. Written by vcsagent install; reinstall rather than edit.\nexec ${[node, module].map(shellQuote).join(' ')} "$@"\n`;
}

/**
 * DIR/bin/triggers/<name> for each trigger of the agent. VCS has one script
 * per trigger name for the whole cluster node, so one that is not ours is
 * left in place, and the report says how to call ours from it.
 */
function installTriggers(entry: RegistryEntry, opts: { vcsHome: string; stableRoot: string; node: string }): string[] {
  const report: string[] = [];
  const triggers = Object.entries(entry.triggers ?? {});
  if (triggers.length === 0) return report;
  const dir = join(opts.vcsHome, 'bin', 'triggers');
  mkdirSync(dir, { recursive: true });
  for (const [name, rel] of triggers) {
    const module = resolve(opts.stableRoot, rel);
    const path = join(dir, name);
    let current: string | undefined;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      current = undefined;
    }
    if (current !== undefined && !current.includes(TRIGGER_MARKER)) {
      report.push(`${entry.type}: left the existing trigger ${path} as it was; call ours from it: ${shellQuote(opts.node)} ${shellQuote(module)} "$@"`);
      continue;
    }
    writeFileAtomic(path, triggerScript(opts.node, module, entry.type, name), { mode: 0o755 });
    report.push(`${entry.type}: trigger ${path}`);
  }
  return report;
}

export async function run(argv: string[], opts: MainOptions): Promise<number> {
  const { out, err } = outputs(opts);
  const a = parseArgs(argv);
  const env = opts.env ?? process.env;
  const notes = checkPackageHome(opts.root, env);
  const { node, warnings } = chooseNode(a.node, env);
  const stable = stablePackagePaths(opts.self, opts.root);
  for (const w of [...notes, ...warnings]) err(`vcsagent install: ${w}\n`);
  const vcsHome = a.vcsHome !== undefined ? resolve(a.vcsHome) : undefined;
  const confDir = a.confDir !== undefined ? resolve(a.confDir) : vcsHome === DEFAULT_VCS_HOME ? DEFAULT_AGENTS_CONF : undefined;
  const registry = await withModules(opts.registry, a.modules);
  const entries: RegistryEntry[] = [];
  for (const t of a.types) {
    const entry = findEntry(registry, t);
    if (!entry) throw new AgentError('VCSPVM_AGENT_UNKNOWN_TYPE', { type: t });
    entries.push(entry);
  }
  // By default: every agent that is not an example, a --module one instead of a registered one of its type.
  if (a.types.length === 0) entries.push(...registry.filter((e) => !e.example && findEntry(registry, e.type) === e));
  if (entries.length === 0) {
    err(`vcsagent install: no agent to install by default; name a TYPE (registered: ${registry.map((e) => e.type).join(', ') || 'none'})\n`);
    return 2;
  }
  let failed = 0;
  for (const entry of entries) {
    try {
      const lines = vcsHome ? await installType(entry, { vcsHome, ...(confDir ? { confDir } : {}), root: opts.root, stableRoot: stable.root, self: stable.self, node }) : [];
      if (a.ocfRoot !== undefined) {
        // installType precompiles an agent module; an OCF-only install does it here.
        if (!vcsHome && entry.modulePath) lines.push(`${entry.type}: type definition precompiled into ${await (await import('./precompile.js')).precompileEntry(entry, opts.root)}`);
        const { installOcfAgent } = await import('../ocf/install.js');
        lines.push(installOcfAgent({ ocfRoot: resolve(a.ocfRoot), node, self: stable.self, type: entry.type, modulePath: entry.modulePath }));
      }
      out(lines.map((l) => `${l}\n`).join(''));
    } catch (e) {
      failed++;
      err(`vcsagent install: ${entry.type}: ${isVcsPowervmError(e) ? e.message : (e as Error).message}\n`);
    }
  }
  if (!failed && vcsHome && !confDir) {
    out(`to make the types known to VCS: copy each <Type>Types.cf to ${DEFAULT_AGENTS_CONF}/<Type>/ (or pass --conf-dir), or include it in main.cf\n`);
  }
  return failed ? 1 : 0;
}
