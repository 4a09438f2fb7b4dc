/**
 * Runs parsed command lines the way the HMC's restricted bash does:
 * expansion (variables, command substitution with field splitting, quote
 * removal), pipes, `&&`/`||`, builtins, and the rbash refusals (`/` in
 * command names, output redirection, cd, exec, changing PATH/SHELL/ENV).
 * Shell-level errors go to stderr in bash's words; HMC commands write their
 * own errors on stdout (hmc-facts §1.6).
 */
import { COMMANDS, FILTERS } from './commands/index.js';
import { guarded, type CommandResult } from './commands/common.js';
import { parseScript, ShellSyntaxError, wordText, type Pipeline, type Script, type SimpleCommand, type Word } from './shell.js';
import type { World } from './world.js';

export interface SessionHooks {
  /** Called before each command runs; may delay it (hmc-slow) or hold it forever (hmc-hang). */
  beforeCommand?: (name: string) => Promise<void> | void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  status: number;
  /** Set when the script ran `exit`/`quit`/`logout`. */
  exit?: number;
}

/** Longest command line accepted; real shells have no fixed limit, but a simulator must bound memory. */
export const MAX_SCRIPT = 256 * 1024;
const MAX_DEPTH = 8;
const READONLY = new Set(['PATH', 'SHELL', 'ENV', 'BASH_ENV']);

class ExitSignal {
  constructor(readonly status: number) {}
}

export class Interpreter {
  readonly vars = new Map<string, string>();
  private lastStatus = 0;

  constructor(
    private readonly world: World,
    readonly user: string,
    readonly hmcName: string,
    /** `/bin/bash` for exec requests, `-bash` for the interactive login shell. */
    private readonly prog: string,
    private readonly hooks: SessionHooks = {},
  ) {
    this.vars.set('HOME', `/home/${user}`);
    this.vars.set('USER', user);
    this.vars.set('LOGNAME', user);
    this.vars.set('PATH', '/hmcrbin:/usr/hmcrbin');
    this.vars.set('SHELL', '/bin/rbash');
    this.vars.set('HOSTNAME', hmcName);
  }

  /** Runs one command line (exec request or one interactive line). */
  async run(text: string): Promise<RunResult> {
    const out: RunResult = { stdout: '', stderr: '', status: 0 };
    if (text.length > MAX_SCRIPT) {
      out.stderr = `${this.prog}: command line too long (${text.length} bytes; at most ${MAX_SCRIPT})\n`;
      out.status = this.lastStatus = 2;
      return out;
    }
    let script: Script;
    try {
      script = parseScript(text);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      out.stderr = `${this.prog}: ${e.message}\n`;
      out.status = this.lastStatus = 2;
      return out;
    }
    try {
      out.status = await this.runScript(script, out, 0);
    } catch (e) {
      if (!(e instanceof ExitSignal)) throw e;
      out.status = e.status;
      out.exit = e.status;
    }
    this.lastStatus = out.status;
    return out;
  }

  private async runScript(script: Script, out: RunResult, depth: number): Promise<number> {
    let status = this.lastStatus;
    for (const list of script) {
      status = await this.runPipeline(list.first, out, depth);
      for (const { op, pipeline } of list.rest) {
        if ((op === '&&' && status === 0) || (op === '||' && status !== 0)) status = await this.runPipeline(pipeline, out, depth);
      }
      this.lastStatus = status;
    }
    return status;
  }

  private async runPipeline(p: Pipeline, out: RunResult, depth: number): Promise<number> {
    let stdin = '';
    let status = 0;
    for (let i = 0; i < p.commands.length; i++) {
      const last = i === p.commands.length - 1;
      const r = await this.runSimple(p.commands[i]!, stdin, depth, out);
      out.stderr += r.stderr ?? '';
      if (last) out.stdout += r.stdout;
      else stdin = r.stdout;
      status = r.status;
    }
    return status;
  }

  /** Expands a word into fields: unquoted expansions are split on blanks, quotes removed. */
  private async expand(w: Word, depth: number, out: RunResult): Promise<string[]> {
    const fields: string[] = [];
    let cur = '';
    let have = false;
    for (const s of w.segments) {
      let value: string;
      if (s.kind === 'lit') {
        cur += s.text;
        have = have || s.quoted || s.text !== '';
        continue;
      }
      if (s.kind === 'var') value = s.name === '?' ? String(this.lastStatus) : s.name === '$' ? String(process.pid) : s.name === '#' ? '0' : (this.vars.get(s.name) ?? '');
      else value = await this.substitute(s.script, depth, out);
      if (s.quoted) {
        cur += value;
        have = true;
        continue;
      }
      const parts = value.split(/[ \t\n]+/);
      for (let k = 0; k < parts.length; k++) {
        if (k > 0) {
          if (have || cur !== '') fields.push(cur);
          cur = '';
          have = false;
        }
        cur += parts[k];
        if (parts[k] !== '') have = true;
      }
    }
    if (have || cur !== '') fields.push(cur);
    return fields;
  }

  /** `` `cmd` `` / `$(cmd)`: the inner script's stdout, trailing newlines removed. */
  private async substitute(script: string, depth: number, out: RunResult): Promise<string> {
    if (depth >= MAX_DEPTH) {
      out.stderr += `${this.prog}: command substitution nested too deeply\n`;
      return '';
    }
    let parsed: Script;
    try {
      parsed = parseScript(script);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      out.stderr += `${this.prog}: command substitution: ${e.message}\n`;
      this.lastStatus = 2;
      return '';
    }
    const inner: RunResult = { stdout: '', stderr: '', status: 0 };
    try {
      this.lastStatus = await this.runScript(parsed, inner, depth + 1);
    } catch (e) {
      // `exit` inside a substitution ends only the substitution's subshell.
      if (!(e instanceof ExitSignal)) throw e;
      this.lastStatus = e.status;
    }
    out.stderr += inner.stderr;
    return inner.stdout.replace(/\n+$/, '');
  }

  private async runSimple(cmd: SimpleCommand, stdin: string, depth: number, out: RunResult): Promise<CommandResult> {
    const argv: string[] = [];
    for (const w of cmd.words) argv.push(...(await this.expand(w, depth, out)));
    const assigned: Array<[string, string]> = [];
    for (const a of cmd.assignments) assigned.push([a.name, (await this.expand(a.value, depth, out)).join(' ')]);
    for (const r of cmd.redirects) {
      if (r.op !== '<' && r.op !== '<<') return this.err(`${wordText(r.target)}: restricted: cannot redirect output`, 1);
      return this.err(`${wordText(r.target)}: No such file or directory`, 1);
    }
    if (argv.length === 0) {
      for (const [name, value] of assigned) {
        if (READONLY.has(name)) return this.err(`${name}: readonly variable`, 1);
        this.vars.set(name, value);
      }
      return { stdout: '', status: 0 };
    }
    for (const [name] of assigned) if (READONLY.has(name)) return this.err(`${name}: readonly variable`, 1);
    const [name, ...args] = argv as [string, ...string[]];
    if (name.includes('/')) return this.err(`${name}: restricted: cannot specify \`/' in command names`, 1);
    if (this.hooks.beforeCommand) await this.hooks.beforeCommand(name);
    switch (name) {
      case 'exit':
      case 'logout':
      case 'quit': {
        const n = args[0] !== undefined && /^\d+$/.test(args[0]) ? Number(args[0]) & 255 : this.lastStatus;
        throw new ExitSignal(n);
      }
      case 'cd':
      case 'exec':
        return this.err(`${name}: restricted`, 1);
      case 'echo': {
        const noNewline = args[0] === '-n';
        const text = (noNewline ? args.slice(1) : args).join(' ');
        return { stdout: noNewline ? text : `${text}\n`, status: 0 };
      }
      case 'true':
        return { stdout: '', status: 0 };
      case 'false':
        return { stdout: '', status: 1 };
      case 'pwd':
        return { stdout: `/home/${this.user}\n`, status: 0 };
      case 'export':
      case 'readonly':
      case 'unset':
        for (const a of args) {
          const n = a.split('=')[0]!;
          if (READONLY.has(n)) return this.err(`${n}: readonly variable`, 1);
          if (name === 'unset') this.vars.delete(n);
          else if (a.includes('=')) this.vars.set(n, a.slice(n.length + 1));
        }
        return { stdout: '', status: 0 };
    }
    const filter = FILTERS[name];
    if (filter) return filter(args, stdin);
    const command = COMMANDS[name];
    if (!command) return this.err(`${name}: command not found`, 127);
    if (args.includes('--help')) return { stdout: command.usage + '\n', status: 0 };
    return guarded(name, () => command.run({ world: this.world, user: this.user, hmcName: this.hmcName, args, stdin }));
  }

  private err(text: string, status: number): CommandResult {
    return { stdout: '', stderr: `${this.prog}: ${text}\n`, status };
  }
}
