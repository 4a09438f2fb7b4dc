/**
 * SARIF 2.1.0, for code-scanning services and editors: every rule in
 * tool.driver.rules (id, name, description, default level), one result per
 * finding at its line and column, artifact URIs relative to the working
 * directory (uriBaseId SRCROOT) or absolute file: URIs outside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES } from '../rules/index.js';
import { projectRoot, type VerifyResult } from '../verify.js';
import { displayPath } from './paths.js';

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

function toolVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version?: string };
    return pkg.version;
  } catch {
    return undefined;
  }
}

/** A relative URI reference with each path segment percent-encoded. */
function relativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

function artifactLocation(file: string, cwd: string): Sarif.ArtifactLocation {
  const shown = displayPath(file, cwd);
  if (shown === '-') return { uri: '-', description: { text: 'standard input' } };
  if (shown !== file || !shown.startsWith('/')) return { uri: relativeUri(shown), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(file).href };
}

export function toSarif(result: VerifyResult, cwd = process.cwd()): Sarif.Log {
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  const files = [...result.files];
  for (const f of result.findings) if (!files.includes(f.file)) files.push(f.file);
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const version = toolVersion();

  const driver: Sarif.ToolComponent = {
    name: 'vcscf verify',
    ...(version ? { version, semanticVersion: version } : {}),
    rules: RULES.map((r) => ({
      id: r.code,
      name: r.name,
      shortDescription: { text: r.description },
      defaultConfiguration: { level: r.severity },
    })),
  };

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(cwd.endsWith('/') ? cwd : cwd + '/').href } },
        artifacts: files.map((f) => ({ location: artifactLocation(f, cwd) })),
        results: result.findings.map((f) => ({
          ruleId: f.code,
          ruleIndex: ruleIndex.get(f.code) ?? -1,
          level: f.severity,
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { ...artifactLocation(f.file, cwd), index: artifactIndex.get(f.file) ?? -1 },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
}

export function formatSarif(result: VerifyResult, cwd?: string): string {
  return JSON.stringify(toSarif(result, cwd), null, 2) + '\n';
}
