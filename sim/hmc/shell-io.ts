/**
 * File descriptors of the simulated shell: a command's standard input is a
 * Reader over text (a pipe's contents, `< file`, `<<< word`), its outputs are
 * Sinks (the SSH channel, a pipe buffer, a substitution's capture). Stages
 * of a pipeline run one after the other, so pipe buffers are bounded.
 */

/** More than this in one pipe buffer or substitution stops the command line: the simulator must bound its memory. */
export const MAX_BUFFER = 32 * 1024 * 1024;

export class OutputLimitError extends Error {
  constructor() {
    super(`output too large (more than ${MAX_BUFFER} bytes in a pipe or command substitution)`);
  }
}

export class Reader {
  private pos = 0;

  constructor(private readonly text: string) {}

  /** The next line without its newline (`complete` false when the input ends without one), or null at the end. */
  readLine(): { line: string; complete: boolean } | null {
    if (this.pos >= this.text.length) return null;
    const nl = this.text.indexOf('\n', this.pos);
    if (nl < 0) {
      const line = this.text.slice(this.pos);
      this.pos = this.text.length;
      return { line, complete: false };
    }
    const line = this.text.slice(this.pos, nl);
    this.pos = nl + 1;
    return { line, complete: true };
  }

  /** Everything not read yet (what a filter such as grep consumes). */
  readAll(): string {
    const rest = this.pos === 0 ? this.text : this.text.slice(this.pos);
    this.pos = this.text.length;
    return rest;
  }
}

export interface Sink {
  write(text: string): void;
}

export class BufferSink implements Sink {
  private readonly parts: string[] = [];
  private size = 0;

  write(text: string): void {
    this.size += text.length;
    if (this.size > MAX_BUFFER) throw new OutputLimitError();
    this.parts.push(text);
  }

  text(): string {
    return this.parts.join('');
  }
}

/** One file descriptor: readable, writable, or closed (`>&-`). */
export type Fd = { in: Reader } | { out: Sink } | null;

/** Descriptors 0 to 9, as bash allows in redirections. */
export type Io = Fd[];

export function writeFd(io: Io, fd: number, text: string): void {
  if (!text) return;
  const f = io[fd];
  if (f && 'out' in f) f.out.write(text);
}

export function stdinOf(io: Io): Reader | null {
  const f = io[0];
  return f && 'in' in f ? f.in : null;
}
