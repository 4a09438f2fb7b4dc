/**
 * The interactive prompt: bash decodes the backslash escapes of PS1/PS2
 * (`\u`, `\h`, `\w`, `\$`, `\t`...), then expands parameters and command
 * substitutions in the result as if it were in double quotes (promptvars).
 * The HMC's default PS1 gives `hscroot@hmc6:~> `.
 */

export interface PromptInfo {
  user: string;
  /** The HMC's host name (`\h` is the part before the first dot). */
  host: string;
  home: string;
  cwd: string;
  /** $0 of the shell (`-bash` for a login shell). */
  shell: string;
  /** Commands run so far in the session, for `\#` and `\!`. */
  commands: number;
  now: Date;
}

/** The bash version an HMC V10 ships (`\v`, `\V`). */
const BASH_VERSION = ['4.4', '4.4.20'];
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const p2 = (n: number) => String(n).padStart(2, '0');

/** Text that must stay literal through the expansion that follows decoding. */
const protect = (s: string) => s.replace(/[\\$`"]/g, '\\$&');

function hours12(d: Date): string {
  return p2(d.getHours() % 12 === 0 ? 12 : d.getHours() % 12);
}

/** `\D{format}`: the strftime conversions prompts use. */
function strftime(fmt: string, d: Date): string {
  const conv: Record<string, string> = {
    Y: String(d.getFullYear()),
    y: p2(d.getFullYear() % 100),
    m: p2(d.getMonth() + 1),
    d: p2(d.getDate()),
    e: String(d.getDate()).padStart(2, ' '),
    H: p2(d.getHours()),
    I: hours12(d),
    M: p2(d.getMinutes()),
    S: p2(d.getSeconds()),
    p: d.getHours() < 12 ? 'AM' : 'PM',
    a: DAYS[d.getDay()]!,
    b: MONTHS[d.getMonth()]!,
    '%': '%',
  };
  conv.T = `${conv.H}:${conv.M}:${conv.S}`;
  conv.R = `${conv.H}:${conv.M}`;
  conv.F = `${conv.Y}-${conv.m}-${conv.d}`;
  if (fmt === '') return `${conv.H}:${conv.M}:${conv.S}`;
  return fmt.replace(/%(.)/g, (m, c: string) => conv[c] ?? m);
}

/**
 * Decodes the escapes of a prompt string. The result is ready for the
 * double-quote expansion (what the escapes produced is protected from it).
 */
export function decodePrompt(ps: string, info: PromptInfo): string {
  let out = '';
  const d = info.now;
  const tilde = (path: string) => (path === info.home ? '~' : path.startsWith(`${info.home}/`) ? `~${path.slice(info.home.length)}` : path);
  for (let i = 0; i < ps.length; i++) {
    const c = ps[i]!;
    if (c !== '\\' || i + 1 >= ps.length) {
      out += c;
      continue;
    }
    const e = ps[++i]!;
    let piece: string | null;
    switch (e) {
      case 'u':
        piece = info.user;
        break;
      case 'h':
        piece = info.host.split('.')[0]!;
        break;
      case 'H':
        piece = info.host;
        break;
      case 'w':
        piece = tilde(info.cwd);
        break;
      case 'W':
        piece = info.cwd === info.home ? '~' : info.cwd.split('/').filter(Boolean).pop() ?? '/';
        break;
      case '$':
        piece = info.user === 'root' ? '#' : '$';
        break;
      case 's':
        piece = info.shell.split('/').pop()!;
        break;
      case 'v':
        piece = BASH_VERSION[0]!;
        break;
      case 'V':
        piece = BASH_VERSION[1]!;
        break;
      case 'd':
        piece = `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${p2(d.getDate())}`;
        break;
      case 't':
        piece = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
        break;
      case 'T':
        piece = `${hours12(d)}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
        break;
      case '@':
        piece = `${hours12(d)}:${p2(d.getMinutes())} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
        break;
      case 'A':
        piece = `${p2(d.getHours())}:${p2(d.getMinutes())}`;
        break;
      case 'D': {
        const end = ps[i + 1] === '{' ? ps.indexOf('}', i + 2) : -1;
        if (end < 0) {
          piece = '\\D';
          break;
        }
        piece = strftime(ps.slice(i + 2, end), d);
        i = end;
        break;
      }
      case 'n':
        piece = '\n';
        break;
      case 'r':
        piece = '\r';
        break;
      case 'a':
        piece = '\x07';
        break;
      case 'e':
        piece = '\x1b';
        break;
      case 'j':
        piece = '0';
        break;
      case 'l':
        piece = '0';
        break;
      case '#':
      case '!':
        piece = String(info.commands + 1);
        break;
      case '\\':
        piece = '\\';
        break;
      case '[':
      case ']':
        // Markers of non-printing sequences for readline: not shown.
        piece = '';
        break;
      default:
        if (/[0-7]/.test(e)) {
          const oct = /^[0-7]{1,3}/.exec(ps.slice(i, i + 3))![0];
          piece = String.fromCharCode(parseInt(oct, 8) & 255);
          i += oct.length - 1;
        } else {
          piece = null;
        }
    }
    out += piece === null ? `\\${e}` : protect(piece);
  }
  return out;
}
