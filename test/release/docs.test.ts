/**
 * Docs a newcomer can navigate: a short README with the two set-up commands
 * first, every docs page reachable from it by links that resolve, nothing
 * that points at files a user of the package does not have; man pages made
 * from the same text.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { MAN_PAGES, renderManPage } from '../../scripts/man.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const README = join(ROOT, 'README.md');

function docsPages(dir = join(ROOT, 'docs')): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? docsPages(p) : n.endsWith('.md') ? [p] : [];
  });
}

/** Relative links of a Markdown file (code spans and blocks left out), resolved to paths. */
function links(file: string): { target: string; text: string }[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => ({ text: href, target: resolve(dirname(file), decodeURIComponent(href.split('#')[0]!)) }));
}

describe('README', () => {
  const text = readFileSync(README, 'utf8');

  it('is short, and starts with the two set-up commands', () => {
    expect(text.split('\n').length).toBeLessThan(200);
    const first = /```sh\n([\s\S]*?)```/.exec(text)!;
    expect(first.index).toBeLessThan(40);
    expect(first[1]).toMatch(/^npm ci && npm start\b/m);
    expect(first[1]).toMatch(/^npm ci && npm test\b/m);
  });

  it('reaches every docs page through links that resolve', () => {
    const seen = new Set<string>();
    const broken: string[] = [];
    const queue = [README];
    while (queue.length) {
      const file = queue.shift()!;
      if (seen.has(file)) continue;
      seen.add(file);
      for (const l of links(file)) {
        const target = existsSync(l.target) && statSync(l.target).isDirectory() ? l.target : l.target;
        if (!existsSync(target)) broken.push(`${relative(ROOT, file)}: ${l.text}`);
        else if (target.endsWith('.md')) queue.push(target);
      }
    }
    expect(broken).toEqual([]);
    const unreached = docsPages().filter((p) => !seen.has(p)).map((p) => relative(ROOT, p));
    expect(unreached).toEqual([]);
  });

  it('names no file a user does not have, and no command by its path in a checkout as if installed', () => {
    const offenders: string[] = [];
    for (const file of [README, ...docsPages()]) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const where = `${relative(ROOT, file)}:${i + 1}: ${line.trim()}`;
          if (/DESIGN\.md|shared workspace|research\/|shared\/corpus|\/work\//.test(line)) offenders.push(where);
          // bin/vcsagent ARGS as a command (a code line, or a code span with arguments): the installed command is vcsagent.
          if (/^\s*(\.\/)?bin\/(vcscf|vcsagent|hmcsim)\b|`(\.\/)?bin\/(vcscf|vcsagent|hmcsim) /.test(line)) offenders.push(where);
        });
    }
    expect(offenders).toEqual([]);
  });
});

describe('man pages, from the docs pages of the three commands', () => {
  const REQUESTS = new Set(['TH', 'SH', 'SS', 'PP', 'RS', 'RE', 'nf', 'fi', 'IP', 'TS', 'TE', 'BR', 'br']);

  it.each(MAN_PAGES.map((n) => [n]))('%s(1) has NAME, SYNOPSIS, DESCRIPTION and SEE ALSO, and only roff requests a man reader knows', (name) => {
    const page = renderManPage(readFileSync(join(ROOT, 'docs', `${name}.md`), 'utf8'), { name, version: '9.9.9', seeAlso: MAN_PAGES });
    expect(page).toMatch(new RegExp(`^\\.TH ${name.toUpperCase()} 1 "" "vcs-powervm 9\\.9\\.9" "vcs-powervm"$`, 'm'));
    expect(page).toMatch(new RegExp(`^\\.SH NAME\\n${name} \\\\- \\S`, 'm'));
    for (const s of ['SYNOPSIS', 'DESCRIPTION', '"SEE ALSO"']) expect(page).toContain(`.SH ${s}\n`);
    for (const other of MAN_PAGES.filter((n) => n !== name)) expect(page).toContain(`.BR ${other} (1)`);
    const requests = page.split('\n').filter((l) => /^[.']/.test(l) && !/^\.\\"|^'\\" t$/.test(l)).map((l) => /^\.(\S+)/.exec(l)?.[1] ?? l);
    expect(requests.filter((r) => !REQUESTS.has(r))).toEqual([]);
    // Markdown does not leak into the page: no fences, no link syntax, no HTML entities.
    expect(page).not.toMatch(/```|\]\(|&quot;|&amp;|&lt;/);
  });

  it('turns a relative docs link into an address a reader can follow', () => {
    const page = renderManPage('# vcscf — the toolkit\n\nSee [the rules](verifier-rules.md) and `a-b`.\n', { name: 'vcscf', version: '1' });
    expect(page).toContain('the rules <https://github.com/vcs\\-powervm/vcs\\-powervm/blob/main/docs/verifier\\-rules.md>');
    expect(page).toContain('\\fBa\\-b\\fR');
  });
});
