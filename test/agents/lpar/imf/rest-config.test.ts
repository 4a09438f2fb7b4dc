/**
 * REST credentials for the LPAR event feed, and which registrations use it:
 * the file must be owner-only; HMCs it names follow the feed, the others are
 * polled over SSH.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LparImfSource } from '../../../../agents/lpar/imf/lpar-source.js';
import { loadRestConfig, restConfigPath } from '../../../../agents/lpar/imf/rest-config.js';
import { RestFeedSource } from '../../../../agents/lpar/imf/rest-feed-source.js';
import { lparGroup } from '../../../../agents/lpar/imf/target.js';
import type { Registration } from '../../../../framework/imf/protocol.js';
import { type NotificationSource, silentSourceLogger } from '../../../../framework/imf/source.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function file(content: string, mode = 0o600): string {
  dir ??= mkdtempSync(join(tmpdir(), 'restcfg-'));
  const p = join(dir, 'hmc-rest.json');
  writeFileSync(p, content);
  chmodSync(p, mode);
  return p;
}

const good = JSON.stringify({ hmcs: { hmc6: { url: 'https://hmc6.example.com:12443/ignored', user: 'hscroot', password: 'secret' } } });

describe('hmc-rest.json', () => {
  it('is found under $VCS_CONF/conf/LPAR, or where VCS_LPAR_REST_CONFIG says', () => {
    expect(restConfigPath({ VCS_CONF: '/etc/VRTSvcs' })).toBe('/etc/VRTSvcs/conf/LPAR/hmc-rest.json');
    expect(restConfigPath({ VCS_LPAR_REST_CONFIG: '/x.json' })).toBe('/x.json');
  });

  it('reads endpoints by MCName', () => {
    const eps = loadRestConfig(file(good))!;
    expect(eps.get('hmc6')).toEqual({ name: 'hmc6', baseUrl: 'https://hmc6.example.com:12443', user: 'hscroot', password: 'secret' });
    expect(loadRestConfig(join(tmpdir(), 'no-such-hmc-rest.json'))).toBeUndefined();
  });

  it('refuses a file others can read, a plain-HTTP URL, and a bad shape — naming the problem, never the password', () => {
    expect(() => loadRestConfig(file(good, 0o644))).toThrow(/readable by others \(mode 644; chmod 600 it\)/);
    expect(() => loadRestConfig(file(good.replace('https:', 'http:')))).toThrow(/must be https/);
    expect(() => loadRestConfig(file('{"hmcs": {"hmc6": {"url": "https://h"}}}'))).toThrow(/needs "url", "user" and "password"/);
    expect(() => loadRestConfig(file('nope'))).toThrow(/not JSON/);
    try {
      loadRestConfig(file(good, 0o640));
    } catch (e) {
      expect(String(e)).not.toContain('secret');
    }
  });
});

class Recorder implements NotificationSource {
  added: string[] = [];
  removed: string[] = [];
  start() {}
  add(r: Registration) {
    this.added.push(r.resource);
  }
  remove(res: string) {
    this.removed.push(res);
  }
  async close() {}
}

const reg = (resource: string, names: string[]): Registration => {
  const w = { names, users: ['hscroot'], system: 'sys1', vios: [] };
  return { id: resource, resource, state: 'online', target: { group: lparGroup(w), key: resource, data: w }, since: 0 };
};

describe('LparImfSource', () => {
  it('sends registrations whose HMCs have credentials to the feed, the others to SSH polling', async () => {
    const cli = new Recorder();
    const rest = new RestFeedSource({ endpoints: (names) => (names[0] === 'hmc6' ? [{ name: 'hmc6', baseUrl: 'https://hmc6:12443', user: 'u', password: 'p' }] : []), log: silentSourceLogger });
    // Covered registrations only: the feed itself is exercised with nock in rest-feed.test.ts.
    expect(rest.covers(reg('a', ['hmc6', 'hmc7']))).toBe(true);
    expect(rest.covers(reg('b', ['hmc7']))).toBe(false);
    const src = new LparImfSource(cli, rest);
    src.start(() => undefined);
    src.add(reg('b', ['hmc7']));
    src.remove('b');
    expect(cli.added).toEqual(['b']);
    expect(cli.removed).toEqual(['b']);
    await src.close();
  });
});
