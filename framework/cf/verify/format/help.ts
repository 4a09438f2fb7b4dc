/**
 * Where each rule's page is read: docs/rules/<CODE>.md of the repository.
 * The base is one constant so every report (SARIF helpUri, GitHub and GitLab
 * annotations) points at the same stable place; docs/verifier-rules.md says so.
 */
export const RULE_DOCS_BASE = 'https://github.com/vcs-powervm/vcs-powervm/blob/main/docs/rules/';

export function ruleHelpUri(code: string): string {
  return `${RULE_DOCS_BASE}${code}.md`;
}
