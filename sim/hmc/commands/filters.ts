/**
 * Text filters the HMC's restricted shell lets users pipe into
 * (`lssyscfg ... | grep Running`): grep (egrep, fgrep), head, tail, wc, sort,
 * cat, cut, date.
 */
import type { CommandResult } from './common.js';
import { cat, cut, date, wc } from './textutils.js';

export type Filter = (args: string[], stdin: string) => CommandResult;

const lines = (text: string) => (text === '' ? [] : text.replace(/\n$/, '').split('\n'));
const out = (ls: string[]) => (ls.length ? ls.join('\n') + '\n' : '');

function grep(args: string[], stdin: string): CommandResult {
  let invert = false;
  let count = false;
  let quiet = false;
  let ignoreCase = false;
  let extended = false;
  let fixed = false;
  let word = false;
  let pattern: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e') {
      pattern = args[++i];
      continue;
    }
    if (pattern === undefined && /^-[a-zA-Z]+$/.test(a)) {
      for (const f of a.slice(1)) {
        if (f === 'v') invert = true;
        else if (f === 'c') count = true;
        else if (f === 'q') quiet = true;
        else if (f === 'i') ignoreCase = true;
        else if (f === 'E') extended = true;
        else if (f === 'F') fixed = true;
        else if (f === 'w') word = true;
        else return { stdout: '', stderr: `grep: invalid option -- '${f}'\n`, status: 2 };
      }
      continue;
    }
    if (pattern === undefined) pattern = a;
    else return { stdout: '', stderr: `grep: ${a}: No such file or directory\n`, status: 2 };
  }
  if (pattern === undefined) return { stdout: '', stderr: 'Usage: grep [OPTION]... PATTERNS [FILE]...\n', status: 2 };
  let source = fixed ? pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : pattern;
  // Basic regular expressions: \| \( \) \+ \? are the operators, bare ones literal.
  if (!fixed && !extended) source = source.replace(/\\([|()+?{}])|([|()+?{}])/g, (_, op: string, lit: string) => (op ? op : `\\${lit}`));
  if (word) source = `\\b(?:${source})\\b`;
  let re: RegExp;
  try {
    re = new RegExp(source, ignoreCase ? 'i' : '');
  } catch {
    return { stdout: '', stderr: 'grep: Invalid regular expression\n', status: 2 };
  }
  const matched = lines(stdin).filter((l) => re.test(l) !== invert);
  const status = matched.length ? 0 : 1;
  if (quiet) return { stdout: '', status };
  return { stdout: count ? `${matched.length}\n` : out(matched), status };
}

function countArg(args: string[]): number | null {
  let n = 10;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-n') n = Number(args[++i]);
    else if (/^-\d+$/.test(a)) n = Number(a.slice(1));
    else if (/^-n\d+$/.test(a)) n = Number(a.slice(2));
    else return null;
  }
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export const FILTERS: Record<string, Filter> = {
  grep,
  head: (args, stdin) => {
    const n = countArg(args);
    return n === null ? { stdout: '', stderr: 'head: invalid option\n', status: 1 } : { stdout: out(lines(stdin).slice(0, n)), status: 0 };
  },
  tail: (args, stdin) => {
    const n = countArg(args);
    return n === null ? { stdout: '', stderr: 'tail: invalid option\n', status: 1 } : { stdout: out(n === 0 ? [] : lines(stdin).slice(-n)), status: 0 };
  },
  wc,
  cat,
  cut,
  date: (args) => date(args),
  egrep: (args, stdin) => grep(['-E', ...args], stdin),
  fgrep: (args, stdin) => grep(['-F', ...args], stdin),
  sort: (args, stdin) => {
    let ls = [...lines(stdin)].sort();
    if (args.includes('-r')) ls.reverse();
    if (args.includes('-u')) ls = [...new Set(ls)];
    return { stdout: out(ls), status: 0 };
  },
};
