/**
 * `vcsagent TYPE EP RESOURCE --config main.cf --system NAME`: the argv VCS
 * would pass to that entry point on that system, built from a configuration
 * — per-system values (`Attr@sys = ...`) chosen, type defaults filled in,
 * AEPTimeout appended when the type asks for it, the group's ContainerInfo
 * when the type's ContainerOpts has PassCInfo = 1 — and the resource-level
 * overrides of static attributes (time limits, LogDbg) the process honours.
 * With RunInContainer = 1 it also says which container the entry point runs
 * in (container.ts); the command line then runs it there.
 */
import type { Config, GroupDef, ResourceDef } from '../cf/model.js';
import { AgentError } from '../errors.js';
import { argListType, encodeArgList, passedContainerInfo } from './arglist.js';
import { type AttrValue, valueToAttr } from './attributes.js';
import { type ContainerRef, containerFor } from './container.js';
import type { VcsPaths } from './define.js';
import { localSystemName } from './dispatch.js';
import { ENTRY_POINT_SPECS, type EntryPointRef } from './entrypoints.js';
import { type AgentTypeInfo, entryPointTimeout } from './typeinfo.js';

export interface ConfigRequest {
  configPath: string;
  system?: string;
  resource: string;
  type: string;
  ref: EntryPointRef;
  /** clean reason, resinfo_op, mswitch/rstate: given on the command line. */
  leading: string[];
  /** migrate: the system to migrate to (VCSInfo TargetHost). */
  target?: string;
  actionArgs?: string[];
  /** The agent's own idea of the type, for what the configuration does not define. */
  info: AgentTypeInfo;
  paths: VcsPaths;
}

export interface ConfigInvocation {
  /** What VCS would pass after the resource name. */
  args: string[];
  config: Config;
  system: string;
  staticOverrides: Record<string, AttrValue>;
  group: GroupDef;
  resource: ResourceDef;
  /** The container its entry points run in on this system (RunInContainer), if any. */
  container?: ContainerRef;
}

export interface ResolvedResource {
  config: Config;
  group: GroupDef;
  resource: ResourceDef;
  system: string;
}

/** Loads the configuration and finds the resource; every problem is one VCSPVM_AGENT_CONFIG (or read) error. */
export async function resolveResource(configPath: string, resourceName: string, type: string, system: string | undefined, paths: VcsPaths): Promise<ResolvedResource> {
  const { loadConfig } = await import('../cf/load.js');
  const { attributeValue } = await import('../cf/values.js');
  const { config, errors } = loadConfig(configPath);
  const fail = (detail: string) => new AgentError('VCSPVM_AGENT_CONFIG', { resource: resourceName, file: config.file, detail });
  if (errors.length > 0) throw fail(errors[0]!.message);
  let found: { group: GroupDef; resource: ResourceDef } | undefined;
  for (const group of config.groups) {
    const resource = group.resources.find((r) => r.name === resourceName);
    if (resource) found = { group, resource };
  }
  if (!found) throw fail('no such resource');
  if (found.resource.type !== type) throw fail(`is of type ${found.resource.type}, not ${type}`);
  const sys = system ?? localSystemName(paths);
  const list = attributeValue(found.group, 'SystemList');
  if (list) {
    const members = list.kind === 'association' ? list.entries.map((e) => e.key) : list.kind === 'scalar' ? [String(list.value)] : list.items.map(String);
    if (!members.includes(sys)) throw fail(`system ${sys} is not in the SystemList of group ${found.group.name} (${members.join(', ')})`);
  }
  return { config, ...found, system: sys };
}

/** Static attribute values for this resource on this system: overrides, type defaults, engine defaults. */
export async function staticsFor(r: ResolvedResource, info: AgentTypeInfo): Promise<Record<string, AttrValue>> {
  const { typeDefinition } = await import('../cf/values.js');
  const { staticInForce } = await import('./statics.js');
  const { TYPE_STATIC_ATTRIBUTES } = await import('../cf/builtins.js');
  const names = new Set([...TYPE_STATIC_ATTRIBUTES.map((a) => a.name), ...Object.keys(info.statics)]);
  for (const a of typeDefinition(r.config, r.resource.type)?.attributes ?? []) if (a.static) names.add(a.name);
  const out: Record<string, AttrValue> = {};
  for (const name of names) {
    const v = staticInForce(r.config, r.resource, name, r.system);
    if (v) out[name] = valueToAttr(v);
  }
  return out;
}

/** The container the resource's entry points run in on its system (ContainerOpts RunInContainer, ContainerInfo enabled there). */
export async function containerOf(r: ResolvedResource): Promise<ContainerRef | undefined> {
  const { attributeValue, effectiveStatic } = await import('../cf/values.js');
  return containerFor(effectiveStatic(r.config, r.resource, 'ContainerOpts', r.system), attributeValue(r.group, 'ContainerInfo', r.system));
}

/** The argv after the resource name, exactly as VCS would build it for this resource on this system. */
export async function argvFor(r: ResolvedResource, info: AgentTypeInfo, ep: EntryPointRef, statics: Readonly<Record<string, AttrValue>>, extra: { leading?: string[]; target?: string; actionArgs?: string[] } = {}): Promise<string[]> {
  const { attributeValue, typeDefinition } = await import('../cf/values.js');
  const { RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES } = await import('../cf/builtins.js');
  const spec = ENTRY_POINT_SPECS[ep.name];
  if (!spec.argList) return [...(extra.leading ?? [])];
  // VCS builds ArgListValues from the running configuration's type definition.
  const def = typeDefinition(r.config, r.resource.type) ?? { name: info.name, argList: info.argList, attributes: info.attributes };
  const codec = argListType(def, [...TYPE_STATIC_ATTRIBUTES, ...RESOURCE_ATTRIBUTES]);
  const aep = statics.AEPTimeout === 1 ? entryPointTimeout(ep.name, statics) : 0;
  const { staticInForce } = await import('./statics.js');
  const containerInfo = passedContainerInfo(staticInForce(r.config, r.resource, 'ContainerOpts', r.system), attributeValue(r.group, 'ContainerInfo', r.system));
  const tokens = encodeArgList(codec, (name) => attributeValue(r.resource, name, r.system), {
    resource: r.resource.name,
    ...(aep > 0 ? { aepTimeout: aep } : {}),
    ...(ep.name === 'migrate' ? { vcsInfo: { TargetHost: extra.target ?? '' } } : {}),
    ...(containerInfo ? { containerInfo } : {}),
  });
  return [...(extra.leading ?? []), ...tokens, ...(ep.name === 'action' ? (extra.actionArgs ?? []) : [])];
}

/**
 * The --config form of an entry point that concerns no resource (shutdown,
 * imf_init, imf_getnotification): VCS passes nothing from the configuration,
 * but the process still learns its system and the configuration it runs under.
 */
export async function configForAgent(configPath: string, type: string, system: string | undefined, paths: VcsPaths): Promise<{ config: Config; system: string }> {
  const { loadConfig } = await import('../cf/load.js');
  const { config, errors } = loadConfig(configPath);
  if (errors.length > 0) throw new AgentError('VCSPVM_AGENT_CONFIG', { resource: `(agent ${type})`, file: config.file, detail: errors[0]!.message });
  const sys = system ?? localSystemName(paths);
  if (config.systems.length > 0 && !config.systems.some((s) => s.name === sys)) {
    throw new AgentError('VCSPVM_AGENT_CONFIG', { resource: `(agent ${type})`, file: config.file, detail: `system ${sys} is not defined` });
  }
  return { config, system: sys };
}

export async function configInvocation(req: ConfigRequest): Promise<ConfigInvocation> {
  const r = await resolveResource(req.configPath, req.resource, req.type, req.system, req.paths);
  const spec = ENTRY_POINT_SPECS[req.ref.name];
  if (req.leading.length !== spec.leading.length) {
    throw new AgentError('VCSPVM_AGENT_CONFIG', {
      resource: req.resource,
      file: r.config.file,
      detail: spec.leading.length ? `${req.ref.name} needs ${spec.leading.join(' ')} before --config` : `${req.ref.name} takes no arguments before --config`,
    });
  }
  if (req.ref.name === 'migrate' && !req.target) {
    throw new AgentError('VCSPVM_AGENT_CONFIG', { resource: req.resource, file: r.config.file, detail: 'migrate needs --target SYSTEM' });
  }
  const statics = await staticsFor(r, req.info);
  const args = await argvFor(r, req.info, req.ref, statics, { leading: req.leading, ...(req.target ? { target: req.target } : {}), actionArgs: req.actionArgs ?? [] });
  const container = await containerOf(r);
  return { args, config: r.config, system: r.system, staticOverrides: statics, group: r.group, resource: r.resource, ...(container ? { container } : {}) };
}
