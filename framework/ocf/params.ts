/**
 * OCF instance parameters as the VCS attributes they stand for, both ways.
 *
 * A parameter is named as the attribute (`OCF_RESKEY_LPARName`) and holds
 * its value as text, since the environment holds nothing else:
 *
 *   scalar       as is                  LPARName=lpar05
 *   int          a decimal integer      ShutdownGracePeriod=30
 *   boolean      1/0, also true/false, yes/no, on/off (Pacemaker's spellings)
 *   vector       blank-separated        MCName="hmc6 hmc7"
 *   keylist      blank-separated        the same; duplicates are refused, as VCS does
 *   association  key=value, blank-separated
 *                                       DROpts="DNSServers=10.0.0.1 DNSSearchPath=example.com"
 *
 * An item holding blanks, quotes or a backslash is written in double quotes,
 * inside which \" and \\ stand for themselves (`VIOSName="vio1 \"odd name\""`);
 * in an association the quotes may surround the value alone (`Key="a b"`).
 * Formatting (meta-data defaults) writes the same form back.
 */
import type { TypeAttributeDef, Value } from '../cf/model.js';
import { AgentError } from '../errors.js';
import { ValueError, itemsToValue, valueToItems } from '../agent/attributes.js';

const BOOLEAN_WORDS: Readonly<Record<string, string>> = { '1': '1', '0': '0', true: '1', false: '0', yes: '1', no: '0', on: '1', off: '0', y: '1', n: '0' };

/** Blank-separated words, double quotes grouping, \" and \\ escapes inside quotes. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    let word = '';
    while (i < n && !/\s/.test(text[i]!)) {
      const c = text[i]!;
      if (c !== '"') {
        word += c;
        i++;
        continue;
      }
      i++;
      let closed = false;
      while (i < n) {
        const q = text[i]!;
        if (q === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) {
          word += text[i + 1];
          i += 2;
        } else if (q === '"') {
          closed = true;
          i++;
          break;
        } else {
          word += q;
          i++;
        }
      }
      if (!closed) throw new ValueError(`a double quote is not closed: ${text}`);
    }
    out.push(word);
  }
  return out;
}

/** One item as splitWords reads it back. */
export function quoteWord(item: string): string {
  return item === '' || /[\s"\\]/.test(item) ? `"${item.replace(/[\\"]/g, (c) => `\\${c}`)}"` : item;
}

/** The command-line items (as VCS would pass them) of a parameter's text. */
export function parameterItems(def: Pick<TypeAttributeDef, 'name' | 'base' | 'dimension'>, text: string): string[] {
  switch (def.dimension) {
    case 'scalar': {
      if (def.base !== 'boolean') return [def.base === 'int' || def.base === 'float' ? text.trim() : text];
      const b = BOOLEAN_WORDS[text.trim().toLowerCase()];
      if (b === undefined) throw new ValueError(`expected 1 or 0 (or true/false, yes/no, on/off), got "${text}"`);
      return [b];
    }
    case 'vector':
    case 'keylist': {
      const words = splitWords(text);
      if (def.dimension === 'keylist') {
        const dup = words.find((w, i) => words.indexOf(w) !== i);
        if (dup !== undefined) throw new ValueError(`"${dup}" is given twice (a keylist holds each key once)`);
      }
      return def.base === 'boolean' ? words.map((w) => BOOLEAN_WORDS[w.toLowerCase()] ?? w) : words;
    }
    case 'association': {
      const items: string[] = [];
      const keys = new Set<string>();
      for (const word of splitWords(text)) {
        const eq = word.indexOf('=');
        if (eq <= 0) throw new ValueError(`"${word}" is not key=value (an association is written as key=value pairs, blank-separated)`);
        const key = word.slice(0, eq);
        if (keys.has(key)) throw new ValueError(`key ${key} is given twice`);
        keys.add(key);
        items.push(key, word.slice(eq + 1));
      }
      return items;
    }
  }
}

/** A parameter's text as the model Value of its attribute; a bad value is a VCSPVM_AGENT_ATTRIBUTE error. */
export function parameterValue(def: Pick<TypeAttributeDef, 'name' | 'base' | 'dimension'>, text: string, resource: string): Value {
  try {
    return itemsToValue(def, parameterItems(def, text));
  } catch (e) {
    if (e instanceof ValueError) throw new AgentError('VCSPVM_AGENT_ATTRIBUTE', { attribute: def.name, resource, detail: `parameter ${def.name}="${text}": ${e.message}` });
    throw e;
  }
}

/** A Value in parameter form (meta-data defaults). */
export function formatParameter(value: Value): string {
  if (value.kind === 'scalar') return String(value.value);
  if (value.kind === 'association') return value.entries.map((e) => `${e.key}=${quoteWord(e.value === null ? '' : String(e.value))}`).join(' ');
  return valueToItems(value).map(quoteWord).join(' ');
}
