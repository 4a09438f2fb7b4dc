/**
 * `defineAgent()`: what an agent is — its type name and its entry points —
 * and the context every entry point receives.
 *
 *   export default defineAgent<{ PathName: string }>({
 *     type: 'SampleFile',
 *     entryPoints: {
 *       async monitor(ctx) { return existsSync(ctx.attributes.PathName) ? 'online' : 'offline'; },
 *     },
 *   });
 *
 * An entry point is an async function; the framework turns what it returns
 * (or throws) into the exit code VCS expects. See exitcodes.ts.
 */
import type { Config } from '../cf/model.js';
import type { AttrValue, Attributes } from './attributes.js';
import type { AbortSignalLike, UrlLike } from '../portable-types.js';
import type { CommandRunner } from './command-types.js';
import { ENTRY_POINTS, type EntryPointName, isValidActionToken } from './entrypoints.js';
import type { MonitorResult } from './exitcodes.js';
import type { AgentLogger } from './log.js';

/** Where VCS keeps things (environment, with VCS's defaults). */
export interface VcsPaths {
  /** $VCS_HOME, default /opt/VRTSvcs */
  home: string;
  /** $VCS_CONF, default /etc/VRTSvcs */
  conf: string;
  /** $VCS_LOG, default /var/VRTSvcs */
  log: string;
}

/** A cluster node as the cluster engine sees it. */
export interface ClusterNodeState {
  /**
   * `up`: a member, or gone in a way that does not prove it down (left on
   * purpose); `down`: it left without saying so; `unknown`: the engine
   * cannot tell.
   */
  state: 'up' | 'down' | 'unknown';
  /** The engine's own words for it, for the log (RUNNING, online, lost...). */
  detail: string;
}

/**
 * The cluster engine running an entry point when it is not VCS (the OCF
 * face sets Pacemaker's): it answers what VCS's CLI answers under VCS.
 */
export interface ClusterEngine {
  /** Its name, for the log: "Pacemaker". */
  readonly name: string;
  /** A cluster system's attribute (under VCS: `hasys -value SYSTEM ATTR`); undefined when not set. */
  systemAttribute(system: string, attribute: string): Promise<string | undefined>;
  /** Every cluster node with its state (empty when the engine cannot be asked). */
  nodes?(): Promise<Map<string, ClusterNodeState>>;
}

/** What every entry point gets. */
export interface BaseContext {
  type: string;
  entryPoint: EntryPointName;
  /** The local system's name: --system, else $VCS_CONF/conf/sysname, else the host name. */
  readonly system: string;
  log: AgentLogger;
  /** Aborted when the entry point's time is up (or the process is told to stop). */
  signal: AbortSignalLike;
  /** The time limit in seconds (MonitorTimeout, OnlineTimeout, ...), 0 for none. */
  timeoutSeconds: number;
  /** Epoch milliseconds at which `signal` fires (Infinity without a limit). */
  deadline: number;
  /** Runs a local command: argv array, no shell, bounded by `signal`. */
  run: CommandRunner;
  vcs: VcsPaths;
  /** Static attribute values of the type known to this process (type defaults, overrides with --config). */
  statics: Readonly<Record<string, AttrValue>>;
  /** The configuration, when run with --config (outside VCS). */
  config?: Config;
  /** The cluster engine when it is not VCS (Pacemaker, through the OCF face); undefined under VCS. */
  engine?: ClusterEngine;
}

export interface ResourceContext<A extends object = Attributes> extends BaseContext {
  resource: string;
  /** The ArgList attributes, typed and validated against the type definition. */
  attributes: Readonly<A>;
  /** Set when the type's AEPTimeout is 1: the timeout VCS passed. */
  aepTimeout?: number;
  /** ContainerInfo, when VCS passes it (ContainerOpts PassCInfo). */
  containerInfo?: Readonly<Record<string, string>>;
}

/** Clean reasons VCS passes (research/vcs-facts.md §1.2). */
export const CLEAN_REASONS = [
  'offline-hung',
  'offline-ineffective',
  'online-hung',
  'online-ineffective',
  'unexpected-offline',
  'monitor-hung',
] as const;
export type CleanReason = (typeof CLEAN_REASONS)[number];

export interface CleanContext<A extends object = Attributes> extends ResourceContext<A> {
  cleanReason: CleanReason;
  /** The number VCS passed (0–5). */
  cleanReasonCode: number;
}

export interface InfoContext<A extends object = Attributes> extends ResourceContext<A> {
  /** 1: add and initialize the static and dynamic ResourceInfo keys; 2: update the dynamic ones. */
  infoOp: 'initialize' | 'update';
}

export interface ActionContext<A extends object = Attributes> extends ResourceContext<A> {
  token: string;
  /** `hares -action ... -actionargs a b c` */
  args: string[];
}

export interface MigrateContext<A extends object = Attributes> extends ResourceContext<A> {
  /** The system to migrate to (VCSInfo TargetHost). */
  targetHost: string;
  vcsInfo: Readonly<Record<string, string>>;
}

export interface AttrChangedContext<A extends object = Attributes> extends ResourceContext<A> {
  changed: { resource: string; attribute: string; value: string[] };
}

export interface ImfRegisterContext<A extends object = Attributes> extends ResourceContext<A> {
  imf: { monitor: 'start' | 'stop'; state: 'online' | 'offline' };
}

/** imf_init, imf_getnotification and shutdown concern the type, not one resource. */
export type TypeContext = BaseContext;

type Awaitable<T> = T | Promise<T>;

export type ActionHandler<A extends object> = (ctx: ActionContext<A>) => Awaitable<string | void>;

export interface EntryPoints<A extends object = Attributes> {
  /** Required: VCS cannot manage a resource it cannot monitor. */
  monitor(ctx: ResourceContext<A>): Awaitable<MonitorResult>;
  open?(ctx: ResourceContext<A>): Awaitable<void>;
  close?(ctx: ResourceContext<A>): Awaitable<void>;
  /** Returns the seconds VCS should wait before monitoring (usually nothing: 0). */
  online?(ctx: ResourceContext<A>): Awaitable<number | void>;
  offline?(ctx: ResourceContext<A>): Awaitable<number | void>;
  /** Returns nothing (or true) when the resource is cleaned; throws or returns false otherwise. */
  clean?(ctx: CleanContext<A>): Awaitable<boolean | void>;
  shutdown?(ctx: TypeContext): Awaitable<void>;
  /** Returns the seconds to wait before monitoring; the exit code is a tenth of it (0–100). */
  migrate?(ctx: MigrateContext<A>): Awaitable<number | void>;
  attr_changed?(ctx: AttrChangedContext<A>): Awaitable<void>;
  /** Returns the text VCS stores in ResourceInfo (key Msg). */
  info?(ctx: InfoContext<A>): Awaitable<string | void>;
  /** One handler per action token (SupportedActions); returns the output `hares -action` shows. */
  action?: Readonly<Record<string, ActionHandler<A>>>;
  imf_init?(ctx: TypeContext): Awaitable<number | void>;
  imf_register?(ctx: ImfRegisterContext<A>): Awaitable<number | void>;
  /** Long-lived: waits for events; returns 0 ok, 1 failure, 3 interrupted, 4 critical. */
  imf_getnotification?(ctx: TypeContext): Awaitable<number | void>;
}

export interface AgentDefinition<A extends object = Attributes> {
  /** The resource type, as in types.cf. */
  type: string;
  /**
   * The types.cf that defines the type, for agents loaded with --module
   * (registry entries name it themselves); relative to the module file.
   */
  typesFile?: string | UrlLike;
  /** Message catalog number: the <n> of V-16-<n>-<id>. Default 50000. */
  catalog?: number;
  /** More attribute names whose values must never be logged (password-like names are found on their own). */
  secrets?: readonly string[];
  /**
   * Extra JSON Schema constraints per attribute, checked with the schema
   * generated from types.cf (for example a pattern for a name the agent
   * passes to a remote command).
   */
  attributeSchemas?: { readonly [K in keyof A & string]?: object };
  /**
   * ArgList attributes that say which resource this is (an LPAR's
   * LPARName): under Pacemaker a change of one restarts the resource, a
   * change of any other takes effect at the next operation, as under VCS.
   */
  identity?: readonly (keyof A & string)[];
  /**
   * What the agent reads besides its ArgList, so that faces other than
   * VCS's can offer it (the OCF face makes each a parameter: docs/pacemaker.md).
   */
  inputs?: {
    /** Cluster system attributes it reads with systemAttribute(): name → what it is, in one sentence. */
    systemAttributes?: Readonly<Record<string, string>>;
    /** It reaches devices over SSH (framework/remote): the face may name an ssh_config file for it. */
    ssh?: boolean;
  };
  entryPoints: EntryPoints<A>;
}

declare const agentBrand: unique symbol;

export type Agent<A extends object = Attributes> = Readonly<AgentDefinition<A>> & { readonly [agentBrand]: true };

export const DEFAULT_CATALOG = 50000;

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Checks the definition's shape once, where the mistake is made, rather than when VCS first calls it. */
export function defineAgent<A extends object = Attributes>(def: AgentDefinition<A>): Agent<A> {
  const where = `defineAgent(${JSON.stringify(def?.type)})`;
  if (!def || typeof def.type !== 'string' || !TYPE_NAME.test(def.type)) {
    throw new TypeError(`${where}: type must be a type name such as "SampleFile"`);
  }
  const eps = def.entryPoints as unknown as Record<string, unknown>;
  if (!eps || typeof eps.monitor !== 'function') throw new TypeError(`${where}: entryPoints.monitor is required`);
  for (const [name, fn] of Object.entries(eps)) {
    if (!(ENTRY_POINTS as readonly string[]).includes(name)) throw new TypeError(`${where}: unknown entry point ${name}`);
    if (name === 'action') {
      for (const [token, handler] of Object.entries((fn ?? {}) as Record<string, unknown>)) {
        if (!isValidActionToken(token)) throw new TypeError(`${where}: bad action token ${JSON.stringify(token)}`);
        if (typeof handler !== 'function') throw new TypeError(`${where}: action ${token} must be a function`);
      }
    } else if (fn !== undefined && typeof fn !== 'function') {
      throw new TypeError(`${where}: entry point ${name} must be a function`);
    }
  }
  if (def.catalog !== undefined && !(Number.isInteger(def.catalog) && def.catalog >= 0 && def.catalog <= 99999)) {
    throw new TypeError(`${where}: catalog must be an integer 0–99999`);
  }
  return Object.freeze({ ...def }) as Agent<A>;
}

export function isAgent(x: unknown): x is Agent {
  return !!x && typeof x === 'object' && typeof (x as AgentDefinition).type === 'string' && typeof (x as AgentDefinition).entryPoints?.monitor === 'function';
}

/** The entry points an agent implements, actions as `action/TOKEN`. */
export function implementedEntryPoints(agent: Agent): string[] {
  const out: string[] = [];
  for (const name of ENTRY_POINTS) {
    const fn = (agent.entryPoints as unknown as Record<string, unknown>)[name];
    if (name === 'action') {
      for (const token of Object.keys((fn ?? {}) as object)) out.push(`action/${token}`);
    } else if (typeof fn === 'function') {
      out.push(name);
    }
  }
  return out;
}
