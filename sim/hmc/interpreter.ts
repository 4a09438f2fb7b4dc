/**
 * Runs parsed command lines the way the HMC's restricted bash does: lists,
 * pipelines (each stage a subshell), compound commands, functions, word
 * expansion, redirections (descriptor duplication and input allowed, output
 * to files refused as rbash refuses it), builtins, HMC commands and filters,
 * and the other rbash refusals (`/` in command names, cd, exec, changing
 * PATH/SHELL/ENV/BASH_ENV). Shell-level errors go to stderr in bash's words;
 * HMC commands write their own errors on stdout (hmc-facts §1.6).
 *
 * Output is streamed through `write` as it is produced; a long or endless
 * loop yields to the event loop and stops when the session cancels it.
 */
import { COMMANDS, FILTERS } from './commands/index.js';
import { guarded, type CommandResult } from './commands/common.js';
import { ArithError, evalArith } from './shell-arith.js';
import { BreakSignal, BUILTINS, ContinueSignal, ExitSignal, ReturnSignal, type BuiltinEnv, type ShellOptions } from './shell-builtins.js';
import { ExpandError, expandFields, expandPattern, expandString, lexArith, type ExpandHost } from './shell-expand.js';
import { globMatch } from './shell-glob.js';
import { BufferSink, OutputLimitError, Reader, stdinOf, writeFd, type Fd, type Io, type Sink } from './shell-io.js';
import { parseScript, ScriptParser, ShellSyntaxError, wordText, type Command, type CompoundBody, type CompoundCommand, type List, type Pipeline, type Redirect, type SimpleCommand, type Word } from './shell.js';
import { lexQuotedText } from './shell-lexer.js';
import { decodePrompt } from './shell-prompt.js';
import { runCond } from './shell-test.js';
import type { World } from './world.js';

export interface SessionHooks {
  /** Called before each command runs; may delay it (hmc-slow) or hold it forever (hmc-hang). */
  beforeCommand?: (name: string) => Promise<void> | void;
}

export interface RunOptions {
  /** Output as it is produced; without it, output is collected into the result. */
  write?: (fd: 1 | 2, text: string) => void;
  /** Awaited between commands, so that a session can hold the script while its client is not reading. */
  pace?: () => Promise<void> | void;
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
/** Command substitutions nested deeper than this fail (each is a subshell). */
const MAX_SUBSTITUTION_DEPTH = 16;
const MAX_FUNCTION_DEPTH = 100;
const READONLY = ['PATH', 'SHELL', 'ENV', 'BASH_ENV'];
/** Commands between two turns of the event loop: an endless loop must not starve the other sessions. */
const COMMANDS_PER_TURN = 64;

/** The command line was interrupted (^C) or its session went away. */
class CancelSignal {
  constructor(readonly reason: 'interrupt' | 'closed') {}
}

interface Ctx {
  io: Io;
  /** Command substitutions around this command. */
  depth: number;
  /** Loops around this command in the current function (break/continue). */
  loops: number;
  functionDepth: number;
  /** In a condition (`if`, `while`, left of `&&`, `!`): `set -e` does not apply. */
  condition: boolean;
}

export class Interpreter {
  private vars = new Map<string, string>();
  private readonlyNames = new Set(READONLY);
  private exportedNames = new Set(['HOME', 'USER', 'LOGNAME', 'PATH', 'SHELL', 'HOSTNAME', 'PS1']);
  private functions = new Map<string, CompoundCommand>();
  private positional: string[] = [];
  /** `local` variables of the running functions: their values before the call (undefined: unset). */
  private locals: Array<Map<string, string | undefined>> = [];
  private readonly options: ShellOptions = { errexit: false, pipefail: false };
  private lastStatus = 0;
  private cancelled: CancelSignal | null = null;
  private wakeSleep: (() => void) | null = null;
  private commandsRun = 0;
  /** Command lines run, for the prompt's `\#`. */
  private linesRun = 0;
  private pace: (() => Promise<void> | void) | undefined;
  private readonly started = Date.now();

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
    this.vars.set('PS1', '\\u@\\h:\\w> ');
    this.vars.set('PS2', '> ');
  }

  /** Stops the running command line at its next command: ^C, or the client went away. */
  cancel(reason: 'interrupt' | 'closed'): void {
    this.cancelled = new CancelSignal(reason);
    this.wakeSleep?.();
  }

  /** Runs one command line (an exec request, or one complete interactive command). */
  async run(text: string, opts: RunOptions = {}): Promise<RunResult> {
    const result: RunResult = { stdout: '', stderr: '', status: 0 };
    const sink = (fd: 1 | 2): Sink => ({
      write: (t: string) => {
        if (opts.write) opts.write(fd, t);
        else if (fd === 1) result.stdout += t;
        else result.stderr += t;
      },
    });
    const io: Io = [{ in: new Reader('') }, { out: sink(1) }, { out: sink(2) }];
    // An interrupt ends with its command line; a closed session stays closed.
    if (this.cancelled?.reason !== 'closed') this.cancelled = null;
    this.pace = opts.pace;
    const ctx: Ctx = { io, depth: 0, loops: 0, functionDepth: 0, condition: false };
    const fail = (message: string, status: number) => {
      writeFd(io, 2, `${this.prog}: ${message}\n`);
      result.status = this.lastStatus = status;
    };
    if (text.length > MAX_SCRIPT) {
      fail(`command line too long (${text.length} bytes; at most ${MAX_SCRIPT})`, 2);
      return result;
    }
    const parser = new ScriptParser(text);
    this.linesRun++;
    try {
      for (;;) {
        let list: List | null;
        try {
          list = parser.next();
        } catch (e) {
          if (!(e instanceof ShellSyntaxError)) throw e;
          fail(e.message, 2);
          if (e.sourceLine) writeFd(io, 2, `${this.prog}: \`${e.sourceLine}'\n`);
          return result;
        }
        if (!list) break;
        result.status = await this.runList(list, ctx);
      }
    } catch (e) {
      if (e instanceof ExitSignal) {
        result.status = result.exit = this.lastStatus = e.status;
      } else if (e instanceof CancelSignal) {
        result.status = this.lastStatus = 130;
      } else if (e instanceof OutputLimitError) {
        fail(e.message, 1);
      } else if (e instanceof BreakSignal || e instanceof ContinueSignal || e instanceof ReturnSignal) {
        result.status = this.lastStatus;
      } else {
        // A simulator bug: say so on stderr, never a stack trace to the client.
        process.emitWarning(`hmcsim: shell failed: ${(e as Error)?.stack ?? String(e)}`);
        fail(`internal error: ${(e as Error)?.message ?? String(e)}`, 1);
      }
    } finally {
      this.pace = undefined;
    }
    return result;
  }

  /** Between commands: stop when cancelled, let the event loop turn, let the session apply back-pressure. */
  private async tick(): Promise<void> {
    if (this.cancelled) throw this.cancelled;
    if (++this.commandsRun % COMMANDS_PER_TURN === 0) await new Promise<void>((r) => setImmediate(r));
    if (this.pace) await this.pace();
    if (this.cancelled) throw this.cancelled;
  }

  private async runList(list: List, ctx: Ctx): Promise<number> {
    let status = 0;
    for (const andOr of list) {
      const count = andOr.rest.length;
      // Every pipeline but the last of an and-or list is a condition: `set -e` ignores its failure.
      status = await this.runPipeline(andOr.first, count > 0 ? { ...ctx, condition: true } : ctx);
      this.lastStatus = status;
      let ran = andOr.first;
      for (let i = 0; i < count; i++) {
        const { op, pipeline } = andOr.rest[i]!;
        if ((op === '&&') !== (status === 0)) continue;
        status = await this.runPipeline(pipeline, i < count - 1 ? { ...ctx, condition: true } : ctx);
        this.lastStatus = status;
        ran = pipeline;
      }
      const lastRan = count === 0 || ran === andOr.rest[count - 1]!.pipeline;
      if (status !== 0 && this.options.errexit && !ctx.condition && lastRan && !ran.negate) throw new ExitSignal(status);
    }
    return status;
  }

  private async runPipeline(p: Pipeline, ctx: Ctx): Promise<number> {
    const inner = p.negate ? { ...ctx, condition: true } : ctx;
    let status: number;
    if (p.commands.length === 1) {
      status = await this.runCommand(p.commands[0]!, inner);
    } else {
      let input: Fd = ctx.io[0] ?? null;
      let failed = 0;
      status = 0;
      for (let i = 0; i < p.commands.length; i++) {
        const last = i === p.commands.length - 1;
        const buffer = last ? null : new BufferSink();
        const io = [...ctx.io];
        io[0] = input;
        if (buffer) io[1] = { out: buffer };
        status = await this.subshell(() => this.runCommand(p.commands[i]!, { ...inner, io }));
        if (status !== 0) failed = status;
        if (buffer) input = { in: new Reader(buffer.text()) };
      }
      if (this.options.pipefail) status = failed;
    }
    if (p.negate) status = status === 0 ? 1 : 0;
    return status;
  }

  /** Runs `fn` as a subshell: variable, function and option changes do not survive it, `exit` ends only it. */
  private async subshell(fn: () => Promise<number>): Promise<number> {
    const saved = { vars: new Map(this.vars), functions: new Map(this.functions), positional: this.positional, readonly: new Set(this.readonlyNames), exported: new Set(this.exportedNames), options: { ...this.options }, locals: this.locals };
    this.locals = this.locals.map((m) => new Map(m));
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ExitSignal) return e.status;
      if (e instanceof BreakSignal || e instanceof ContinueSignal) return 0;
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.vars = saved.vars;
      this.functions = saved.functions;
      this.positional = saved.positional;
      this.readonlyNames = saved.readonly;
      this.exportedNames = saved.exported;
      Object.assign(this.options, saved.options);
      this.locals = saved.locals;
    }
  }

  private async runCommand(cmd: Command, ctx: Ctx): Promise<number> {
    await this.tick();
    let status: number;
    if (cmd.kind === 'function') {
      this.functions.set(cmd.name, cmd.body);
      status = 0;
    } else if (cmd.kind === 'compound') {
      const io = await this.redirect(cmd.redirects, ctx);
      status = io ? await this.runCompound(cmd.body, { ...ctx, io }) : 1;
    } else {
      status = await this.runSimple(cmd, ctx);
    }
    this.lastStatus = status;
    return status;
  }

  private async runCompound(body: CompoundBody, ctx: Ctx): Promise<number> {
    switch (body.kind) {
      case 'group':
        return this.runList(body.body, ctx);
      case 'subshell':
        return this.subshell(() => this.runList(body.body, ctx));
      case 'if': {
        for (const b of body.branches) {
          if ((await this.runList(b.cond, { ...ctx, condition: true })) === 0) return this.runList(b.body, ctx);
        }
        return body.otherwise ? this.runList(body.otherwise, ctx) : 0;
      }
      case 'for':
        return this.runFor(body, ctx);
      case 'while':
        return this.runWhile(body, ctx);
      case 'cfor':
        return this.runArithFor(body, ctx);
      case 'case': {
        const host = this.host(ctx);
        let word: string;
        try {
          word = await expandString(body.word, host);
          for (const item of body.items) {
            for (const p of item.patterns) {
              if (globMatch(await expandPattern(p, host), word)) return item.body.length ? this.runList(item.body, ctx) : 0;
            }
          }
        } catch (e) {
          return this.expandFailed(ctx, e);
        }
        return 0;
      }
      case 'arith':
        try {
          const expr = await expandString({ segments: [{ kind: 'arith', expr: body.expr, quoted: true }] }, this.host(ctx));
          return expr === '0' ? 1 : 0;
        } catch (e) {
          if (!(e instanceof ExpandError)) throw e;
          this.error(ctx, `((: ${e.message}`);
          return 1;
        }
      case 'cond': {
        const host = this.host(ctx);
        try {
          const r = await runCond(
            body.tokens,
            (w, as) => (as === 'string' ? expandString(w, host) : as === 'pattern' ? expandPattern(w, host) : this.regexOf(w, host)),
            this.testHost(),
          );
          if (r.error) this.error(ctx, r.error);
          return r.status;
        } catch (e) {
          return this.expandFailed(ctx, e);
        }
      }
    }
  }

  /** The right side of `=~`: quoted parts match literally. */
  private async regexOf(w: Word, host: ExpandHost): Promise<string> {
    let out = '';
    for (const s of w.segments) {
      const text = await expandString({ segments: [s] }, host);
      out += s.quoted ? text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : text;
    }
    return out;
  }

  /** Runs a loop body; returns 'break' or 'continue' when the body asked for it at this level. */
  private async loopBody(list: List, ctx: Ctx): Promise<{ status: number; flow: 'break' | 'next' }> {
    try {
      return { status: await this.runList(list, ctx), flow: 'next' };
    } catch (e) {
      if (e instanceof BreakSignal) {
        if (e.levels > 1) throw new BreakSignal(e.levels - 1);
        return { status: 0, flow: 'break' };
      }
      if (e instanceof ContinueSignal) {
        if (e.levels > 1) throw new ContinueSignal(e.levels - 1);
        return { status: 0, flow: 'next' };
      }
      throw e;
    }
  }

  private async runFor(body: Extract<CompoundBody, { kind: 'for' }>, ctx: Ctx): Promise<number> {
    let items: string[];
    if (body.items === null) {
      items = [...this.positional];
    } else {
      items = [];
      try {
        for (const w of body.items) items.push(...(await expandFields(w, this.host(ctx))));
      } catch (e) {
        return this.expandFailed(ctx, e);
      }
    }
    const inner = { ...ctx, loops: ctx.loops + 1 };
    let status = 0;
    for (const item of items) {
      await this.tick();
      if (this.readonlyNames.has(body.name)) {
        this.error(ctx, `${body.name}: readonly variable`);
        return 1;
      }
      this.vars.set(body.name, item);
      const r = await this.loopBody(body.body, inner);
      status = r.status;
      if (r.flow === 'break') break;
    }
    return status;
  }

  private async runWhile(body: Extract<CompoundBody, { kind: 'while' }>, ctx: Ctx): Promise<number> {
    const inner = { ...ctx, loops: ctx.loops + 1 };
    let status = 0;
    for (;;) {
      await this.tick();
      const cond = await this.loopBody(body.cond, { ...inner, condition: true });
      if (cond.flow === 'break') break;
      if ((cond.status === 0) === body.until) break;
      const r = await this.loopBody(body.body, inner);
      status = r.status;
      if (r.flow === 'break') break;
    }
    return status;
  }

  private async runArithFor(body: Extract<CompoundBody, { kind: 'cfor' }>, ctx: Ctx): Promise<number> {
    const inner = { ...ctx, loops: ctx.loops + 1 };
    const host = this.host(ctx);
    // Each part is expanded, then evaluated; an empty condition is true.
    const evaluate = async (expr: string) => (expr.trim() === '' ? '1' : host.arith(await expandString(lexArith(expr), host)));
    let status = 0;
    try {
      await evaluate(body.init);
      for (;;) {
        await this.tick();
        if ((await evaluate(body.cond)) === '0') break;
        const r = await this.loopBody(body.body, inner);
        status = r.status;
        if (r.flow === 'break') break;
        await evaluate(body.step);
      }
    } catch (e) {
      if (!(e instanceof ExpandError)) throw e;
      this.error(ctx, `((: ${e.message}`);
      return 1;
    }
    return status;
  }

  private async runSimple(cmd: SimpleCommand, ctx: Ctx): Promise<number> {
    const host = this.host(ctx);
    const argv: string[] = [];
    const assigned: Array<[string, string]> = [];
    let substituted = false;
    const track: ExpandHost = { ...host, substitute: (s) => ((substituted = true), host.substitute(s)) };
    try {
      for (const w of cmd.words) argv.push(...(await expandFields(w, track)));
      for (const a of cmd.assignments) assigned.push([a.name, await expandString(a.value, track)]);
    } catch (e) {
      return this.expandFailed(ctx, e);
    }
    const subStatus = substituted ? this.lastStatus : 0;
    const name = argv[0];
    // `exec` with only redirections changes the shell's own descriptors.
    if (name === 'exec' && argv.length === 1) {
      const io = await this.redirect(cmd.redirects, ctx);
      if (!io) return 1;
      io.forEach((fd, i) => (ctx.io[i] = fd));
      return 0;
    }
    const io = await this.redirect(cmd.redirects, ctx);
    if (!io) return 1;
    const rctx = { ...ctx, io };
    if (name === undefined) {
      for (const [n, v] of assigned) {
        if (this.readonlyNames.has(n)) {
          this.error(rctx, `${n}: readonly variable`);
          return 1;
        }
        this.vars.set(n, v);
      }
      return subStatus;
    }
    for (const [n] of assigned) {
      if (this.readonlyNames.has(n)) {
        this.error(rctx, `${n}: readonly variable`);
        return 1;
      }
    }
    if (name.includes('/')) {
      this.error(rctx, `${name}: restricted: cannot specify \`/' in command names`);
      return 1;
    }
    const args = argv.slice(1);
    if (this.hooks.beforeCommand) {
      await this.hooks.beforeCommand(name);
      // A command held by a hung or slow HMC whose session went meanwhile is not run (sshd hangs up its shell).
      if (this.cancelled) throw this.cancelled;
    }
    const fn = this.functions.get(name);
    const builtin = BUILTINS[name];
    if (fn || builtin) {
      // `IFS=: read a b`: the assignments hold while the builtin or function runs.
      const saved = assigned.map(([n]) => [n, this.vars.get(n)] as const);
      for (const [n, v] of assigned) this.vars.set(n, v);
      try {
        return fn ? await this.callFunction(fn, args, rctx) : await builtin!(this.builtinEnv(rctx), args);
      } catch (e) {
        // A builtin that sets a readonly variable (`read PATH`) fails, as in bash.
        return this.expandFailed(rctx, e);
      } finally {
        for (const [n, v] of saved) {
          if (v === undefined) this.vars.delete(n);
          else this.vars.set(n, v);
        }
      }
    }
    const filter = FILTERS[name];
    let r: CommandResult;
    if (filter) {
      r = filter(args, stdinOf(io)?.readAll() ?? '');
    } else {
      const command = COMMANDS[name];
      if (!command) {
        this.error(rctx, `${name}: command not found`);
        return 127;
      }
      if (args.includes('--help')) r = { stdout: command.usage + '\n', status: 0 };
      else r = await guarded(name, () => command.run({ world: this.world, user: this.user, hmcName: this.hmcName, args, stdin: '' }));
    }
    writeFd(io, 1, r.stdout);
    writeFd(io, 2, r.stderr ?? '');
    return r.status;
  }

  private async callFunction(body: CompoundCommand, args: string[], ctx: Ctx): Promise<number> {
    if (ctx.functionDepth >= MAX_FUNCTION_DEPTH) {
      this.error(ctx, `maximum function nesting level exceeded (${MAX_FUNCTION_DEPTH})`);
      return 1;
    }
    const savedPositional = this.positional;
    this.positional = args;
    const frame = new Map<string, string | undefined>();
    this.locals.push(frame);
    try {
      return await this.runCommand(body, { ...ctx, loops: 0, functionDepth: ctx.functionDepth + 1 });
    } catch (e) {
      if (e instanceof ReturnSignal) return e.status;
      throw e;
    } finally {
      this.locals.pop();
      for (const [n, v] of frame) {
        if (v === undefined) this.vars.delete(n);
        else this.vars.set(n, v);
      }
      this.positional = savedPositional;
    }
  }

  /**
   * Applies redirections to a copy of the context's descriptors; null (after
   * printing why) when one fails. rbash allows duplicating and closing
   * descriptors and reading files; any output to a file is refused.
   */
  private async redirect(redirects: Redirect[], ctx: Ctx): Promise<Io | null> {
    if (redirects.length === 0) return ctx.io;
    const io = [...ctx.io];
    const host = this.host(ctx);
    for (const r of redirects) {
      let fields: string[];
      try {
        fields = r.op === '<<<' ? [await expandString(r.target, host)] : await expandFields(r.target, host);
      } catch (e) {
        this.expandFailed(ctx, e);
        return null;
      }
      if (fields.length !== 1) {
        this.error(ctx, `${wordText(r.target)}: ambiguous redirect`);
        return null;
      }
      const target = fields[0]!;
      const fd = r.fd ?? (r.op.startsWith('<') ? 0 : 1);
      if (fd > 9) {
        this.error(ctx, `${fd}: Bad file descriptor`);
        return null;
      }
      switch (r.op) {
        case '<<<':
          io[fd] = { in: new Reader(`${target}\n`) };
          break;
        case '<': {
          const text = this.readFile(target);
          if (text === null) {
            this.error(ctx, `${target}: No such file or directory`);
            return null;
          }
          io[fd] = { in: new Reader(text) };
          break;
        }
        case '>&':
        case '<&':
          if (target === '-') {
            io[fd] = null;
          } else if (/^\d$/.test(target)) {
            const src = io[Number(target)];
            if (!src) {
              this.error(ctx, `${target}: Bad file descriptor`);
              return null;
            }
            io[fd] = src;
          } else if (r.op === '>&' && r.fd === null) {
            // `>&file` sends both outputs to a file: output redirection.
            this.error(ctx, `${target}: restricted: cannot redirect output`);
            return null;
          } else {
            this.error(ctx, `${target}: ambiguous redirect`);
            return null;
          }
          break;
        default:
          // >, >>, >|, <>, &>, &>>: all write to a file.
          this.error(ctx, `${target}: restricted: cannot redirect output`);
          return null;
      }
    }
    return io;
  }

  /** A file the simulated user may read: /dev/null and the files of the home directory (what scp put there). */
  private readFile(path: string): string | null {
    if (path === '/dev/null') return '';
    const home = `/home/${this.user}/`;
    const name = path.startsWith(home) ? path.slice(home.length) : path.startsWith('./') ? path.slice(2) : path;
    if (name.includes('/')) return null;
    return this.world.readUserFile(this.user, name) ?? null;
  }

  private fileKind(path: string): 'file' | 'dir' | null {
    const home = `/home/${this.user}`;
    if (['/', '.', '..', '/home', home, `${home}/`, '/dev', '/tmp'].includes(path)) return 'dir';
    if (path === '/dev/null') return 'file';
    return this.readFile(path) === null ? null : 'file';
  }

  /** `$(...)`: runs in a subshell; its output without trailing newlines. */
  private async substitute(script: string, ctx: Ctx): Promise<string> {
    if (ctx.depth >= MAX_SUBSTITUTION_DEPTH) {
      this.error(ctx, 'command substitution nested too deeply');
      this.lastStatus = 1;
      return '';
    }
    let list: List;
    try {
      list = parseScript(script);
    } catch (e) {
      if (!(e instanceof ShellSyntaxError)) throw e;
      this.error(ctx, `command substitution: ${e.message}`);
      this.lastStatus = 2;
      return '';
    }
    const buffer = new BufferSink();
    const io = [...ctx.io];
    io[1] = { out: buffer };
    const status = await this.subshell(() => this.runList(list, { ...ctx, io, depth: ctx.depth + 1, loops: 0, condition: false }));
    this.lastStatus = status;
    return buffer.text().replace(/\n+$/, '');
  }

  private lookup(name: string): string | undefined {
    switch (name) {
      case '?':
        return String(this.lastStatus);
      case '$':
        return String(process.pid);
      case '#':
        return String(this.positional.length);
      case '0':
        return this.prog;
      case '-':
        return 'hB';
      case '!':
        return undefined;
      case 'RANDOM':
        return String(Math.floor(Math.random() * 32768));
      case 'SECONDS':
        return String(Math.floor((Date.now() - this.started) / 1000));
    }
    if (/^[1-9][0-9]*$/.test(name)) return this.positional[Number(name) - 1];
    return this.vars.get(name);
  }

  private assign(name: string, value: string): void {
    if (this.readonlyNames.has(name)) throw new ExpandError(`${name}: readonly variable`);
    this.vars.set(name, value);
  }

  private arith(expr: string): bigint {
    try {
      return evalArith(expr, { get: (n) => this.lookup(n), set: (n, v) => this.assign(n, v) });
    } catch (e) {
      if (e instanceof ArithError) throw new ExpandError(`${expr.trim()}: ${e.message}`);
      throw e;
    }
  }

  private host(ctx: Ctx): ExpandHost {
    return {
      lookup: (n) => this.lookup(n),
      positional: () => this.positional,
      assign: (n, v) => this.assign(n, v),
      substitute: (s) => this.substitute(s, ctx),
      arith: (e) => this.arith(e).toString(),
      ifs: () => this.vars.get('IFS') ?? ' \t\n',
      home: () => this.vars.get('HOME') ?? `/home/${this.user}`,
    };
  }

  private testHost() {
    return { fileKind: (p: string) => this.fileKind(p), isVarSet: (n: string) => this.lookup(n) !== undefined, arith: (e: string) => this.arith(e) };
  }

  private builtinEnv(ctx: Ctx): BuiltinEnv {
    const sh = this;
    return {
      prog: this.prog,
      user: this.user,
      io: ctx.io,
      loops: ctx.loops,
      inFunction: ctx.functionDepth > 0,
      lastStatus: this.lastStatus,
      options: this.options,
      get positional() {
        return sh.positional;
      },
      set positional(v: string[]) {
        sh.positional = v;
      },
      lookup: (n) => this.lookup(n),
      assign: (n, v) => this.assign(n, v),
      unset: (n) => this.vars.delete(n),
      unsetFunction: (n) => this.functions.delete(n),
      isReadonly: (n) => this.readonlyNames.has(n),
      markReadonly: (n) => this.readonlyNames.add(n),
      markExported: (n) => this.exportedNames.add(n),
      exported: () => [...this.exportedNames],
      declareLocal: (n) => {
        const frame = this.locals[this.locals.length - 1];
        if (frame && !frame.has(n)) frame.set(n, this.vars.get(n));
      },
      fileKind: (p) => this.fileKind(p),
      isVarSet: (n) => this.lookup(n) !== undefined,
      arith: (e) => this.arith(e),
      evalScript: async (text) => {
        let list: List;
        try {
          list = parseScript(text);
        } catch (e) {
          if (!(e instanceof ShellSyntaxError)) throw e;
          this.error(ctx, `eval: ${e.message}`);
          return 2;
        }
        return this.runList(list, ctx);
      },
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(done, ms);
          function done() {
            clearTimeout(timer);
            sh.wakeSleep = null;
            resolve();
          }
          this.wakeSleep = done;
        }).then(() => {
          if (this.cancelled) throw this.cancelled;
        }),
    };
  }

  /** Reports a failed expansion (status 1); rethrows anything else. `${X:?}` ends a shell that is not interactive. */
  private expandFailed(ctx: Ctx, e: unknown): number {
    if (!(e instanceof ExpandError)) throw e;
    this.error(ctx, e.message);
    if (e.fatal && !this.prog.startsWith('-')) throw new ExitSignal(1);
    return 1;
  }

  private error(ctx: Ctx, text: string): void {
    writeFd(ctx.io, 2, `${this.prog}: ${text}\n`);
  }

  /**
   * The prompt PS1 (or PS2) gives now: its escapes decoded, then expanded as
   * in double quotes; `write` gets what substitutions in it print on stderr.
   */
  async prompt(name: 'PS1' | 'PS2', write: (fd: 1 | 2, text: string) => void): Promise<string> {
    const decoded = decodePrompt(this.vars.get(name) ?? '', {
      user: this.user,
      host: this.hmcName,
      home: this.vars.get('HOME') ?? `/home/${this.user}`,
      cwd: `/home/${this.user}`,
      shell: this.prog,
      commands: this.linesRun,
      now: new Date(),
    });
    const io: Io = [{ in: new Reader('') }, { out: { write: () => undefined } }, { out: { write: (t) => write(2, t) } }];
    const ctx: Ctx = { io, depth: 0, loops: 0, functionDepth: 0, condition: false };
    const status = this.lastStatus;
    if (this.cancelled?.reason !== 'closed') this.cancelled = null;
    try {
      return await expandString(lexQuotedText(decoded), this.host(ctx));
    } catch (e) {
      if (e instanceof ExpandError || e instanceof OutputLimitError || e instanceof CancelSignal) return decoded;
      throw e;
    } finally {
      this.lastStatus = status;
    }
  }
}

