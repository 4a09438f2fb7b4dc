/**
 * SARIF 2.1.0, for code-scanning services and editors: every rule in
 * tool.driver.rules (id, name, description, default level, helpUri to its
 * page), one result per finding at its line and column with a
 * partialFingerprints entry that survives `haconf -dump`, suppressed
 * findings with their suppressions (inSource: a vcscf-disable-next-line
 * comment; external: the baseline), artifact URIs relative to the base
 * directory (uriBaseId SRCROOT; by default the repository root) or absolute
 * file: URIs outside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Sarif from 'sarif';
import { RULES } from '../rules/index.js';
import { projectRoot, type VerifyResult } from '../verify.js';
import { fingerprint, relativeTo } from '../fingerprint.js';
import type { Finding } from '../finding.js';
import type { SuppressedFinding } from '../verify.js';
import { ruleHelpUri } from './help.js';

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

function artifactLocation(file: string, base: string): Sarif.ArtifactLocation {
  if (file === '-') return { uri: '-', description: { text: 'standard input' } };
  const shown = relativeTo(file, base);
  if (!shown.startsWith('/')) return { uri: relativeUri(shown), uriBaseId: 'SRCROOT' };
  return { uri: pathToFileURL(shown).href };
}

export function toSarif(result: VerifyResult, base = process.cwd()): Sarif.Log {
  const ruleIndex = new Map(RULES.map((r, i) => [r.code, i]));
  const files = [...result.files];
  for (const f of [...result.findings, ...result.suppressed]) if (!files.includes(f.file)) files.push(f.file);
  const artifactIndex = new Map(files.map((f, i) => [f, i]));
  const version = toolVersion();

  const driver: Sarif.ToolComponent = {
    name: 'vcscf verify',
    ...(version ? { version, semanticVersion: version } : {}),
    informationUri: ruleHelpUri('').replace(/rules\/\.md$/, 'verifier-rules.md'),
    rules: RULES.map((r) => ({
      id: r.code,
      name: r.name,
      shortDescription: { text: r.description },
      helpUri: ruleHelpUri(r.code),
      defaultConfiguration: { level: r.severity },
    })),
  };

  const toResult = (f: Finding | SuppressedFinding): Sarif.Result => {
    const r: Sarif.Result = {
      ruleId: f.code,
      ruleIndex: ruleIndex.get(f.code) ?? -1,
      level: f.severity,
      message: { text: f.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { ...artifactLocation(f.file, base), index: artifactIndex.get(f.file) ?? -1 },
            region: { startLine: f.line, startColumn: f.column },
          },
        },
      ],
      partialFingerprints: { 'vcscfFinding/v1': fingerprint(f, base) },
    };
    if ('suppression' in f) r.suppressions = [{ kind: f.suppression, status: 'accepted' }];
    return r;
  };

  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver },
        originalUriBaseIds: { SRCROOT: { uri: pathToFileURL(base.endsWith('/') ? base : base + '/').href } },
        artifacts: files.map((f) => ({ location: artifactLocation(f, base) })),
        results: [...result.findings.map(toResult), ...result.suppressed.map(toResult)],
        columnKind: 'utf16CodeUnits',
        properties: {
          configurations: result.configs.map((c) => ({
            root: relativeTo(c.root, base),
            vcsVersion: c.vcsVersion,
            platform: c.platform.platform,
            platformGuessed: c.platform.guessed,
            platformReason: c.platform.reason,
            fallbacks: c.fallbacks.map((f) => f.include),
          })),
          truncated: result.truncated.map((t) => ({ ...t, file: relativeTo(t.file, base) })),
        },
      },
    ],
  };
}

export function formatSarif(result: VerifyResult, base?: string): string {
  return JSON.stringify(toSarif(result, base), null, 2) + '\n';
}
