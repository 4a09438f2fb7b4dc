/**
 * The OCF meta-data of a type, generated from its definition: one parameter
 * per ArgList attribute the type defines (engine-maintained ones such as
 * State are VCS's to pass, not an administrator's to set), then the face's
 * own (system attributes, ContainerInfo, ssh_config); actions with time
 * limits from the type's static attributes.
 *
 * Two dialects. For a caller that speaks OCF 1.1 (Pacemaker 2.1 says so in
 * OCF_RA_VERSION_MINOR): `reloadable` on every parameter but the identity
 * ones (`unique-group` on those) and the system attributes, and the
 * reload-agent action: as under VCS, a new value of an attribute takes
 * effect at the next entry point without a restart. For anyone
 * else (ocf-tester, which checks against ra-api-1.dtd, and tools reading
 * resource-agents' metadata.rng): only what OCF 1.0 knows, `unique` instead.
 *
 * Types: int → integer, boolean → boolean, everything else → string (lists
 * and associations in the form of params.ts). Required: the agent's own
 * constraints refuse the attribute's empty value and it has no default.
 */
import type { TypeAttributeDef, Value } from '../cf/model.js';
import { emptyValue, isSecretAttributeName, valueToAttr } from '../agent/attributes.js';
import type { Agent } from '../agent/define.js';
import type { AgentTypeInfo } from '../agent/typeinfo.js';
import type { Validator } from '../agent/schema.js';
import type { TypeDescriptions } from './describe.js';
import { formatParameter } from './params.js';

export interface FaceParameter {
  name: string;
  /** attribute: an ArgList attribute; system: a system attribute for the local node; container: ContainerInfo; ssh: ssh_config. */
  kind: 'attribute' | 'system' | 'container' | 'ssh';
  def?: Pick<TypeAttributeDef, 'name' | 'base' | 'dimension' | 'default'>;
  description?: string;
}

export const SSH_CONFIG_PARAMETER = 'ssh_config';
export const CONTAINER_INFO_PARAMETER = 'ContainerInfo';

/** The type's ContainerOpts key, as a number (RunInContainer, PassCInfo). */
export function containerOpt(info: Pick<AgentTypeInfo, 'statics'>, key: string): number {
  const co = info.statics.ContainerOpts;
  return co && typeof co === 'object' && !Array.isArray(co) ? Number(co[key] ?? 0) : 0;
}

/** ContainerInfo is required where the type manages the container itself (passed, not run in: the WPAR type). */
export function containerInfoRequired(info: Pick<AgentTypeInfo, 'statics'>): boolean {
  return containerOpt(info, 'PassCInfo') === 1 && containerOpt(info, 'RunInContainer') === 0;
}

/** The parameters besides the ArgList's: what the agent says it reads, and ContainerInfo when VCS would pass it. */
export function faceParameters(info: Pick<AgentTypeInfo, 'statics'>, agent: Pick<Agent, 'inputs'>): FaceParameter[] {
  const out: FaceParameter[] = [];
  for (const [name, description] of Object.entries(agent.inputs?.systemAttributes ?? {})) out.push({ name, kind: 'system', description });
  if (containerOpt(info, 'PassCInfo') === 1) out.push({ name: CONTAINER_INFO_PARAMETER, kind: 'container' });
  if (agent.inputs?.ssh) out.push({ name: SSH_CONFIG_PARAMETER, kind: 'ssh' });
  return out;
}

export interface MetadataInput {
  type: string;
  /** The agent's version (the package's). */
  version: string;
  ocf11: boolean;
  info: AgentTypeInfo;
  agent: Agent<any>;
  /** Names of the engine's own resource attributes (State, IState, ...): never parameters. */
  engineAttributes: ReadonlySet<string>;
  descriptions: TypeDescriptions;
  validator: Validator;
  /** The entry points the agent implements. */
  entryPoints: readonly string[];
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** The first sentence, for shortdesc. */
function firstSentence(text: string): string {
  const m = /^(.+?[.!?])(\s|$)/.exec(text);
  const s = (m ? m[1]! : text).trim();
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}

const KIND_WORDS: Record<string, string> = {
  vector: 'a list, blank-separated (an item holding blanks in double quotes)',
  keylist: 'a list of unique keys, blank-separated',
  association: 'key=value pairs, blank-separated',
};

function contentType(def: Pick<TypeAttributeDef, 'base' | 'dimension'> | undefined): string {
  if (!def || def.dimension !== 'scalar') return 'string';
  return def.base === 'int' ? 'integer' : def.base === 'boolean' ? 'boolean' : 'string';
}

function isRequired(def: Pick<TypeAttributeDef, 'name' | 'base' | 'dimension' | 'default'>, validate: Validator): boolean {
  const hasDefault = def.default !== undefined && !(def.default.kind === 'scalar' && def.default.value === '') && !('items' in def.default && def.default.items.length === 0) && !(def.default.kind === 'association' && def.default.entries.length === 0);
  if (hasDefault) return false;
  return !validate({ [def.name]: valueToAttr(emptyValue(def.dimension, def.base)) });
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined);

/** The actions and their recommended time limits (seconds), from the type's statics and what the agent implements. */
export function metadataActions(info: Pick<AgentTypeInfo, 'statics'>, entryPoints: readonly string[], ocf11: boolean): { name: string; timeout: number; interval?: number; depth?: number }[] {
  const s = info.statics;
  const monitor = num(s.MonitorTimeout) ?? 60;
  const has = (ep: string) => entryPoints.includes(ep);
  const out: { name: string; timeout: number; interval?: number; depth?: number }[] = [
    { name: 'start', timeout: (num(s.OnlineTimeout) ?? 300) + monitor },
    { name: 'stop', timeout: (num(s.OfflineTimeout) ?? 300) + (has('clean') ? (num(s.CleanTimeout) ?? 60) : 0) + monitor },
    { name: 'monitor', timeout: monitor, interval: num(s.MonitorInterval) ?? 60, depth: 0 },
  ];
  if (has('migrate')) out.push({ name: 'migrate_to', timeout: (num(s.MigrateTimeout) ?? 600) + monitor }, { name: 'migrate_from', timeout: 2 * monitor });
  if (ocf11) out.push({ name: 'reload-agent', timeout: has('open') ? (num(s.OpenTimeout) ?? 60) : monitor });
  out.push({ name: 'validate-all', timeout: monitor }, { name: 'meta-data', timeout: 5 });
  return out;
}

export function metadataXml(m: MetadataInput): string {
  const identity = new Set<string>(m.agent.identity ?? []);
  const secrets = new Set([...(m.agent.secrets ?? [])]);
  const lines: string[] = [];
  const param = (p: { name: string; required: boolean; identity: boolean; reloadable?: boolean; short: string; long: string; type: string; default?: string }) => {
    const attrs = [`name="${escapeXml(p.name)}"`];
    if (p.required) attrs.push('required="1"');
    if (p.identity) attrs.push(m.ocf11 ? `unique-group="${escapeXml(m.type)}-identity"` : 'unique="1"');
    if (m.ocf11 && !p.identity && p.reloadable !== false) attrs.push('reloadable="1"');
    lines.push(`    <parameter ${attrs.join(' ')}>`);
    lines.push(`      <longdesc lang="en">${escapeXml(p.long)}</longdesc>`);
    lines.push(`      <shortdesc lang="en">${escapeXml(p.short)}</shortdesc>`);
    lines.push(`      <content type="${p.type}"${p.default !== undefined ? ` default="${escapeXml(p.default)}"` : ''}/>`);
    lines.push('    </parameter>');
  };

  for (const name of m.info.argList) {
    if (m.engineAttributes.has(name)) continue;
    const def = m.info.attributes.find((a) => a.name === name);
    if (!def) continue;
    const said = m.descriptions.attributes.get(name);
    const form = KIND_WORDS[def.dimension] ? ` Written as ${KIND_WORDS[def.dimension]}.` : def.base === 'boolean' ? ' 1 or 0.' : '';
    const vcs = `The VCS attribute ${name} of type ${m.type} (${def.base}${def.dimension === 'scalar' ? '' : ` ${def.dimension}`}).`;
    const dflt = defaultText(def.default);
    param({
      name,
      required: isRequired(def, m.validator),
      identity: identity.has(name),
      short: said ? firstSentence(said) : `${name} (VCS attribute)`,
      long: `${said ? `${said} ` : ''}${vcs}${form}${isSecretAttributeName(name) || secrets.has(name) ? ' Never logged.' : ''}`,
      type: contentType(def),
      ...(dflt !== undefined ? { default: dflt } : {}),
    });
  }
  for (const f of faceParameters(m.info, m.agent)) {
    if (f.kind === 'system') {
      // Another value puts the resource elsewhere (an LPAR on another managed system): a restart, not a reload.
      param({
        name: f.name,
        required: false,
        identity: false,
        reloadable: false,
        short: firstSentence(f.description ?? `${f.name} of this node`),
        long: `${f.description ? `${f.description} ` : ''}A cluster system attribute under VCS; here, for the node the resource runs on: this parameter when set (per node with a rule, docs/pacemaker.md), else the Pacemaker node attribute ${f.name} of the node (crm_attribute --node NODE --name ${f.name}).`,
        type: 'string',
      });
    } else if (f.kind === 'container') {
      param({
        name: f.name,
        required: containerInfoRequired(m.info),
        identity: identity.has(f.name) || containerInfoRequired(m.info),
        short: 'The container: Name=NAME Type=WPAR Enabled=1.',
        long: 'What VCS passes from the service group\'s ContainerInfo (the type has ContainerOpts PassCInfo = 1), as key=value pairs, blank-separated: Name (the container), Type (WPAR), Enabled (1 the container is used, 2 ignored, 0 disabled).',
        type: 'string',
      });
    } else {
      param({
        name: f.name,
        required: false,
        identity: false,
        short: 'An ssh_config file for the SSH connections (as ssh -F).',
        long: 'A file in ssh_config(5) format that replaces ~/.ssh/config and /etc/ssh/ssh_config for this resource\'s SSH connections (Host aliases, HostName, Port, User, IdentityFile, UserKnownHostsFile, StrictHostKeyChecking...), so that the cluster\'s settings need not live in root\'s home directory. An absolute path.',
        type: 'string',
      });
    }
  }

  const typeSaid = m.descriptions.type;
  const head = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">',
    `<resource-agent name="${escapeXml(m.type)}" version="${escapeXml(m.version)}">`,
    `  <version>${m.ocf11 ? '1.1' : '1.0'}</version>`,
    `  <longdesc lang="en">${escapeXml(`${typeSaid ? `${typeSaid} ` : ''}The VCS agent of type ${m.type} (vcs-powervm) as an OCF resource agent: parameters are the type's attributes, actions its entry points (docs/pacemaker.md).`)}</longdesc>`,
    `  <shortdesc lang="en">${escapeXml(typeSaid ? firstSentence(typeSaid) : `VCS ${m.type} agent (vcs-powervm)`)}</shortdesc>`,
    '  <parameters>',
  ];
  const actions = metadataActions(m.info, m.entryPoints, m.ocf11).map(
    (a) => `    <action name="${a.name}" timeout="${a.timeout}s"${a.interval !== undefined ? ` interval="${a.interval}s"` : ''}${a.depth !== undefined ? ` depth="${a.depth}"` : ''}/>`,
  );
  return [...head, ...lines, '  </parameters>', '  <actions>', ...actions, '  </actions>', '</resource-agent>', ''].join('\n');
}

function defaultText(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  const text = formatParameter(v);
  return text === '' ? undefined : text;
}
