/**
 * The one table of error codes for the whole project.
 *
 * Every error the project throws is a VcsPowervmError (or one of its typed
 * subclasses below) carrying a code from ERROR_TABLE, a message built from the
 * code's template, and the exit code a command-line tool uses for it
 * (0 ok, 1 the check found problems, 2 usage or unreadable input).
 * `vcsagent` does not use these exit codes: entry points speak VCS exit codes,
 * mapped per entry point in framework/agent.
 *
 * Templates name their parameters in braces: `{path}`. docs/errors.md documents
 * every code; test/framework/errors.test.ts keeps the two in step.
 */

export interface ErrorSpec {
  /** Exit code of a command-line tool that stops on this error. */
  readonly exitCode: 0 | 1 | 2;
  /** Message template; `{name}` is replaced by the parameter of that name. */
  readonly message: string;
}

export const ERROR_TABLE = {
  /* General */
  VCSPVM_USAGE: { exitCode: 2, message: '{detail}' },
  VCSPVM_READ: { exitCode: 2, message: 'cannot read {path}: {reason}' },
  VCSPVM_WRITE: { exitCode: 1, message: 'cannot write {path}: {reason}' },
  VCSPVM_INTERNAL: { exitCode: 1, message: 'internal error: {detail}' },

  /* framework/cf: the main.cf / types.cf language */
  VCSPVM_CF_SYNTAX: { exitCode: 1, message: '{file}:{line}:{column}: {detail}' },
  VCSPVM_CF_INCLUDE: { exitCode: 1, message: '{file}:{line}:{column}: include "{include}" not found' },
  VCSPVM_CF_VALUE: { exitCode: 1, message: '{file}:{line}:{column}: {detail}' },
  VCSPVM_CF_NOT_CANONICAL: { exitCode: 1, message: '{file} is not in canonical form' },

  /* framework/cf/verify: vcscf verify */
  VCSPVM_CF_VERIFY_RULE: { exitCode: 2, message: 'no verifier rule {rule} (codes and names are in docs/verifier-rules.md)' },

  /* framework/agent: entry points as VCS calls them */
  VCSPVM_AGENT_UNKNOWN_TYPE: { exitCode: 2, message: 'unknown resource type {type}' },
  VCSPVM_AGENT_UNKNOWN_ENTRY_POINT: { exitCode: 2, message: 'type {type} has no entry point {entryPoint}' },
  VCSPVM_AGENT_ARGLIST: { exitCode: 2, message: 'bad ArgList for {type} {resource}: {detail}' },
  VCSPVM_AGENT_ATTRIBUTE: { exitCode: 2, message: 'attribute {attribute} of {resource}: {detail}' },
  VCSPVM_AGENT_TYPES: { exitCode: 2, message: 'cannot load the type definition of {type}: {detail}' },
  VCSPVM_AGENT_TIMEOUT: { exitCode: 1, message: '{entryPoint} of {resource} timed out after {seconds} s' },
  VCSPVM_AGENT_COMMAND: { exitCode: 1, message: 'command {command} failed: {detail}' },
  VCSPVM_AGENT_FAILED: { exitCode: 1, message: '{entryPoint} of {resource} failed: {detail}' },
  VCSPVM_AGENT_MODULE: { exitCode: 2, message: 'cannot load the agent of {type}: {detail}' },
  VCSPVM_AGENT_LOG: { exitCode: 2, message: 'cannot write the agent log: {detail}' },
  VCSPVM_AGENT_CONFIG: { exitCode: 2, message: 'resource {resource} in {file}: {detail}' },
  VCSPVM_AGENT_INSTALL: { exitCode: 2, message: 'cannot install from {path}: {reason}' },

  /* framework/runner and framework/imf: the local agent framework, IMF */
  VCSPVM_RUNNER_UNKNOWN: { exitCode: 2, message: 'no {what} {name} on system {system}' },
  VCSPVM_IMF_UNAVAILABLE: { exitCode: 1, message: 'imf_getnotification of {type} is not serving {socket}: {reason}' },
  VCSPVM_IMF_UNSAFE_DIR: { exitCode: 1, message: 'IMF directory {dir} {reason}' },
  VCSPVM_IMF_ALREADY_RUNNING: { exitCode: 1, message: 'imf_getnotification of {type} is already serving {socket}' },
  VCSPVM_IMF_REFUSED: { exitCode: 1, message: 'imf_getnotification of {type} refused {op} {resource}: {detail}' },
  VCSPVM_IMF_PROTOCOL: { exitCode: 1, message: 'IMF {what}: {detail}' },
  VCSPVM_IMF_REST: { exitCode: 1, message: 'HMC REST {hmc}: {detail}' },

  /* framework/remote: SSH */
  VCSPVM_SSH_CONNECT: { exitCode: 1, message: 'cannot connect to {host}:{port}: {reason}' },
  VCSPVM_SSH_AUTH: { exitCode: 1, message: 'authentication as {user} to {host}:{port} failed' },
  VCSPVM_SSH_HOSTKEY_UNKNOWN: { exitCode: 1, message: 'host key of {host}:{port} is not in {knownHosts}; refusing to connect' },
  VCSPVM_SSH_HOSTKEY_CHANGED: { exitCode: 1, message: 'host key of {host}:{port} does not match {knownHosts}; refusing to connect' },
  VCSPVM_SSH_TIMEOUT: { exitCode: 1, message: '{what} on {host}:{port} timed out after {ms} ms' },
  VCSPVM_SSH_NO_ENDPOINT: { exitCode: 1, message: 'no endpoint reachable: {detail}' },
  VCSPVM_UNSAFE_ARGUMENT: { exitCode: 2, message: 'refusing unsafe {what} {value}: {reason}' },
  VCSPVM_SSH_CONFIG: { exitCode: 2, message: '{file}:{line}:{column}: {detail}' },
  VCSPVM_SSH_HOSTKEY_REVOKED: { exitCode: 1, message: 'host key of {host}:{port} is marked @revoked in {knownHosts}; refusing to connect' },
  VCSPVM_SSH_CHANNEL: { exitCode: 1, message: 'cannot run a command on {host}:{port}: {reason}' },
  VCSPVM_SSH_CONNECTION_LOST: { exitCode: 1, message: 'connection to {host}:{port} lost during {what}: {reason}' },
  VCSPVM_SSH_ABORTED: { exitCode: 1, message: '{what} aborted: {reason}' },
  VCSPVM_SSH_BROKER_LOST: { exitCode: 1, message: 'connection broker {socket} went away during {what}: {reason}; not sent again (it may have run)' },
  VCSPVM_SSH_BROKER_UNSAFE: { exitCode: 1, message: 'connection broker {path} {reason}; not used' },
  VCSPVM_SSH_BROKER_BUSY: { exitCode: 1, message: 'a connection broker already serves {socket}' },
  VCSPVM_SSH_BROKER_PROTOCOL: { exitCode: 1, message: 'connection broker {socket}: {detail}' },

  /* HMC */
  VCSPVM_HMC_COMMAND: { exitCode: 1, message: 'HMC {hmc}: {command} exited {status}: {output}' },
  VCSPVM_HMC_OUTPUT: { exitCode: 1, message: 'HMC {hmc}: unexpected output from {command}: {detail}' },

  /* agents */
  VCSPVM_LPAR: { exitCode: 1, message: 'LPAR {lpar}: {detail}' },
  VCSPVM_LPAR_PROFILE_FILE: { exitCode: 2, message: '{file}:{line}:{column}: {detail}' },
  VCSPVM_LPAR_NO_PHYSICAL_SERVER: { exitCode: 2, message: 'system {system} has no PhysicalServer attribute: set it to its managed system name (lssyscfg -r sys -F name)' },
  VCSPVM_LPAR_ROLLBACK: { exitCode: 1, message: 'LPAR {lpar}: {detail}; rolled back: {undone}' },
  VCSPVM_LPAR_CANNOT_TELL: { exitCode: 1, message: 'LPAR {lpar}: not started on {system}: {detail}; if it is down there, confirm it and online again: {action}' },
  VCSPVM_LPAR_BACKED_OFF: { exitCode: 1, message: 'LPAR {lpar}: backed off on {system}: {detail}; it stays where it was started first, nothing to do' },
  VCSPVM_LPAR_HALF_MADE: { exitCode: 1, message: 'LPAR {lpar}: {detail}; rolled back: {undone}; left for clean: {left}' },
  VCSPVM_LPAR_DROPTS: { exitCode: 2, message: 'LPAR {lpar}: DROpts refused, not started: {detail}' },
  VCSPVM_LPAR_DR: { exitCode: 1, message: 'DR network configuration: {detail}' },
  VCSPVM_RECONFIG: { exitCode: 1, message: 'vcs-reconfig: {detail}' },
  VCSPVM_DR_KEY: { exitCode: 1, message: 'DR key {file}: {detail}' },
  VCSPVM_WPAR: { exitCode: 1, message: 'WPAR {wpar}: {detail}' },
  VCSPVM_APPLICATION: { exitCode: 1, message: 'Application {resource}: {detail}' },

  /* sim */
  VCSPVM_SIM_WORLD: { exitCode: 2, message: 'bad world {source}: {detail}' },
  VCSPVM_SIM_CONTROL: { exitCode: 1, message: 'control {command}: {detail}' },

  /* sim/scenario: the main job */
  VCSPVM_SCENARIO_SETUP: { exitCode: 1, message: 'cannot set up the scenario: {detail}' },
  VCSPVM_SCENARIO_STEP: { exitCode: 1, message: '{detail}' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_TABLE;
export type ErrorParams = Record<string, string | number | boolean | undefined>;

/** Fills a `{name}` template; unknown names stay visible rather than vanish. */
export function formatMessage(template: string, params: ErrorParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

export class VcsPowervmError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: 0 | 1 | 2;
  readonly params: ErrorParams;

  constructor(code: ErrorCode, params: ErrorParams = {}, options?: { cause?: unknown }) {
    super(formatMessage(ERROR_TABLE[code].message, params), options);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = ERROR_TABLE[code].exitCode;
    this.params = params;
  }
}

export function isVcsPowervmError(e: unknown): e is VcsPowervmError {
  return e instanceof VcsPowervmError;
}

/** Bad command line: the tool prints the message on one line and exits 2. */
export class UsageError extends VcsPowervmError {
  constructor(detail: string) {
    super('VCSPVM_USAGE', { detail });
  }
}

export class ReadError extends VcsPowervmError {
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super('VCSPVM_READ', { path, reason }, options);
  }
}

export class WriteError extends VcsPowervmError {
  constructor(readonly path: string, reason: string, options?: { cause?: unknown }) {
    super('VCSPVM_WRITE', { path, reason }, options);
  }
}

/** A position-carrying configuration error (syntax, include, value). */
export class ParseError extends VcsPowervmError {
  constructor(
    code: 'VCSPVM_CF_SYNTAX' | 'VCSPVM_CF_INCLUDE' | 'VCSPVM_CF_VALUE',
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly detail: string,
    /** The offending source line with a caret under the column. */
    readonly snippet = '',
    extra: ErrorParams = {},
  ) {
    super(code, { ...extra, file, line, column, detail });
  }
}

export class SshError extends VcsPowervmError {}

export class HmcCommandError extends VcsPowervmError {
  constructor(
    readonly hmc: string,
    readonly command: string,
    readonly status: number,
    readonly output: string,
    /** HSCL codes found in the output, first one first. */
    readonly hscl: string[] = [],
  ) {
    super('VCSPVM_HMC_COMMAND', { hmc, command, status, output: output.trim().split('\n')[0] ?? '' });
  }
}

export class AgentError extends VcsPowervmError {}
