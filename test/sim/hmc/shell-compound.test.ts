/**
 * Compound commands, builtins and expansions of the simulated restricted
 * bash, against outputs of GNU bash 5 (`bash -r -c`) for the same scripts.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { Interpreter } from '../../../sim/hmc/interpreter.js';
import { parseScript, ShellSyntaxError } from '../../../sim/hmc/shell.js';
import type { World } from '../../../sim/hmc/world.js';
import { fixtureWorld, shell } from './helpers.js';

let world: World;
afterEach(() => world?.dispose());

const run = (cmd: string) => {
  world ??= fixtureWorld();
  return shell(world)(cmd);
};

describe('restricted shell: loops over HMC output', () => {
  it('pipes lssyscfg into while read, one partition listing per managed system', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    const sys1 = (await sh('lssyscfg -r lpar -m sys1 -F name,state')).stdout;
    const sys2 = (await sh('lssyscfg -r lpar -m sys2 -F name,state')).stdout;
    const r = await sh('lssyscfg -r sys -F name | while read s; do lssyscfg -r lpar -m "$s" -F name,state; done');
    expect(r).toEqual({ stdout: sys1 + sys2, stderr: '', status: 0 });
    expect(sys1.split('\n')).toContain('lpar05,Running');
  });

  it('iterates for over a command substitution, with nested pipes and newlines as separators', async () => {
    world = fixtureWorld();
    const r = await shell(world)('for m in $(lssyscfg -r sys -F name)\ndo\n  echo "== $m"\n  lssyscfg -r lpar -m $m -F name | head -2\ndone');
    expect(r.stdout).toBe('== sys1\naixnode55vio1\naixnode55vio2\n== sys2\naixnode56vio1\naixnode56vio2\n');
    expect(r.status).toBe(0);
  });

  it('runs while, until, break and continue (also with a level), and returns the last body status', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('i=0; while [ $i -lt 3 ]; do echo $i; i=$((i+1)); done')).stdout).toBe('0\n1\n2\n');
    expect((await sh('i=0; until [ $i -ge 2 ]; do echo u$i; i=$((i+1)); done; echo $?')).stdout).toBe('u0\nu1\n0\n');
    expect((await sh('for i in 1 2 3; do for j in a b; do [ $j = b ] && continue 2; echo $i$j; done; done')).stdout).toBe('1a\n2a\n3a\n');
    expect((await sh('while true; do echo once; break; done')).stdout).toBe('once\n');
    expect((await sh('for i in 1 2; do while :; do break 2; done; echo never; done; echo after')).stdout).toBe('after\n');
    expect((await sh('for x in; do echo z; done; echo $?')).stdout).toBe('0\n');
    expect(await sh('break')).toEqual({ stdout: '', stderr: "/bin/bash: break: only meaningful in a `for', `while', or `until' loop\n", status: 0 });
    expect((await sh('for i in 1; do break 0; done; echo $?')).stdout).toBe('1\n');
  });

  it('runs if/elif/else, case with | and glob patterns, { } groups and ( ) subshells', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('if false; then echo a; elif true; then echo b; else echo c; fi')).stdout).toBe('b\n');
    expect((await sh('if lssyscfg -r sys -m nosuch -F name >&2; then echo yes; else echo "no $?"; fi')).stdout).toBe('no 1\n');
    const state = 'case $(lssyscfg -r lpar -m sys1 --filter lpar_names=lpar05 -F state) in\n  "Not Activated"|Error) echo down;;\n  Run*) echo up;;\n  *) echo other;;\nesac';
    expect((await sh(state)).stdout).toBe('up\n');
    expect((await sh('case z in [a-c]) echo r;; [x-z]) echo s;; esac')).stdout).toBe('s\n');
    expect((await sh('v="*"; case abc in "$v") echo literal;; *) echo glob;; esac')).stdout).toBe('glob\n');
    expect((await sh('{ echo a; echo b; } | wc -l')).stdout).toBe('2\n');
    expect((await sh('x=1; (x=2; echo in $x); echo out $x')).stdout).toBe('in 2\nout 1\n');
    expect((await sh('echo a && { echo b; false; } || echo c')).stdout).toBe('a\nb\nc\n');
  });

  it('defines functions with arguments, local variables and return', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('state() { lssyscfg -r lpar -m "$1" --filter "lpar_names=$2" -F state; }; state sys1 lpar05')).stdout).toBe('Running\n');
    expect((await sh('f() { local v=1; echo $v; return 3; }; v=0; f; echo $? $v')).stdout).toBe('1\n3 0\n');
    expect((await sh('f() { if [ $1 -gt 0 ]; then echo $1; f $(( $1 - 1 )); fi; }; f 3')).stdout).toBe('3\n2\n1\n');
  });

  it('asks for more input inside an unfinished compound command, and reports stray keywords as bash does', async () => {
    for (const partial of ['for x in a b; do', 'while true', 'if true; then echo', 'case x in', '{ echo a', 'f() {']) {
      expect(() => parseScript(partial), partial).toThrow(ShellSyntaxError);
      try {
        parseScript(partial);
      } catch (e) {
        expect((e as ShellSyntaxError).incomplete, partial).toBe(true);
      }
    }
    world = fixtureWorld();
    expect(await shell(world)('if true; then echo a; fi; fi')).toEqual({
      stdout: '',
      stderr: "/bin/bash: syntax error near unexpected token `fi'\n/bin/bash: `if true; then echo a; fi; fi'\n",
      status: 2,
    });
    // bash runs each complete line before it reads the next one.
    expect(await shell(world)('echo first\ndone')).toMatchObject({ stdout: 'first\n', status: 2 });
  });
});

describe('restricted shell: read, test and $?', () => {
  it('reads lines and splits them on IFS, the last name taking the rest; exit 1 at end of input', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('echo "one two three" | { read a b; echo "$a|$b"; }')).stdout).toBe('one|two three\n');
    expect((await sh('IFS=: read a b <<< "x:y:z"; echo $a $b')).stdout).toBe('x y:z\n');
    expect((await sh('read -r x <<< "a\\b"; echo "$x"; read x <<< "a\\b"; echo "$x"')).stdout).toBe('a\\b\nab\n');
    expect((await sh('read x < /dev/null; echo $?')).stdout).toBe('1\n');
    expect((await sh("printf 'l1\\nl2' | while read l || [ -n \"$l\" ]; do echo \"[$l]\"; done")).stdout).toBe('[l1]\n[l2]\n');
    // A pipeline stage is a subshell: what read sets there is gone afterwards.
    expect((await sh('echo a | read v; echo "[$v]"')).stdout).toBe('[]\n');
    expect((await sh('read <<< "  sp  "; echo "[$REPLY]"')).stdout).toBe('[  sp  ]\n');
  });

  it('evaluates test and [ ] with the string, integer and logical operators', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    const truth = async (expr: string) => (await sh(`${expr}; echo $?`)).stdout;
    expect(await truth('[ -z "" ]')).toBe('0\n');
    expect(await truth('[ -n "" ]')).toBe('1\n');
    expect(await truth('[ abc = abc ]')).toBe('0\n');
    expect(await truth('[ abc != abc ]')).toBe('1\n');
    expect(await truth('test 10 -gt 9')).toBe('0\n');
    expect(await truth('[ 3 -le 2 ]')).toBe('1\n');
    expect(await truth('[ 1 -lt 2 -a 3 -ge 3 ]')).toBe('0\n');
    expect(await truth('[ ! -z x ]')).toBe('0\n');
    expect(await truth('[ \\( a = b \\) -o 1 -ne 2 ]')).toBe('0\n');
    expect(await truth('[ -d ~ ]')).toBe('0\n');
    expect(await truth('test')).toBe('1\n');
    expect(await sh('[ a -eq 1 ]; echo $?')).toEqual({ stdout: '2\n', stderr: '/bin/bash: [: a: integer expression expected\n', status: 0 });
    expect(await sh('[ a = a ; echo $?')).toEqual({ stdout: '2\n', stderr: "/bin/bash: [: missing `]'\n", status: 0 });
    expect(await truth('[[ abc == a* && -n x ]]')).toBe('0\n');
    expect(await truth('[[ lpar05 =~ ^lpar([0-9]+)$ ]]')).toBe('0\n');
    expect(await truth('(( 2 > 3 ))')).toBe('1\n');
  });

  it('gives $? the status of the previous command inside && and || lists', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('false || echo "rc=$?"')).stdout).toBe('rc=1\n');
    expect((await sh('lssyscfg -r sys -m nosuch -F name >&2 || echo "rc=$?"')).stdout).toBe('rc=1\n');
    // Redirections apply left to right: stderr goes where stdout went before stdout was closed.
    expect((await sh('nosuch 2>&1 >&- ; echo $?; true && echo "rc=$?"')).stdout).toBe('/bin/bash: nosuch: command not found\n127\nrc=0\n');
    expect((await sh('x=$(false); echo $?')).stdout).toBe('1\n');
    expect((await sh('true | false; echo $?; ! true; echo $?')).stdout).toBe('1\n1\n');
  });

  it('expands ${...} forms, arithmetic and quoted "$@" as bash does', async () => {
    world = fixtureWorld();
    const sh = shell(world);
    expect((await sh('echo ${X:-def} ${#HOME}')).stdout).toBe('def 13\n');
    expect((await sh('X=abc.def.ghi; echo ${X%.*} ${X%%.*} ${X#*.} ${X##*.}')).stdout).toBe('abc.def abc def.ghi ghi\n');
    expect((await sh('echo $((3*4%5)) $((1<2)) $((x=5)) $x $(( 2**10 )) $(( -7/2 ))')).stdout).toBe('2 1 5 5 1024 -3\n');
    expect((await sh('set -- "a b" c; echo $#; for a in "$@"; do echo "[$a]"; done')).stdout).toBe('2\n[a b]\n[c]\n');
    expect((await sh("IFS=:; x='a::b'; for w in $x; do echo \"<$w>\"; done")).stdout).toBe('<a>\n<>\n<b>\n');
    expect((await sh("printf '%s=%d\\n' a 1 b 2; printf '%5s|%-5s|%05d\\n' ab cd 42")).stdout).toBe('a=1\nb=2\n   ab|cd   |00042\n');
    expect((await sh('for ((i=0; i<3; i++)); do echo -n $i; done; echo')).stdout).toBe('012\n');
  });
});

describe('restricted shell: rbash limits inside compound commands', () => {
  it('refuses cd, / in command names, output files and PATH changes wherever they appear', async () => {
    expect(await run('for i in 1; do cd /; done')).toMatchObject({ stderr: '/bin/bash: cd: restricted\n', status: 1 });
    expect(await run('if true; then /bin/sh; fi')).toMatchObject({ stderr: "/bin/bash: /bin/sh: restricted: cannot specify `/' in command names\n", status: 1 });
    expect(await run('{ echo a; } > /tmp/x')).toMatchObject({ stdout: '', stderr: '/bin/bash: /tmp/x: restricted: cannot redirect output\n', status: 1 });
    expect(await run('for PATH in /bin; do :; done')).toMatchObject({ stderr: '/bin/bash: PATH: readonly variable\n', status: 1 });
    expect(await run('read SHELL <<< /bin/sh')).toMatchObject({ stderr: '/bin/bash: SHELL: readonly variable\n', status: 1 });
    expect(await run('f() { export ENV=/x; }; f')).toMatchObject({ stderr: '/bin/bash: ENV: readonly variable\n', status: 1 });
    expect(await run('unset PATH')).toMatchObject({ stderr: '/bin/bash: unset: PATH: cannot unset: readonly variable\n', status: 1 });
    expect(await run('exec lssyscfg -r sys')).toMatchObject({ stderr: '/bin/bash: exec: restricted\n', status: 1 });
  });

  it('bounds endless loops: output beyond the pipe limit stops the command line with an error', async () => {
    world = fixtureWorld();
    const r = await shell(world)('while true; do echo yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy; done | head -1');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/output too large/);
    // CPU-bound (4 s on a quiet machine): a busy one can take ten times as long.
  }, 180_000);

  it('a malformed arithmetic expression fails its command (status 1), not the shell', async () => {
    world = fixtureWorld();
    // Found by the property below: the expression is lexed only when it runs.
    for (const script of ['(( ${ ))', 'echo $(( ${ ))', 'for (( ${ ; ; )); do :; done']) {
      const r = await shell(world)(`${script}; echo after $?`);
      expect(r.stderr, script).not.toMatch(/internal error/);
      expect(r.stderr, script).toMatch(/unexpected EOF while looking for matching `}'/);
      expect(r.stdout, script).toMatch(/after 1\n$/);
    }
  });

  it('answers any input with output and a status, never an internal error', async () => {
    world = fixtureWorld();
    const pieces = ['echo', 'a', ' ', ';', '&&', '||', '|', '(', ')', '{', '}', '$(', '`', '"', "'", '\\', '$', '${', 'x', '=', '1', '\n', 'for', 'in', 'do', 'done', 'if', 'then', 'fi', 'case', 'esac', ';;', '[', ']', '[[', ']]', '((', '))', '>', '<', '>&', '2>&1', '&', '!', '#', '*', 'read', 'lssyscfg -r sys -F name', 'break', 'continue', 'return', 'f()', 'local', '$?', '$((', '+', '%', ':-', 'IFS=:', 'set -e', 'exit', 'eval', 'printf', '<<<', 'test', '-n', 'grep', 'wc'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), async (parts) => {
        const sh = new Interpreter(world, 'hscroot', 'hmc6', '/bin/bash');
        // An endless loop the pieces happen to make is stopped as a closed session stops it.
        const timer = setTimeout(() => sh.cancel('closed'), 2000);
        const r = await sh.run(parts.join(''));
        clearTimeout(timer);
        expect(r.stderr).not.toMatch(/internal error/);
        expect(Number.isInteger(r.status)).toBe(true);
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
