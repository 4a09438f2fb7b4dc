/**
 * vcs-powervm — the API for agent writers:
 *
 *   import { defineAgent } from 'vcs-powervm';
 *   import type { PidFileAttributes } from './PidFileTypes.js';   // vcsagent types PidFileTypes.cf
 *   export default defineAgent<PidFileAttributes>({ type: 'PidFile', typesFile: '../PidFileTypes.cf', entryPoints: { ... } });
 *
 * An ES module only (a CommonJS require gets an error saying so). Its
 * declarations stand alone: a project type-checks against them without
 * @types/node. The main.cf / types.cf language is `vcs-powervm/cf`.
 * docs/writing-agents.md walks through an agent from scratch.
 */
export { CLEAN_REASONS, DEFAULT_CATALOG, defineAgent, implementedEntryPoints, isAgent } from './agent/define.js';
export type {
  ActionContext,
  ActionHandler,
  Agent,
  AgentDefinition,
  AttrChangedContext,
  BaseContext,
  CleanContext,
  CleanReason,
  ClusterEngine,
  ClusterNodeState,
  EntryPoints,
  ImfRegisterContext,
  InfoContext,
  MigrateContext,
  ResourceContext,
  TypeContext,
  VcsPaths,
} from './agent/define.js';
export { ENTRY_POINTS } from './agent/entrypoints.js';
export type { EntryPointName } from './agent/entrypoints.js';
export type { MonitorResult, MonitorState } from './agent/exitcodes.js';
export type { AttrScalar, AttrValue, Attributes } from './agent/attributes.js';
export type { CommandRunner, RunOptions, RunResult } from './agent/command-types.js';
export type { AgentLogger, LogFn } from './agent/log.js';
export type { AbortSignalLike } from './portable-types.js';
