/**
 * One command in a fresh process, as a short-lived entry point does it:
 * import, resolve ssh config, connect, verify the host key, log in, run,
 * exit without close(). Used by remote-exec.bench.ts. Env: PORT, HOME.
 */
import { createRemote } from '../framework/remote/index.js';

const remote = createRemote({
  endpoints: [{ host: '127.0.0.1', port: Number(process.env.PORT), user: 'hscroot' }],
  sshConfigPath: 'none',
});
const r = await remote.run(['lssyscfg', '-r', 'lpar', '-m', 'sys1', '-F', 'name,state']);
process.stdout.write(r.stdout);
process.exitCode = r.code ?? 1;
