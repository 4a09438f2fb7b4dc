/**
 * One SSH session channel on a simulated HMC: an exec request, an
 * interactive login shell on a pty (banner, PS1 prompt, echo, `\r\n` line
 * endings, line editing, continuation lines with PS2, ^C), or a shell
 * without a pty (commands read from stdin, no prompt, as bash does).
 * Output is streamed as commands produce it, and a script waits while the
 * client does not read (SSH flow control) instead of buffering without end.
 */
import type { ServerChannel } from 'ssh2';
import { Interpreter, MAX_SCRIPT, type SessionHooks } from './interpreter.js';
import { splitComplete } from './shell.js';
import type { World } from './world.js';

export interface SessionInfo {
  world: World;
  user: string;
  hmcName: string;
  remoteAddress: string;
  hooks: SessionHooks;
  /** Registers what to do when the SSH connection goes. */
  onDisconnect: (fn: () => void) => void;
}

const onlcr = (text: string) => text.replace(/\r?\n/g, '\r\n');

function lastLoginBanner(from: string): string {
  const d = new Date();
  const day = d.toLocaleString('en-US', { weekday: 'short' });
  const mon = d.toLocaleString('en-US', { month: 'short' });
  const p2 = (n: number) => String(n).padStart(2, '0');
  return `Last login: ${day} ${mon} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())} ${d.getFullYear()} from ${from}`;
}

/**
 * Whether a new line of an unfinished command may finish it: it closes a
 * construct (`done`, `fi`, `esac`, `}`, `)`, `]]`, a quote) or the text
 * before it ended with `|`, `&&`, `||` or a backslash. Other lines cannot,
 * so the whole command is not parsed again for each of them.
 */
function mayComplete(before: string, line: string): boolean {
  return /(?:\|\||&&|\||\\)[ \t]*\n$/.test(before) || /done|fi|esac|[})'"`]|\]\]/.test(line);
}

/** Beyond this length an unfinished command is parsed again only every MAX_UNCHECKED lines while more input waits. */
const LONG_COMMAND = 16 * 1024;
const MAX_UNCHECKED = 64;

/** Resolves once the channel (and its stderr) can take more output, or is gone. */
function drained(channel: ServerChannel, gone: () => boolean): Promise<void> | void {
  const streams = [channel, channel.stderr].filter((s) => s.writableNeedDrain);
  if (streams.length === 0 || gone()) return;
  return new Promise<void>((resolve) => {
    const check = () => {
      if (gone() || !streams.some((s) => s.writableNeedDrain)) {
        for (const s of streams) s.off('drain', check);
        channel.off('close', check);
        resolve();
      }
    };
    for (const s of streams) s.on('drain', check);
    channel.on('close', check);
  });
}

/** Runs an exec request and closes the channel with the command's exit status. */
export async function runExec(channel: ServerChannel, info: SessionInfo, command: string, pty: boolean): Promise<void> {
  const sh = new Interpreter(info.world, info.user, info.hmcName, '/bin/bash', info.hooks);
  let closed = false;
  const gone = () => {
    closed = true;
    sh.cancel('closed');
  };
  // The client closed the channel (ssh2 then ends our side: 'finish' before we ended it) or the connection.
  channel.on('close', gone);
  channel.on('finish', gone);
  info.onDisconnect(gone);
  const write = (fd: 1 | 2, text: string) => {
    if (closed || !text) return;
    if (pty) channel.write(onlcr(text));
    else if (fd === 1) channel.write(text);
    else channel.stderr.write(text);
  };
  const r = await sh.run(command, { write, pace: () => drained(channel, () => closed) });
  if (closed) return;
  channel.exit(r.status);
  channel.end();
}

/** An interactive (pty) or stdin-fed (no pty) shell. */
export class ShellSession {
  private readonly sh: Interpreter;
  /** Bytes received but not yet processed (typeahead while a command runs). */
  private pending = '';
  private line = '';
  /** Earlier lines of an incomplete command (open quote, trailing `|`, unfinished `for`). */
  private continued = '';
  private busy = false;
  private closed = false;
  private overflow = false;
  private status = 0;
  private eof = false;
  /** ^C arrived while a command ran: its remaining output is dropped. */
  private interrupted = false;
  /** Continuation lines since the unfinished command was last parsed, and whether one of them may have finished it. */
  private unchecked = 0;
  private checkDue = false;

  constructor(
    private readonly channel: ServerChannel,
    private readonly info: SessionInfo,
    private readonly interactive: boolean,
  ) {
    this.sh = new Interpreter(info.world, info.user, info.hmcName, interactive ? '-bash' : 'bash', info.hooks);
    channel.on('data', (d: Buffer) => this.receive(d.toString('utf8')));
    channel.on('end', () => {
      // Without a pty, end of input ends the shell once the last line has run.
      this.eof = true;
      if (!this.interactive) this.pending += '\n';
      this.pump();
    });
    const gone = () => {
      this.closed = true;
      this.sh.cancel('closed');
    };
    channel.on('close', gone);
    channel.on('error', gone);
    info.onDisconnect(gone);
  }

  start(): void {
    if (!this.interactive) return;
    this.write(`${lastLoginBanner(this.info.remoteAddress)}\n`);
    this.showPrompt('PS1');
  }

  private write(text: string): void {
    if (!this.closed && text) this.channel.write(this.interactive ? onlcr(text) : text);
  }

  /** Without a pty, standard error is its own stream; on a pty it shares the terminal. */
  private writeErr(text: string): void {
    if (this.closed || !text) return;
    if (this.interactive) this.write(text);
    else this.channel.stderr.write(text);
  }

  private readonly output = (fd: 1 | 2, text: string) => {
    if (this.interrupted) return;
    if (fd === 1) this.write(text);
    else this.writeErr(text);
  };

  /** Writes PS1 or PS2 as the shell's variables make it now (it may run substitutions, so input waits meanwhile). */
  private showPrompt(name: 'PS1' | 'PS2'): void {
    if (!this.interactive) return;
    this.busy = true;
    this.sh.prompt(name, this.output).then(
      (text) => {
        this.busy = false;
        this.write(text);
        this.pump();
      },
      () => {
        this.busy = false;
        this.finish(1, '');
      },
    );
  }

  private receive(text: string): void {
    // ^C while a command runs interrupts it; the terminal discards what was typed ahead.
    if (this.interactive && this.busy && text.includes('\u0003')) {
      text = text.slice(text.lastIndexOf('\u0003') + 1);
      this.pending = '';
      if (!this.interrupted) {
        this.interrupted = true;
        this.write('^C\n');
        this.sh.cancel('interrupt');
      }
    }
    // Bound what a client can make us buffer: the rest of an overlong line is dropped.
    if (this.pending.length + text.length > 2 * MAX_SCRIPT) text = text.slice(0, Math.max(0, 2 * MAX_SCRIPT - this.pending.length));
    this.pending += text;
    this.pump();
  }

  private pump(): void {
    this.consume();
    if (this.eof && !this.busy && !this.closed && this.pending === '') {
      if (this.continued !== '' && !this.interactive) {
        // An unterminated quote at end of input: bash reports it and stops.
        const text = this.continued;
        this.continued = '';
        this.busy = true;
        void this.sh.run(text, { write: this.output }).then((r) => {
          this.busy = false;
          this.finish(r.status, '');
        });
        return;
      }
      this.finish(this.status, '');
    }
  }

  private consume(): void {
    while (!this.busy && !this.closed && this.pending.length) {
      // Plain text up to the next control character is taken (and echoed) in one piece.
      const plain = /^[^\u0000-\u0008\u000a-\u001f\u007f]+/.exec(this.pending);
      if (plain) {
        const room = Math.max(0, MAX_SCRIPT - this.line.length - this.continued.length);
        const text = plain[0].slice(0, room);
        if (text.length < plain[0].length) this.overflow = true;
        this.line += text;
        if (this.interactive && text) this.channel.write(text);
        this.pending = this.pending.slice(plain[0].length);
        continue;
      }
      const c = this.pending[0]!;
      // Escape sequences (arrow keys and the like) are ignored: no history or cursor motion here.
      if (c === '\u001b') {
        const m = /^\u001b(\[[0-9;?]*[@-~]|O.|.)?/s.exec(this.pending)!;
        if (m[0].length === 1 && this.pending.length === 1) return;
        this.pending = this.pending.slice(m[0].length);
        continue;
      }
      this.pending = this.pending.slice(1);
      if (c === '\r' || c === '\n') {
        if (c === '\r' && this.pending[0] === '\n') this.pending = this.pending.slice(1);
        if (this.interactive) this.write('\n');
        this.endOfLine();
      } else if (c === '\u007f' || c === '\b') {
        if (this.line.length) {
          this.line = this.line.slice(0, -1);
          if (this.interactive) this.channel.write('\b \b');
        }
      } else if (c === '\u0003') {
        this.line = '';
        this.continued = '';
        this.overflow = false;
        if (this.interactive) {
          this.write('^C\n');
          this.showPrompt('PS1');
        }
      } else if (c === '\u0004') {
        if (this.line === '' && this.continued === '') {
          this.finish(this.status, this.interactive ? 'logout\n' : '');
          return;
        }
      } else if (c === '\u0015') {
        if (this.interactive) this.channel.write('\b \b'.repeat(this.line.length));
        this.line = '';
      }
      // other control characters do nothing
    }
  }

  private endOfLine(): void {
    const before = this.continued;
    const line = this.line;
    const text = before + line;
    this.line = '';
    if (this.overflow) {
      this.overflow = false;
      this.continued = '';
      this.writeErr(`${this.interactive ? '-bash' : 'bash'}: input line too long (more than ${MAX_SCRIPT} bytes); discarded\n`);
      this.showPrompt('PS1');
      return;
    }
    if (before !== '' && !this.timeToCheck(before, line)) {
      this.unchecked++;
      this.continued = text + '\n';
      this.showPrompt('PS2');
      return;
    }
    this.unchecked = 0;
    this.checkDue = false;
    const { complete, rest } = splitComplete(text);
    this.continued = rest === '' ? '' : rest + '\n';
    const next = this.continued ? 'PS2' : 'PS1';
    if (complete.trim() === '') {
      this.showPrompt(next);
      return;
    }
    this.busy = true;
    this.interrupted = false;
    this.sh.run(complete, { write: this.output, pace: () => drained(this.channel, () => this.closed) }).then(
      (r) => {
        this.busy = false;
        this.interrupted = false;
        this.status = r.status;
        if (r.exit !== undefined) {
          this.finish(r.exit, this.interactive ? 'logout\n' : '');
          return;
        }
        if (this.interactive) this.showPrompt(next);
        else this.pump();
      },
      () => {
        this.busy = false;
        this.finish(1, '');
      },
    );
  }

  /**
   * Whether to parse an unfinished command again after this line: when the
   * line may finish it; and once the command is long, only when no more input
   * waits or every MAX_UNCHECKED lines (parsing a long loop after each of its
   * lines would cost time quadratic in its length).
   */
  private timeToCheck(before: string, line: string): boolean {
    if (mayComplete(before, line)) this.checkDue = true;
    if (!this.checkDue) return false;
    if (before.length < LONG_COMMAND) return true;
    return !this.pending.includes('\n') || this.unchecked >= MAX_UNCHECKED;
  }

  private finish(status: number, farewell: string): void {
    if (this.closed) return;
    this.write(farewell);
    this.closed = true;
    this.channel.exit(status);
    this.channel.end();
  }
}
