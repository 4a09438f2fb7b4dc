/**
 * The subcommands of `vcsagent`, in one table: what `vcsagent --help` lists,
 * what `vcsagent NAME --help` prints, and the module that runs each, loaded
 * only when it runs (an entry point never loads any of them). A new face of
 * the agents — `vcsagent ocf TYPE ACTION`, say — is one more row here and a
 * module that exports `run` (and, if it likes, `usage`).
 *
 * Anything that is not a subcommand is an entry point: `vcsagent TYPE
 * ENTRY_POINT RESOURCE ...` (framework/agent/cli.ts).
 *
 * The tools load through subcommands.ts (one import boundary: fewer bundle
 * chunks on the entry point path); a face VCS or Pacemaker calls on every
 * monitor should import its own module directly.
 */
import type { Subcommand } from './main-options.js';

export interface CommandEntry {
  /** Its usage lines, without "usage:" (the first is the synopsis). */
  usage: readonly string[];
  /** One line for `vcsagent --help`. */
  summary: string;
  load(): Promise<Subcommand>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  install: {
    usage: [
      'vcsagent install --vcs-home DIR [--conf-dir DIR] [--node PATH] [--ocf-root DIR] [--module FILE]... [TYPE...]',
      'vcsagent install --ocf-root DIR [--node PATH] [--module FILE]... [TYPE...]',
    ],
    summary: 'lays agents out under $VCS_HOME/bin/<Type>/ as VCS runs them, or DIR/resource.d/vcs-powervm/<Type> for Pacemaker',
    load: async () => (await import('./subcommands.js')).install,
  },
  check: {
    usage: ['vcsagent check TYPE RESOURCE --config main.cf --system NAME [--module FILE]... [--types FILE] [--interval SECONDS]'],
    summary: 'the conformance run for agent writers',
    load: async () => (await import('./subcommands.js')).check,
  },
  run: {
    usage: ['vcsagent run --config main.cf --system NAME [--group G] [--online G]... [--module FILE]... [options]'],
    summary: 'the local agent framework over the resources of a configuration',
    load: async () => (await import('./subcommands.js')).run,
  },
  types: {
    usage: ['vcsagent types (TYPESFILE [--type NAME]... | --module FILE...) [--out FILE [--check]]'],
    summary: "TypeScript attribute interfaces from a types.cf (for defineAgent<...>)",
    load: async () => (await import('./subcommands.js')).types,
  },
  precompile: {
    usage: ['vcsagent precompile [--module FILE]... [--quiet]'],
    summary: 'precompiles type definitions and validators (a build and install step)',
    load: async () => (await import('./subcommands.js')).precompile,
  },
  ocf: {
    usage: ['vcsagent ocf [--module FILE]... [--types FILE] TYPE ACTION'],
    summary: 'the agent of TYPE as an OCF resource agent, as Pacemaker runs it (docs/pacemaker.md)',
    load: () => import('../ocf/main.js'),
  },
  wpar: {
    usage: [
      'vcsagent wpar setup GROUP RESOURCE WPAR [SYSTEM...] --config main.cf (--password-file FILE [--user NAME] | --no-user) [--dry-run]',
      'vcsagent wpar verify GROUP --config main.cf [--host [--system NAME] [--hostname NAME]]',
    ],
    summary: 'hawparsetup and hawparverify: the WPAR service group in main.cf, and this host',
    load: async () => (await import('./subcommands.js')).wpar,
  },
};

/** The usage of one subcommand, as `vcsagent NAME --help` prints it. */
export function commandUsage(name: string, sub?: Subcommand): string {
  if (sub?.usage) return sub.usage;
  const entry = COMMANDS[name]!;
  return `usage:\n${entry.usage.map((l) => `  ${l}\n`).join('')}`;
}
