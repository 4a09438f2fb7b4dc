/**
 * `vcs-reconfig start`, at boot: asks the management LPAR of this managed
 * system, over VLAN 123, for this partition's network settings at this site,
 * and applies them.
 *
 * 1. who am I: `lparstat -i` (partition name and number), `lsattr -E -l
 *    sys0 -a systemid` (the managed system); the key (keys.ts);
 * 2. the VLAN 123 adapter: the virtual Ethernet adapter whose `entstat -d`
 *    shows Port VLAN ID 123 (the LPAR agent put it in the profile the
 *    partition was activated with); none: not a DR-managed boot, nothing
 *    changes;
 * 3. its interface gets the temporary address guestAddress(ID)/16
 *    (`ifconfig enN inet A netmask M up`: running only, never in the ODM);
 * 4. one authenticated request to MANAGEMENT_ADDRESS:DEFAULT_PORT (retried
 *    briefly); the temporary address is removed (`ifconfig enN inet A
 *    delete`, `ifconfig enN detach`) whatever the answer;
 * 5. only an authenticated `ok` reply for this partition, number and
 *    managed system, answering this request, is applied (apply.ts).
 *
 * Exit 0: applied, or nothing to do (no VLAN 123 adapter, no responder, not
 * served); 1: refused or failed (wrong key, a reply that does not verify,
 * settings that fail the DROpts checks) — nothing applied, and why in one line.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isVcsPowervmError, VcsPowervmError } from '../../framework/errors.js';
import { aixCommand, deviceAttr, virtualAdapters } from './aix.js';
import { applySettings } from './apply.js';
import { ask, type AskResult } from './client.js';
import { guestKeyFile, readKey } from './keys.js';
import { DEFAULT_PORT, DR_VLAN_ID, guestAddress, MANAGEMENT_ADDRESS, newNonce, replyMacValid, signRequest, VLAN_NETMASK, type OkReply } from './protocol.js';
import { settingsFromWire } from './settings.js';
import { transportFor } from './transport.js';

export interface StartOptions {
  root: string;
  /** Ask this address instead of the VLAN's well-known one (the VLAN interface is then left alone). */
  server?: { host: string; port: number };
  keyFile?: string;
  env: NodeJS.ProcessEnv;
  say: (text: string) => void;
}

/** Attempts and the pause between them: the responder is normally up before the partition is started. */
const ATTEMPTS = 3;
const PAUSE_MS = 1_000;
const RETRY = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface Identity {
  partition: string;
  id: number;
  systemid: string;
}

export async function identity(env: NodeJS.ProcessEnv): Promise<Identity> {
  let out: string;
  try {
    out = await aixCommand(['lparstat', '-i'], env);
  } catch (e) {
    throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: `cannot tell this partition's name (${e instanceof Error ? e.message : String(e)})` });
  }
  const name = /^Partition Name\s*:\s*(\S+)\s*$/m.exec(out)?.[1];
  const id = Number(/^Partition Number\s*:\s*(\d+)\s*$/m.exec(out)?.[1]);
  if (!name || !(id > 0)) throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: 'cannot tell this partition\'s name and number (lparstat -i)' });
  const [systemid] = await deviceAttr('sys0', 'systemid', env);
  if (!systemid) throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: 'cannot tell this managed system (lsattr -E -l sys0 -a systemid)' });
  return { partition: name, id, systemid };
}

/** The adapter on VLAN 123 (entstat -d shows its port VLAN ID), if any. */
export async function vlanAdapter(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const a of await virtualAdapters(env)) {
    if (!a.available) continue;
    const out = await aixCommand(['entstat', '-d', a.name], env).catch(() => '');
    if (Number(/Port VLAN ID:\s*(\d+)/.exec(out)?.[1]) === DR_VLAN_ID) return a.name;
  }
  return undefined;
}

/** What is wrong with an authenticated reply for this request, or undefined. */
export function replyProblem(reply: OkReply, me: Identity, nonce: string): string | undefined {
  if (reply.nonce !== nonce) return 'it does not answer this request (another nonce: a replay?)';
  if (reply.partition !== me.partition) return `it is for partition ${reply.partition}, not ${me.partition}`;
  if (reply.id !== me.id) return `it is for partition ID ${reply.id}, not ${me.id}`;
  if (reply.systemid !== me.systemid) return `it comes from managed system ${reply.systemid}, not this one (${me.systemid})`;
  return undefined;
}

async function askWithRetries(env: NodeJS.ProcessEnv, server: { host: string; port: number }, build: () => ReturnType<typeof signRequest>): Promise<{ result: AskResult; nonce: string }> {
  const transport = await transportFor(env);
  for (let i = 1; ; i++) {
    const request = build();
    const result = await ask(transport, server, request);
    if (result.kind === 'reply' || i >= ATTEMPTS || !RETRY.has(result.code ?? '')) return { result, nonce: request.nonce };
    await sleep(PAUSE_MS);
  }
}

export async function start(o: StartOptions): Promise<number> {
  const { env, say } = o;
  const me = await identity(env);
  const keyFile = o.keyFile ?? guestKeyFile(o.root);
  let key: Buffer;
  try {
    key = readKey(keyFile);
  } catch (e) {
    if (!isVcsPowervmError(e)) throw e;
    say(`${me.partition}: ${e.message}; network settings unchanged`);
    return 1;
  }
  const server = o.server ?? { host: MANAGEMENT_ADDRESS, port: DEFAULT_PORT };
  const where = `${server.host}:${server.port}`;
  let iface: string | undefined;
  let temp: string | undefined;
  if (!o.server) {
    const adapter = await vlanAdapter(env);
    if (!adapter) {
      say(`${me.partition}: no adapter on VLAN ${DR_VLAN_ID} (entstat -d): no management LPAR serves this boot; network settings unchanged`);
      return 0;
    }
    iface = `en${adapter.slice(3)}`;
    temp = guestAddress(me.id);
    await aixCommand(['ifconfig', iface, 'inet', temp, 'netmask', VLAN_NETMASK, 'up'], env);
  }
  let outcome: { result: AskResult; nonce: string };
  try {
    outcome = await askWithRetries(env, server, () => signRequest(key, { partition: me.partition, id: me.id, systemid: me.systemid, nonce: newNonce(), time: Math.floor(Date.now() / 1000) }));
  } finally {
    if (iface && temp) {
      // The VLAN address was only for asking: gone whatever the answer.
      await aixCommand(['ifconfig', iface, 'inet', temp, 'delete'], env).catch((e: Error) => say(`${me.partition}: ${e.message}`));
      await aixCommand(['ifconfig', iface, 'detach'], env).catch((e: Error) => say(`${me.partition}: ${e.message}`));
    }
  }
  const { result, nonce } = outcome;
  const via = iface ? ` on VLAN ${DR_VLAN_ID} (${iface} ${temp})` : '';
  if (result.kind === 'failed') {
    say(`${me.partition}: no answer from the management LPAR at ${where}${via}: ${result.reason}; network settings unchanged`);
    return 0;
  }
  const reply = result.reply;
  if (reply.status !== 'ok') {
    say(`${me.partition}: the management LPAR at ${where} answered ${reply.status}${reply.detail ? `: ${reply.detail}` : ''} (unauthenticated); network settings unchanged`);
    return reply.status === 'unknown-partition' ? 0 : 1;
  }
  if (!replyMacValid(key, reply)) {
    say(`${me.partition}: the reply from ${where} does not verify with ${keyFile} (HMAC-SHA256): not from a management LPAR holding this partition's key; nothing applied`);
    return 1;
  }
  const problem = replyProblem(reply, me, nonce);
  if (problem) {
    say(`${me.partition}: the reply from ${where} is refused: ${problem}; nothing applied`);
    return 1;
  }
  const { settings, problems } = settingsFromWire(reply.settings);
  if (!settings) throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: `${where} sent settings that are refused: ${problems.join('; ')}` });
  if (iface && settings.device === iface) throw new VcsPowervmError('VCSPVM_RECONFIG', { detail: `${where} sent settings for ${iface}, the VLAN ${DR_VLAN_ID} interface: refused` });
  const from = `${reply.management} at ${where}`;
  const changes = await applySettings(settings, { root: o.root, env });
  if (changes.length === 0) say(`${me.partition}: settings from ${from} already in place; nothing changed`);
  for (const c of changes) say(`${me.partition}: ${c} (from ${from})`);
  return 0;
}
