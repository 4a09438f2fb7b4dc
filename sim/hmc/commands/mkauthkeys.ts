/**
 * mkauthkeys -a "KEY"            add a public key for the logged-in user (passwordless SSH)
 * mkauthkeys -r "KEY|COMMENT"    remove it
 * mkauthkeys --ip HMC -u USER --test                  is cross-HMC SSH set up? (HSCL3653 if not)
 * mkauthkeys -g --ip HMC -u USER [--passwd PW]        set it up (exchange keys)
 */
import { fail, msg } from '../hscl.js';
import { ok, parseOptions, type CommandContext, type CommandResult } from './common.js';

const KEY = /^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh\.com)\s+[A-Za-z0-9+/=]+(\s+.*)?$/;

export function mkauthkeys(ctx: CommandContext): CommandResult {
  const opts = parseOptions(ctx.args, { '-a': 'value', '-r': 'value', '--ip': 'value', '-u': 'value', '--test': 'flag', '-g': 'flag', '--passwd': 'value', '-t': 'value' });
  const user = ctx.world.users.get(ctx.user)!;
  const add = opts.get('-a');
  if (add !== undefined) {
    // Clients wrap the key in single quotes inside double quotes: strip what is left of them.
    const key = add.trim().replace(/^'(.*)'$/s, '$1').trim();
    if (!KEY.test(key)) fail(msg.badValue('-a', key.slice(0, 40), 'not an OpenSSH public key'));
    const blob = key.split(/\s+/)[1];
    if (!user.authorizedKeys.some((k) => k.split(/\s+/)[1] === blob)) user.authorizedKeys.push(key);
    return ok();
  }
  const remove = opts.get('-r');
  if (remove !== undefined) {
    const r = remove.trim().replace(/^'(.*)'$/s, '$1').trim();
    const blob = KEY.test(r) ? r.split(/\s+/)[1] : undefined;
    const before = user.authorizedKeys.length;
    user.authorizedKeys = user.authorizedKeys.filter((k) => {
      const parts = k.split(/\s+/);
      return blob ? parts[1] !== blob : parts.slice(2).join(' ') !== r;
    });
    if (user.authorizedKeys.length === before) fail(msg.badValue('-r', r.slice(0, 40), 'no such key is authorized'));
    return ok();
  }
  const ip = opts.get('--ip');
  if (ip === undefined) return fail(msg.missingParam(['-a', '-r', '--ip']));
  const remoteUser = opts.get('-u') ?? ctx.user;
  if (opts.has('--test')) {
    if (!ctx.world.remoteAuth.has(`${ip} ${remoteUser}`)) fail(msg.noMasterAuth(remoteUser));
    return ok();
  }
  if (opts.has('-g')) {
    ctx.world.remoteAuth.add(`${ip} ${remoteUser}`);
    return ok();
  }
  return fail(msg.missingParam(['--test', '-g']));
}
