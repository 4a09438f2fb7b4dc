/**
 * The responder process, started detached by the LPAR agent's online:
 *   node responder-main.js --dir DIR --listen HOST:PORT [--publish FILE]
 * It outlives the entry point that starts it and stops with offline or clean.
 */
import { parseEndpoint } from '../../reconfig/protocol.js';
import { drPathsIn, readJsonFile, type ResponderInfo } from './paths.js';
import { runResponder } from './responder.js';
import { isProcessAlive as alive } from '../../../framework/process.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<number> {
  const dir = arg('--dir');
  const listen = parseEndpoint(arg('--listen') ?? '');
  if (!dir || !listen) {
    process.stderr.write('usage: responder-main --dir DIR --listen HOST:PORT [--publish FILE]\n');
    return 2;
  }
  const paths = drPathsIn(dir);
  const other = readJsonFile<ResponderInfo>(paths.pid);
  // One responder per management LPAR: a live one already serves every partition.
  if (other && other.pid !== process.pid && alive(other.pid)) return 0;
  const publish = arg('--publish');
  await runResponder({ paths, host: listen.host, port: listen.port, ...(publish ? { publish } : {}) });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`responder: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  },
);
