/**
 * framework/remote — commands on SSH-managed devices (HMCs, or anything with
 * an sshd), for agents and the IMF daemon. Nothing here knows PowerVM.
 *
 * ```ts
 * import { createRemote, buildCommand, assertSafeName } from '../framework/remote/index.js';
 *
 * const hmc = createRemote({
 *   endpoints: [{ host: 'hmc1', user: 'hscroot' }, { host: 'hmc2', user: 'hscroot' }], // MCName/MCUser
 *   logger,                    // pino or any { debug, info, warn, error }(fields, message)
 *   connectTimeoutMs: 5000,    // TCP connect bound per endpoint
 *   readyTimeoutMs: 10000,     // SSH handshake + login bound per endpoint
 *   commandTimeoutMs: 60000,
 * });
 * const lpar = assertSafeName(attrs.LPARName, { what: 'LPARName', pattern: /[A-Za-z0-9_.-]+/, maxLength: 47 });
 * const r = await hmc.run(['lssyscfg', '-r', 'lpar', '-m', sys, '--filter', `lpar_names=${lpar}`, '-F', 'state'],
 *                         { idempotent: true, signal });
 * // r: { stdout, stderr, code, signal, truncated, durationMs, endpoint: { host, hostname, port, user, index } }
 * await hmc.close();         // or closeAllConnections() at process exit
 * ```
 *
 * createRemote(options) → Remote
 *   options: endpoints (ordered; one or a list of { host, user?, port? }), logger?, sshConfigPath?
 *   ('none' for none; default $VCS_REMOTE_SSH_CONFIG, else ~/.ssh/config then /etc/ssh/ssh_config), knownHostsPath?, strictHostKeyChecking? ('yes' | 'no' | 'accept-new'),
 *   identityFiles?, agent? (socket path or false), password? (only used when given; never logged),
 *   connectTimeoutMs?, readyTimeoutMs?, commandTimeoutMs?, maxOutputBytes?, maxChannels?,
 *   keepaliveIntervalMs?, keepaliveCountMax?, failbackMs? (back to the first endpoint this long
 *   after moving away from it; default never, 60 s in a broker), env? (HOME, USER, SSH_AUTH_SOCK, VCS_REMOTE_*;
 *   default process.env), persist? (true or { dir?, idleTimeoutMs?, logFile?, brokerScript? }).
 *   Explicit options beat the ssh config, as ssh's command line does.
 *
 * Connection broker (ControlMaster/ControlPersist): with `persist`, run() goes through the
 * user's broker for these SSH settings, a detached process holding one connection per endpoint
 * for every process (socket `$VCS_REMOTE_DIR` or `$VCS_LOG/tmp/remote/ssh-<hash>.sock`, owner-only);
 * none serving → the command runs directly and a broker is started, which exits after
 * `VCS_REMOTE_PERSIST` seconds (default 300) without a command. `VCS_REMOTE_PERSIST=no` turns
 * it off. Results, errors and the log lines of the command come back as from a direct run; a
 * broker lost mid-command costs a direct run only for an idempotent command
 * (VCSPVM_SSH_BROKER_LOST otherwise). retireBroker(options) asks the broker of those options
 * to exit (`ssh -O exit`). serveRemote() is the broker itself (broker-server.ts);
 * brokerPing/brokerRetire ask the one on a socket who it is / to exit.
 *
 * Remote.run(command, { timeoutMs?, signal?, maxOutputBytes?, idempotent?, sensitive? }) → RunResult
 *   command: a command line, or argv (each element quoted with quoteArg). A non-zero exit is a
 *   result, not an error; `signal` is a name like 'SIGTERM' when the command was killed;
 *   `truncated` says output beyond maxOutputBytes (per stream) was dropped. Errors (SshError or
 *   VcsPowervmError, codes in framework/errors.ts):
 *   - VCSPVM_SSH_NO_ENDPOINT (NoEndpointError, `.failures` says why each endpoint failed): the
 *     command ran nowhere (or, if idempotent, failed everywhere);
 *   - VCSPVM_SSH_TIMEOUT / VCSPVM_SSH_CONNECTION_LOST: a command that may have run failed, and
 *     was not idempotent, so it was not sent again;
 *   - VCSPVM_SSH_ABORTED when the signal fired; VCSPVM_SSH_CONFIG for a bad ssh config line
 *     (file:line:column); VCSPVM_UNSAFE_ARGUMENT for an argv element holding NUL.
 *   The endpoint that served is in `result.endpoint`, and logged (debug per command, info when
 *   it changes, warn for each endpoint passed over).
 *
 * Host keys are checked against known_hosts before any credential is sent: an unknown key is
 * refused (VCSPVM_SSH_HOSTKEY_UNKNOWN) unless StrictHostKeyChecking is no (accepted, warned)
 * or accept-new (recorded atomically, hashed when HashKnownHosts is yes); a changed key
 * (VCSPVM_SSH_HOSTKEY_CHANGED) and a @revoked one (VCSPVM_SSH_HOSTKEY_REVOKED) are always
 * refused. Connections are pooled per process, keepalived, re-opened when they dropped between
 * commands, and never keep an idle process alive.
 *
 * quoteArg(s), buildCommand(argv), assertSafeName(value, { what, pattern?, maxLength?,
 * allowEmpty? }) — safe command lines for a remote (restricted) bash.
 */
export { createRemote, closeAllConnections, retireBroker, NoEndpointError } from './remote.js';
export type { Endpoint, EndpointFailure, PersistOptions, Remote, RemoteOptions, RunOptions, RunResult, ServedBy } from './remote.js';
export { serveRemote } from './broker-server.js';
export type { RemoteServer, ServeRemoteOptions, StopReason } from './broker-server.js';
export { brokerPing, brokerRetire } from './broker-client.js';
export { brokerFiles, brokerName, brokerProfile, defaultBrokerDir, filesOfSocket, profileText } from './broker-paths.js';
export type { BrokerFiles, BrokerProfile } from './broker-paths.js';
export { assertSafeName, buildCommand, quoteArg } from './quote.js';
export type { SafeNameRule } from './quote.js';
export type { Logger, LogFn } from './logger.js';
export { silentLogger } from './logger.js';
export { SshConfig } from './ssh-config.js';
export type { HostRequest, ResolvedHost, StrictHostKeyChecking } from './ssh-config.js';
export { checkHostKey, formatKnownHostsLine, knownHostsName, loadKnownHosts, parseKnownHosts } from './known-hosts.js';
export type { HostKeyVerdict, KnownHostEntry } from './known-hosts.js';
