/**
 * Every message our agents log at info or above carries an explicit msgId,
 * so that its UMI (V-16-<catalog>-<msgId>) survives a change of wording
 * (docs/vcsagent.md, Logs); within an agent, one id means one message.
 * Read from the source with the TypeScript parser, as a reviewer would.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const AGENTS = join(ROOT, 'agents');
const LEVELS = new Set(['info', 'warn', 'error', 'notice', 'fatal']);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : /\.ts$/.test(n) && !n.endsWith('.d.ts') ? [p] : [];
  });
}

interface Call {
  where: string;
  agent: string;
  msgId?: number;
  format: string;
}

function logCalls(file: string): Call[] {
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Call[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && LEVELS.has(n.expression.name.text) && /(^|\.)log$/.test(n.expression.expression.getText()) && n.arguments.length) {
      const [a0, a1] = n.arguments;
      const fields = ts.isObjectLiteralExpression(a0!) ? a0 : undefined;
      const fmt = fields ? a1 : a0;
      const id = fields?.properties.find((p): p is ts.PropertyAssignment => ts.isPropertyAssignment(p) && p.name.getText() === 'msgId');
      const line = sf.getLineAndCharacterOfPosition(n.getStart()).line + 1;
      out.push({
        where: `${relative(ROOT, file)}:${line}`,
        agent: relative(AGENTS, file).split('/')[0]!,
        ...(id && ts.isNumericLiteral(id.initializer) ? { msgId: Number(id.initializer.text) } : {}),
        format: fmt ? fmt.getText() : '',
      });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

describe("agents' log messages", () => {
  const calls = sources(AGENTS).flatMap(logCalls);

  it('are found (the scan reads the sources)', () => {
    expect(calls.length).toBeGreaterThan(100);
  });

  it('each carry an explicit numeric msgId', () => {
    expect(calls.filter((c) => c.msgId === undefined).map((c) => c.where)).toEqual([]);
  });

  it('one id is one message within an agent', () => {
    const byId = new Map<string, Call>();
    const clashes: string[] = [];
    for (const c of calls) {
      const key = `${c.agent}:${c.msgId}`;
      const first = byId.get(key);
      if (first && first.format !== c.format) clashes.push(`${c.where} and ${first.where}: msgId ${c.msgId}`);
      else byId.set(key, c);
    }
    expect(clashes).toEqual([]);
  });
});
