import { afterEach, describe, expect, it } from 'vitest';
import { parseScript, ShellSyntaxError } from '../../../sim/hmc/shell.js';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, shell } from './helpers.js';

let world: World;
afterEach(() => world?.dispose());

describe('restricted shell: parsing', () => {
  it('splits words, removes quotes and keeps backslash escapes', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run(`echo a 'b  c' "d \\"e\\"" f\\ g`)).stdout).toBe('a b  c d "e" f g\n');
    expect((await run(`echo ''"" x`)).stdout).toBe(' x\n');
  });

  it('reports an unbalanced quote as bash does, exit 2, as incomplete input', async () => {
    world = fixtureWorld();
    const r = await shell(world)(`lssyscfg -r lpar -m 'sys1`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^\/bin\/bash: unexpected EOF while looking for matching `''/);
    expect(() => parseScript('echo "x')).toThrow(ShellSyntaxError);
    try {
      parseScript('echo `x');
    } catch (e) {
      expect((e as ShellSyntaxError).incomplete).toBe(true);
    }
  });

  it('rejects stray operators with a syntax error', async () => {
    world = fixtureWorld();
    for (const bad of ['| grep x', 'echo a && ', '; echo', 'echo (x)']) {
      const r = await shell(world)(bad);
      expect(r.status, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/syntax error|unexpected end/);
    }
  });
});

describe('restricted shell: substitution as fence_lpar uses it', () => {
  it('substitutes backticks inside an option value (fence_lpar power on)', async () => {
    world = fixtureWorld();
    const run = shell(world);
    await run('chsysstate -o shutdown -r lpar --immed -m sys1 -n lpar05');
    await new Promise((r) => setTimeout(r, 50));
    const on = await run('chsysstate -o on -r lpar -m sys1 -n lpar05 -f `lssyscfg -r lpar -F curr_profile  -m sys1 --filter "lpar_names=lpar05"`');
    expect(on).toMatchObject({ stdout: '', status: 0 });
    expect(world.findLpar(world.systems[0]!, 'lpar05')!.state).toBe('Starting');
  });

  it('substitutes $(...) with nesting and splits unquoted results into words', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('echo $(echo $(echo a   b))')).stdout).toBe('a b\n');
    expect((await run('echo "$(lssyscfg -r sys -F name)"')).stdout).toBe('sys1\nsys2\n');
    expect((await run('echo x$(true)y')).stdout).toBe('xy\n');
  });

  it('treats hostile values in single quotes as plain text', async () => {
    world = fixtureWorld();
    const run = shell(world);
    const r = await run("lssyscfg -r lpar -m sys1 --filter 'lpar_names=$(rm -rf x);`reboot`'");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('HSCL8012 The partition named $(rm -rf x);`reboot` was not found.  Please check your entry and retry the command.\n');
  });

  it('keeps variables and $?', async () => {
    world = fixtureWorld();
    const run = shell(world);
    await run('X=sys2');
    expect((await run('lssyscfg -r sys -m $X -F name')).stdout).toBe('sys2\n');
    await run('nosuch');
    expect((await run('echo $?')).stdout).toBe('127\n');
  });
});

describe('restricted shell: what rbash refuses', () => {
  it('refuses output redirection, / in command names, cd, exec and PATH changes', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect(await run('lssyscfg -r sys > /tmp/x')).toMatchObject({ status: 1, stdout: '', stderr: '/bin/bash: /tmp/x: restricted: cannot redirect output\n' });
    expect(await run('lssyscfg -r sys 2>/dev/null')).toMatchObject({ status: 1, stderr: '/bin/bash: /dev/null: restricted: cannot redirect output\n' });
    expect(await run('/usr/bin/id')).toMatchObject({ status: 1, stderr: "/bin/bash: /usr/bin/id: restricted: cannot specify `/' in command names\n" });
    expect(await run('cd /')).toMatchObject({ status: 1, stderr: '/bin/bash: cd: restricted\n' });
    expect(await run('exec sh')).toMatchObject({ status: 1, stderr: '/bin/bash: exec: restricted\n' });
    expect(await run('PATH=/bin')).toMatchObject({ status: 1, stderr: '/bin/bash: PATH: readonly variable\n' });
    expect(await run('export SHELL=/bin/sh')).toMatchObject({ status: 1 });
  });

  it('answers an unknown command with bash\'s message and exit 127', async () => {
    world = fixtureWorld();
    expect(await shell(world)('last')).toEqual({ stdout: '', stderr: '/bin/bash: last: command not found\n', status: 127 });
  });

  it('runs ; && || and pipes into grep, head and wc', async () => {
    world = fixtureWorld();
    const run = shell(world);
    expect((await run('false || echo no; true && echo yes')).stdout).toBe('no\nyes\n');
    expect((await run('lssyscfg -r lpar -m sys1 -F name:lpar_env | grep vioserver | wc -l')).stdout).toBe('2\n');
    expect((await run('lssyscfg -r lpar -m sys1 -F name | head -n 1')).stdout).toBe('aixnode55vio1\n');
    expect((await run('lssyscfg -r lpar -m sys1 -F name | grep -c -E "^(lpar|aix)"')).stdout).toBe('4\n');
    expect((await run('lssyscfg -r sys -F name | grep -q nosuch')).status).toBe(1);
  });

  it('prints usage for --help and exits 0', async () => {
    world = fixtureWorld();
    const r = await shell(world)('lssyscfg --help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: lssyscfg -r/);
  });

  it('bounds the size of a command line', async () => {
    world = fixtureWorld();
    const r = await shell(world)(`echo ${'x'.repeat(300 * 1024)}`);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/command line too long/);
  });
});
