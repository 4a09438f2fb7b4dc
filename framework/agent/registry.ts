/**
 * How `vcsagent` finds an agent by its type name. The framework does not know
 * any agent: bin/vcsagent passes the table of agents/registry.ts, and
 * `--module FILE` adds agents that live outside this repository.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AgentError } from '../errors.js';
import { type Agent, isAgent } from './define.js';

export interface RegistryEntry {
  type: string;
  /** The types.cf that defines the type: absolute, or relative to the repository root. */
  typesFile: string;
  /** Imports the agent module (its default export is the defineAgent() result). */
  load(): Promise<unknown>;
  /**
   * VCS triggers the agent ships (`$VCS_HOME/bin/triggers/<name>`): name →
   * the executable module, relative to the repository root.
   */
  triggers?: Readonly<Record<string, string>>;
  /** An example for agent writers: installed only when named. */
  example?: boolean;
  /** Set for an agent given with --module: the module file (installed wrappers pass it on). */
  modulePath?: string;
}

export type AgentRegistry = readonly RegistryEntry[];

export function findEntry(registry: AgentRegistry, type: string): RegistryEntry | undefined {
  return registry.find((e) => e.type === type);
}

function agentOf(mod: unknown): Agent<any> | undefined {
  if (isAgent(mod)) return mod;
  const m = mod as { default?: unknown; agent?: unknown } | undefined;
  if (isAgent(m?.default)) return m!.default as Agent<any>;
  if (isAgent(m?.agent)) return m!.agent as Agent<any>;
  return undefined;
}

export async function loadAgent(entry: RegistryEntry): Promise<Agent<any>> {
  let mod: unknown;
  try {
    mod = await entry.load();
  } catch (e) {
    throw new AgentError('VCSPVM_AGENT_MODULE', { type: entry.type, detail: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  }
  const agent = agentOf(mod);
  if (!agent) throw new AgentError('VCSPVM_AGENT_MODULE', { type: entry.type, detail: 'the module does not export a defineAgent() result' });
  if (agent.type !== entry.type) {
    throw new AgentError('VCSPVM_AGENT_MODULE', { type: entry.type, detail: `the module defines type ${agent.type}` });
  }
  return agent;
}

/**
 * Where an agent module's types.cf is: `typesFile` relative to the module,
 * else relative to a directory above it, up to the module's package root —
 * so that one `typesFile` serves the source (src/agent.ts) and the compiled
 * module (dist/agent.js) alike. A URL or an absolute path is taken as is.
 */
export function resolveTypesFile(typesFile: string | URL, modulePath: string): { path: string; tried: string[] } {
  if (typesFile instanceof URL || typesFile.startsWith('file:')) return { path: fileURLToPath(typesFile), tried: [] };
  if (isAbsolute(typesFile)) return { path: typesFile, tried: [] };
  const tried: string[] = [];
  for (let dir = dirname(modulePath); ; dir = dirname(dir)) {
    const candidate = resolve(dir, typesFile);
    tried.push(candidate);
    if (existsSync(candidate)) return { path: candidate, tried };
    if (existsSync(join(dir, 'package.json')) || dirname(dir) === dir) break;
  }
  return { path: tried[0]!, tried };
}

/**
 * Why an agent module did not load, in the module's terms: a module it
 * imports that is missing is named, without the file of ours that
 * happened to run import() (an internal bundle chunk, meaningless to the reader).
 */
function moduleLoadDetail(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const first = e.message.split('\n')[0]!;
  if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
    const m = /^Cannot find (?:module|package) '([^']+)' imported from (.+)$/.exec(first);
    if (m) return `it imports ${m[1]}, which is not installed or not found (from ${m[2]})`.replace(/ \(from .*\/dist\/vcsagent\/[^)]*\)$/, '');
  }
  return first;
}

/** A registry entry for an agent module given with --module; its typesFile is relative to the module (see resolveTypesFile). */
async function moduleEntry(file: string, cwd = process.cwd()): Promise<RegistryEntry> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  // Said before import() can: its message names the importing file, a chunk of our own bundle.
  if (!existsSync(path)) throw new AgentError('VCSPVM_AGENT_MODULE', { type: path, detail: 'no such file (--module takes the path of a compiled agent module, .js or .mjs)' });
  let mod: unknown;
  try {
    mod = await import(pathToFileURL(path).href);
  } catch (e) {
    throw new AgentError('VCSPVM_AGENT_MODULE', { type: path, detail: moduleLoadDetail(e) });
  }
  const agent = agentOf(mod);
  if (!agent) throw new AgentError('VCSPVM_AGENT_MODULE', { type: path, detail: 'the module does not export a defineAgent() result' });
  if (agent.typesFile === undefined) {
    throw new AgentError('VCSPVM_AGENT_MODULE', { type: agent.type, detail: `${path} does not name its typesFile` });
  }
  const found = resolveTypesFile(agent.typesFile, path);
  if (found.tried.length > 0 && !existsSync(found.path)) {
    throw new AgentError('VCSPVM_AGENT_TYPES', {
      type: agent.type,
      detail: `typesFile ${String(agent.typesFile)} is not at ${found.tried.join(' nor ')}; give it relative to the module file or to a directory above it within its package`,
    });
  }
  return { type: agent.type, typesFile: found.path, load: async () => mod, modulePath: path };
}

/** The registry with the agents given by --module in front: a module wins over a registered type of the same name. */
export async function withModules(registry: AgentRegistry, modules: readonly string[]): Promise<AgentRegistry> {
  const extra: RegistryEntry[] = [];
  for (const m of modules) extra.push(await moduleEntry(m));
  return [...extra, ...registry];
}
