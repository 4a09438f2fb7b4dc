/**
 * ~/.ssh is the password database's home, as OpenSSH takes it, not $HOME
 * (VCS may start agents with HOME=/ or none; `su` keeps the caller's).
 */
import { userInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { brokerProfile } from '../../../framework/remote/broker-paths.js';
import { sshHome } from '../../../framework/remote/ssh-home.js';

describe('the SSH home', () => {
  it('is the passwd entry of the user, whatever $HOME says', () => {
    const passwd = userInfo().homedir;
    expect(sshHome({ HOME: '/somewhere/else' })).toBe(passwd);
    expect(sshHome({})).toBe(passwd);
    expect(brokerProfile({ endpoints: [] }, { HOME: '/somewhere/else' }).home).toBe(passwd);
  });

  it('is VCS_REMOTE_HOME when that is set', () => {
    expect(sshHome({ HOME: '/x', VCS_REMOTE_HOME: '/keys/home' })).toBe('/keys/home');
    expect(brokerProfile({ endpoints: [] }, { VCS_REMOTE_HOME: '/keys/home' }).home).toBe('/keys/home');
  });
});
