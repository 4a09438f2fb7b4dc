/**
 * The responder process, started detached by the LPAR agent:
 *   node responder-main.js --dir DIR --keys DIR --management NAME [--listen HOST:PORT]
 * (--listen defaults to the well-known MANAGEMENT_ADDRESS:DEFAULT_PORT). It
 * outlives the entry point that starts it and stops with offline or clean.
 */
import { parseCommandLine } from '../../../framework/cli-args.js';
import { isProcessAlive as alive } from '../../../framework/process.js';
import { deviceAttr } from '../../reconfig/aix.js';
import { DEFAULT_PORT, MANAGEMENT_ADDRESS, parseEndpoint } from '../../reconfig/protocol.js';
import { transportFor } from '../../reconfig/transport.js';
import { drPathsIn, readJsonFile, type ResponderInfo } from './paths.js';
import { runResponder } from './responder.js';

async function main(): Promise<number> {
  const { values: v } = parseCommandLine(process.argv.slice(2), { dir: { type: 'string' }, keys: { type: 'string' }, management: { type: 'string' }, listen: { type: 'string' } }, { positionals: false });
  const listen = v.listen === undefined ? { host: MANAGEMENT_ADDRESS, port: DEFAULT_PORT } : parseEndpoint(v.listen);
  if (!v.dir || !v.keys || !v.management || !listen) {
    process.stderr.write('usage: responder-main --dir DIR --keys DIR --management NAME [--listen HOST:PORT]\n');
    return 2;
  }
  const paths = drPathsIn(v.dir);
  const other = readJsonFile<ResponderInfo>(paths.pid);
  // One responder per management LPAR: a live one already serves every partition.
  if (other && other.pid !== process.pid && alive(other.pid)) return 0;
  const [systemid] = await deviceAttr('sys0', 'systemid');
  if (!systemid) throw new Error('cannot tell this managed system (lsattr -E -l sys0 -a systemid)');
  await runResponder({ paths, keys: v.keys, management: v.management, systemid, host: listen.host, port: listen.port, transport: await transportFor() });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`responder: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
