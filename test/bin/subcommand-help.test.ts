import { beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, vcsagent } from './helpers.js';

beforeAll(requireBuild);

describe('vcsagent SUBCOMMAND --help', () => {
  it.each([
    ['run', /^usage: vcsagent run --config main\.cf --system NAME/],
    ['check', /^usage:\n  vcsagent check TYPE RESOURCE --config main\.cf --system NAME/],
    ['install', /^usage:\n  vcsagent install --vcs-home DIR/],
  ])('%s --help prints its usage on stdout and exits 0', (sub, usage) => {
    const r = vcsagent([sub, '--help'], { ...process.env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe('');
  });
});
