/**
 * From a loaded configuration to what the runner drives on one system: the
 * groups whose SystemList holds the system, their resources with the static
 * attributes in force there (resource override, type default, engine
 * default; per-system values chosen), their ArgList flattened as VCS passes
 * it, and their dependencies. `hares -modify` is applied on top of the
 * configuration here, so the next entry point sees the new value.
 */
import { itemsToValue, ValueError } from '../agent/attributes.js';
import { argListType, encodeArgList, passedContainerInfo } from '../agent/arglist.js';
import { containerFor } from '../agent/container.js';
import { RESOURCE_ATTRIBUTES, TYPE_STATIC_ATTRIBUTES } from '../cf/builtins.js';
import type { Config, GroupDef, ResourceDef, TypeDef, Value } from '../cf/model.js';
import { assocOf, attributeValue, listOf, scalarOf, typeDefinition } from '../cf/values.js';
import { staticInForce } from '../agent/statics.js';
import { NOT_OVERRIDABLE } from '../cf/verify/rules/attributes.js';
import { UsageError } from '../errors.js';
import type { GroupPlan, ModifyOutcome, ResourcePlan, RunPlan } from './runner.js';
import { NUMERIC_SETTINGS, type ResourceSettings, settingsFrom } from './settings.js';

/** The systems of a group's SystemList, in order of priority. */
export function systemListOf(group: GroupDef): string[] {
  const v = attributeValue(group, 'SystemList');
  if (!v) return [];
  if (v.kind === 'association') return [...v.entries].sort((a, b) => Number(a.value ?? 0) - Number(b.value ?? 0)).map((e) => e.key);
  if (v.kind === 'scalar') return [String(v.value)];
  return v.items.map(String);
}

function num(v: Value | undefined, fallback: number): number {
  const s = scalarOf(v);
  const n = typeof s === 'string' && /^-?\d+$/.test(s) ? Number(s) : s;
  return typeof n === 'number' && Number.isFinite(n) ? n : fallback;
}

function str(v: Value | undefined, fallback: string): string {
  const s = scalarOf(v);
  return s === undefined ? fallback : String(s);
}

class ConfigResource {
  private readonly overrides = new Map<string, Value>();
  private readonly typeDef: TypeDef;
  settings: ResourceSettings;

  constructor(
    private readonly config: Config,
    private readonly res: ResourceDef,
    private readonly system: string,
    private readonly group?: GroupDef,
  ) {
    const t = typeDefinition(config, res.type);
    if (!t) throw new UsageError(`${config.file}: resource ${res.name}: type ${res.type} is not defined (include its types.cf)`);
    this.typeDef = t;
    this.settings = this.computeSettings();
  }

  /** A resource attribute, with hares -modify applied. */
  value(name: string): Value | undefined {
    return this.overrides.get(name) ?? attributeValue(this.res, name, this.system);
  }

  /** A static attribute in force for this resource. */
  private staticValue(name: string): Value | undefined {
    return this.overrides.get(name) ?? staticInForce(this.config, this.res, name, this.system);
  }

  private computeSettings(): ResourceSettings {
    const values: Record<string, unknown> = {};
    for (const k of NUMERIC_SETTINGS) {
      const v = this.staticValue(k);
      if (v) values[k] = num(v, NaN);
    }
    const imf = assocOf(this.staticValue('IMF'));
    if (imf) values.IMF = imf;
    const reg = listOf(this.staticValue('IMFRegList'));
    if (reg) values.IMFRegList = reg.map(String);
    const rl = listOf(this.staticValue('RegList'));
    if (rl) values.RegList = rl.map(String);
    return settingsFrom(values as Partial<Record<keyof ResourceSettings, unknown>>);
  }

  attributeDef(name: string) {
    return this.typeDef.attributes.find((a) => a.name === name) ?? TYPE_STATIC_ATTRIBUTES.find((a) => a.name === name) ?? RESOURCE_ATTRIBUTES.find((a) => a.name === name);
  }

  plan(): ResourcePlan {
    const codec = argListType(this.typeDef, [...TYPE_STATIC_ATTRIBUTES, ...RESOURCE_ATTRIBUTES]);
    const self = this;
    const containerInfo = () => passedContainerInfo(this.staticValue('ContainerOpts'), this.group ? attributeValue(this.group, 'ContainerInfo', this.system) : undefined);
    const container = containerFor(this.staticValue('ContainerOpts'), this.group ? attributeValue(this.group, 'ContainerInfo', this.system) : undefined);
    return {
      name: this.res.name,
      type: this.res.type,
      ...(container ? { container } : {}),
      critical: num(this.value('Critical'), 1) !== 0,
      enabled: num(this.value('Enabled'), 1) !== 0,
      operations: ((): 'OnOff' | 'OnOnly' | 'None' => {
        const o = str(this.staticValue('Operations'), 'OnOff');
        return o === 'OnOnly' || o === 'None' ? o : 'OnOff';
      })(),
      monitorOnly: num(this.value('MonitorOnly'), 0) !== 0,
      cleanRetryLimit: num(this.staticValue('CleanRetryLimit'), 0),
      get settings() {
        return self.settings;
      },
      argList: (opts) => {
        const ci = containerInfo();
        return encodeArgList(codec, (name) => this.value(name), {
          resource: this.res.name,
          ...(opts.aepTimeout !== undefined ? { aepTimeout: opts.aepTimeout } : {}),
          ...(opts.vcsInfo ? { vcsInfo: opts.vcsInfo } : {}),
          ...(ci ? { containerInfo: ci } : {}),
        });
      },
      modify: (attribute, items) => this.modify(attribute, items),
    };
  }

  modify(attribute: string, items: string[]): ModifyOutcome {
    const def = this.attributeDef(attribute);
    if (!def) throw new UsageError(`${this.res.type} has no attribute ${attribute}`);
    if (NOT_OVERRIDABLE.has(attribute)) throw new UsageError(`${attribute} belongs to type ${this.res.type} and cannot be overridden per resource (hatype -modify changes it for the type)`);
    let value: Value;
    try {
      value = itemsToValue(def, items);
    } catch (e) {
      if (e instanceof ValueError) throw new UsageError(`${this.res.name}.${attribute}: ${e.message}`);
      throw e;
    }
    this.overrides.set(attribute, value);
    this.settings = this.computeSettings();
    const watched = this.settings.IMFRegList.length > 0 ? this.settings.IMFRegList : this.typeDef.argList;
    return { settings: this.settings, imfRelevant: watched.includes(attribute), regListed: this.settings.RegList.includes(attribute) };
  }
}

export interface PlanOptions {
  /** Only this group (it must be configured for the system). */
  group?: string;
}

/** The runner's view of `config` on `system`. Throws UsageError for what cannot run. */
export function buildPlan(config: Config, system: string, opts: PlanOptions = {}): RunPlan {
  if (config.systems.length > 0 && !config.systems.some((s) => s.name === system)) {
    throw new UsageError(`${config.file}: no system ${system} (systems: ${config.systems.map((s) => s.name).join(', ')})`);
  }
  const groups: GroupPlan[] = [];
  for (const g of config.groups) {
    if (opts.group !== undefined && g.name !== opts.group) continue;
    const systems = systemListOf(g);
    if (!systems.includes(system)) {
      if (opts.group !== undefined) throw new UsageError(`${config.file}: group ${g.name} is not configured for ${system} (SystemList: ${systems.join(', ') || 'none'})`);
      continue;
    }
    if (num(attributeValue(g, 'Enabled', system), 1) === 0) continue;
    const autoStartList = (listOf(attributeValue(g, 'AutoStartList', system)) ?? []).map(String);
    const frozen = num(attributeValue(g, 'Frozen', system), 0) !== 0 || num(attributeValue(g, 'TFrozen', system), 0) !== 0;
    const manageFaults = str(attributeValue(g, 'ManageFaults', system), 'ALL').toUpperCase() === 'NONE' ? 'NONE' : 'ALL';
    groups.push({
      name: g.name,
      manageFaults,
      autoStart: !frozen && num(attributeValue(g, 'AutoStart', system), 1) !== 0 && autoStartList.includes(system),
      resources: g.resources.map((r) => new ConfigResource(config, r, system, g).plan()),
      dependencies: g.dependencies.map((d) => ({ parent: d.parent, child: d.child })),
      systems,
    });
  }
  if (opts.group !== undefined && groups.length === 0) throw new UsageError(`${config.file}: no group ${opts.group}`);
  return { system, groups };
}
