/**
 * Man pages from the docs pages, so that `man vcscf` and docs/vcscf.md say
 * the same thing: docs/<command>.md → man/<command>.1 for each command the
 * package installs. npm's `prepare` runs it (`npm run build:man`), so the
 * packed package carries man/ and a global install links the pages
 * (package.json `man`).
 *
 *   tsx scripts/man.ts [--out DIR]        (default: man/ beside package.json)
 *
 * The page is the docs page itself: its title line gives NAME
 * ("# vcscf — the main.cf toolkit"), a code block right under the title
 * gives SYNOPSIS, the text up to the first `##` heading is DESCRIPTION and
 * each `##` heading its own section; SEE ALSO names the other pages and the
 * full documentation. Markdown is read by `marked`'s lexer (docs/dependencies.md);
 * this module only writes roff.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Token, type Tokens, marked } from 'marked';
import { writeFileAtomic } from '../framework/fs.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Where relative links of the docs pages point in a man page (the docs are also in the installed package). */
export const DOCS_URL = 'https://github.com/vcs-powervm/vcs-powervm/blob/main/docs/';
/** The commands with a man page: docs/<name>.md is the text. */
export const MAN_PAGES = ['vcscf', 'vcsagent', 'hmcsim'] as const;

export interface ManOptions {
  name: string;
  section?: string;
  version: string;
  /** Other man pages, for SEE ALSO. */
  seeAlso?: readonly string[];
}

/** roff-safe text: backslashes, hyphens (so options stay ASCII minus), and a dot or quote that would start a request. */
function esc(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/-/g, '\\-');
}

function lineSafe(text: string): string {
  // A line starting with . or ' is a request to roff: \& before it keeps it text.
  return text.replace(/^([.'])/gm, '\\&$1');
}

/** A relative docs link as a reader of the man page can follow it. */
function linkTarget(href: string): string {
  if (/^[a-z]+:/i.test(href)) return href;
  const path = href.replace(/^\.\//, '').replace(/^docs\//, '');
  return `${DOCS_URL}${path}`;
}

function inline(tokens: readonly Token[] | undefined): string {
  let out = '';
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'text':
      case 'escape':
        out += 'tokens' in t && t.tokens ? inline(t.tokens) : esc(decodeEntities(t.text));
        break;
      case 'codespan':
        out += `\\fB${esc(decodeEntities(t.text))}\\fR`;
        break;
      case 'strong':
        out += `\\fB${inline((t as Tokens.Strong).tokens)}\\fR`;
        break;
      case 'em':
        out += `\\fI${inline((t as Tokens.Em).tokens)}\\fR`;
        break;
      case 'del':
        out += inline((t as Tokens.Del).tokens);
        break;
      case 'link': {
        const l = t as Tokens.Link;
        const text = inline(l.tokens);
        const target = linkTarget(l.href);
        out += text === esc(l.href) ? esc(target) : `${text} <${esc(target)}>`;
        break;
      }
      case 'br':
        out += '\n.br\n';
        break;
      case 'html':
        break;
      default:
        out += esc(decodeEntities(t.raw));
    }
  }
  return out;
}

function decodeEntities(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#39);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[e]!);
}

function paragraph(text: string): string {
  return `.PP\n${lineSafe(text.replace(/\n+/g, '\n').trim())}\n`;
}

function codeBlock(text: string): string {
  // \& on every line: a line of the code that starts with a dot stays text.
  return `.PP\n.RS 4\n.nf\n${text.split('\n').map((l) => `\\&${esc(l)}`).join('\n')}\n.fi\n.RE\n`;
}

function table(t: Tokens.Table): string {
  const cell = (c: Tokens.TableCell) => `T{\n${lineSafe(inline(c.tokens).replace(/\n/g, ' '))}\nT}`;
  const cols = t.header.map(() => 'lx').join(' ');
  const rows = [t.header.map(cell).join('\t'), ...t.rows.map((r) => r.map(cell).join('\t'))];
  return `.PP\n.TS\nallbox tab(\t);\n${cols}.\n${rows.join('\n')}\n.TE\n`;
}

function list(l: Tokens.List): string {
  let out = '';
  l.items.forEach((item, i) => {
    const bullet = l.ordered ? `${Number(l.start || 1) + i}.` : '\\(bu';
    out += `.IP ${bullet} 4\n`;
    let first = true;
    for (const t of item.tokens) {
      if (t.type === 'text') out += `${first ? '' : '.IP\n'}${lineSafe(inline((t as Tokens.Text).tokens ?? [t]).trim())}\n`;
      else if (t.type === 'list') out += `.RS 4\n${list(t as Tokens.List)}.RE\n`;
      else if (t.type !== 'space') out += block([t]);
      first = false;
    }
  });
  return out;
}

function block(tokens: readonly Token[]): string {
  let out = '';
  for (const t of tokens) {
    switch (t.type) {
      case 'paragraph':
        out += paragraph(inline((t as Tokens.Paragraph).tokens));
        break;
      case 'code':
        out += codeBlock((t as Tokens.Code).text);
        break;
      case 'list':
        out += list(t as Tokens.List);
        break;
      case 'table':
        out += table(t as Tokens.Table);
        break;
      case 'blockquote':
        out += `.RS 4\n${block((t as Tokens.Blockquote).tokens)}.RE\n`;
        break;
      case 'heading': {
        const h = t as Tokens.Heading;
        const text = inline(h.tokens).replace(/"/g, '\\(dq');
        out += h.depth <= 2 ? `.SH "${text.toUpperCase()}"\n` : `.SS "${text}"\n`;
        break;
      }
      case 'text':
        out += paragraph(inline((t as Tokens.Text).tokens ?? [t]));
        break;
      default:
        // space, hr, html: nothing to print.
        break;
    }
  }
  return out;
}

/** The roff text of one man page from its docs page. */
export function renderManPage(markdown: string, o: ManOptions): string {
  const tokens = marked.lexer(markdown);
  const title = tokens[0];
  if (title?.type !== 'heading' || (title as Tokens.Heading).depth !== 1) throw new Error(`${o.name}: the docs page must start with "# ${o.name} — what it is"`);
  const m = /^\s*(\S+)\s+[—–-]+\s+(.+)$/.exec((title as Tokens.Heading).text);
  if (!m) throw new Error(`${o.name}: the title must read "# ${o.name} — what it is"`);
  const summary = m[2]!.replace(/`/g, '');
  let rest = tokens.slice(1);
  while (rest[0]?.type === 'space') rest = rest.slice(1);
  let synopsis = '';
  if (rest[0]?.type === 'code') {
    synopsis = `.SH SYNOPSIS\n.nf\n${(rest[0] as Tokens.Code).text.split('\n').map((l) => `\\&${esc(l)}`).join('\n')}\n.fi\n`;
    rest = rest.slice(1);
  }
  const section = o.section ?? '1';
  const seeAlso = (o.seeAlso ?? []).filter((n) => n !== o.name);
  return [
    `'\\" t\n`,
    `.\\" Generated from docs/${o.name}.md by scripts/man.ts: edit that page, not this file.\n`,
    `.TH ${o.name.toUpperCase()} ${section} "" "vcs-powervm ${esc(o.version)}" "vcs-powervm"\n`,
    `.SH NAME\n${esc(o.name)} \\- ${esc(summary)}\n`,
    synopsis,
    '.SH DESCRIPTION\n',
    block(rest),
    '.SH "SEE ALSO"\n',
    seeAlso.map((n) => `.BR ${n} (${section})`).join(',\n') + (seeAlso.length ? ',\n' : ''),
    `the docs/ directory of the installed package, and\n${esc(DOCS_URL)}\n`,
  ].join('');
}

/** Writes man/<name>.1 for each command; returns the paths. */
export function writeManPages(outDir: string, root = ROOT): string[] {
  const version = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version);
  mkdirSync(outDir, { recursive: true });
  return MAN_PAGES.map((name) => {
    const text = renderManPage(readFileSync(join(root, 'docs', `${name}.md`), 'utf8'), { name, version, seeAlso: MAN_PAGES });
    const path = join(outDir, `${name}.1`);
    writeFileAtomic(path, text, { backup: false });
    return path;
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { out: { type: 'string' } } });
  for (const p of writeManPages(resolve(values.out ?? join(ROOT, 'man')))) process.stdout.write(`${p}\n`);
}
