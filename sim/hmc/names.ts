/**
 * What the HMC accepts as a partition or profile name: 1 to 47 printable
 * ASCII characters (spaces included) except ( ) \ < > * $ & ? | [ ] ' " and
 * the backquote (pypowervm's statement of PowerVM's rule; the HMC help also
 * lists , . / ; : ~ @ # ^ - _ = + { } as allowed). A name with a comma is
 * valid: the HMC quotes it in its output and takes it quoted in records.
 * Blanks around a name are refused (the HMC's handling is not documented).
 */
import { fail, msg } from './hscl.js';

export const NAME_MAX = 47;
const FORBIDDEN = /[()\\<>*$&?|[\]'"`]/;

/** Why `name` is not a valid partition or profile name, or null when it is. */
export function nameProblem(name: string): string | null {
  if (name.length === 0 || name.length > NAME_MAX) return `a name is 1 to ${NAME_MAX} characters`;
  if (/[^\x20-\x7e]/.test(name)) return 'a name is made of printable ASCII characters';
  const bad = FORBIDDEN.exec(name);
  if (bad) return `the character ${bad[0]} is not allowed in a name`;
  if (name.trim() !== name) return 'a name cannot begin or end with a blank';
  return null;
}

/** HSCL1050 for the attribute `attr` when `name` is not a valid name. */
export function checkName(attr: string, name: string): void {
  const problem = nameProblem(name);
  if (problem) fail(msg.badValue(attr, name, problem));
}
