/**
 * The entry points VCS knows, and what each one means at the process boundary:
 * which arguments come before the ArgList, which static attribute bounds its
 * run time, and which exit code reports a failure.
 *
 * Facts: research/vcs-facts.md §1.2 (Agent Developer's Guide "Script entry
 * point syntax" and "Return values for entry points").
 */

export const ENTRY_POINTS = [
  'open',
  'close',
  'monitor',
  'online',
  'offline',
  'clean',
  'shutdown',
  'migrate',
  'attr_changed',
  'info',
  'action',
  'imf_init',
  'imf_register',
  'imf_getnotification',
] as const;

export type EntryPointName = (typeof ENTRY_POINTS)[number];

function isEntryPointName(name: string): name is EntryPointName {
  return (ENTRY_POINTS as readonly string[]).includes(name);
}

export interface EntryPointSpec {
  /**
   * What VCS passes as the first argument: a resource name, the type name
   * (imf_init, imf_getnotification), or nothing at all (shutdown).
   */
  readonly subject: 'resource' | 'type' | 'none';
  /** Arguments between the resource name and the ArgList values. */
  readonly leading: readonly string[];
  /** Whether the ArgList values follow (attr_changed gets its own triple instead). */
  readonly argList: boolean;
  /**
   * The static attribute holding its time limit; undefined for
   * imf_getnotification, which VCS expects to block until an event arrives.
   */
  readonly timeoutAttribute: string | undefined;
  /** Exit code that tells VCS "this did not work" (or, for ignored codes, "nothing to wait for"). */
  readonly failureExit: number;
}

/*
 * Failure exits. monitor: 99 is UNKNOWN. online/offline/migrate: the exit is a
 * wait before the next monitor, and it is that monitor which finds out whether
 * the work was done, so a failure asks for no extra wait. open/close/shutdown/
 * attr_changed: VCS ignores the code. clean/action/info and the IMF entry
 * points: non-zero means failure.
 * Timeout attributes of shutdown and the IMF entry points are not documented:
 * shutdown is bounded like close, imf_init and imf_register like monitor.
 */
export const ENTRY_POINT_SPECS: Readonly<Record<EntryPointName, EntryPointSpec>> = {
  open: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'OpenTimeout', failureExit: 0 },
  close: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'CloseTimeout', failureExit: 0 },
  monitor: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'MonitorTimeout', failureExit: 99 },
  online: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'OnlineTimeout', failureExit: 0 },
  offline: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'OfflineTimeout', failureExit: 0 },
  clean: { subject: 'resource', leading: ['clean_reason'], argList: true, timeoutAttribute: 'CleanTimeout', failureExit: 1 },
  shutdown: { subject: 'none', leading: [], argList: false, timeoutAttribute: 'CloseTimeout', failureExit: 0 },
  migrate: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'MigrateTimeout', failureExit: 0 },
  attr_changed: {
    subject: 'resource',
    leading: ['changed_resource', 'changed_attribute'],
    argList: false,
    timeoutAttribute: 'AttrChangedTimeout',
    failureExit: 0,
  },
  info: { subject: 'resource', leading: ['resinfo_op'], argList: true, timeoutAttribute: 'InfoTimeout', failureExit: 1 },
  action: { subject: 'resource', leading: [], argList: true, timeoutAttribute: 'ActionTimeout', failureExit: 1 },
  imf_init: { subject: 'type', leading: [], argList: false, timeoutAttribute: 'MonitorTimeout', failureExit: 1 },
  imf_register: {
    subject: 'resource',
    leading: ['mswitch', 'rstate'],
    argList: true,
    timeoutAttribute: 'MonitorTimeout',
    failureExit: 1,
  },
  imf_getnotification: { subject: 'type', leading: [], argList: false, timeoutAttribute: undefined, failureExit: 1 },
};

/**
 * How an entry point is named on the command line: `monitor`, or for an
 * action `action/TOKEN` (the installed script is `actions/TOKEN`, so that
 * spelling is accepted too).
 */
export interface EntryPointRef {
  name: EntryPointName;
  /** The action token, for `action`. */
  token?: string;
}

/** A token as `SupportedActions` holds it: no slash, no whitespace, not empty. */
const TOKEN = /^[A-Za-z0-9_][A-Za-z0-9_.+:-]*$/;

export function parseEntryPointRef(text: string): EntryPointRef | undefined {
  const slash = text.indexOf('/');
  if (slash >= 0) {
    const head = text.slice(0, slash);
    const token = text.slice(slash + 1);
    if ((head === 'action' || head === 'actions') && TOKEN.test(token)) return { name: 'action', token };
    return undefined;
  }
  return isEntryPointName(text) ? { name: text } : undefined;
}

export function formatEntryPointRef(ref: EntryPointRef): string {
  return ref.name === 'action' && ref.token !== undefined ? `action/${ref.token}` : ref.name;
}

export function isValidActionToken(token: string): boolean {
  return TOKEN.test(token);
}
