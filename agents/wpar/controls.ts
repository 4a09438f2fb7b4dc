/**
 * ResourceSet and WorkLoad as `chwpar -R` resource controls, set before the
 * WPAR starts. ResourceSet is an rset name (`namespace/name`, as mkrset
 * makes them) → `rset=NAME`. WorkLoad's keys are chwpar -R attribute names
 * (shares_CPU, CPU, shares_memory, memory, procVirtMem, totalVirtMem,
 * totalProcesses, totalThreads) and its values theirs; this reading of the
 * attribute is the project's (the Bundled Agents guide's text was not
 * available; docs/wpar.md). Everything is checked: no value reaches
 * chwpar unless it is one word of the expected form.
 */
import { wparError } from './resource.js';

const RSET = /^[A-Za-z0-9_.]{1,63}\/[A-Za-z0-9_.]{1,63}$/;
const SHARES = /^([1-9]\d{0,4})$/;
const PERCENTS = /^\d{1,3}%-\d{1,3}%,\d{1,3}%$/;
const SIZE = /^\d{1,12}[MGT]?B?$/;
const COUNT = /^\d{1,9}$/;

const WORKLOAD: Record<string, { form: RegExp; what: string }> = {
  shares_CPU: { form: SHARES, what: 'shares from 1 to 65535' },
  shares_memory: { form: SHARES, what: 'shares from 1 to 65535' },
  CPU: { form: PERCENTS, what: 'min%-softmax%,hardmax%' },
  memory: { form: PERCENTS, what: 'min%-softmax%,hardmax%' },
  procVirtMem: { form: SIZE, what: 'a size such as 512M or 2G' },
  totalVirtMem: { form: SIZE, what: 'a size such as 512M or 2G' },
  totalProcesses: { form: COUNT, what: 'a number' },
  totalThreads: { form: COUNT, what: 'a number' },
};

/** The `attr=value` words for `chwpar -R`, empty when neither attribute is set. */
export function resourceControls(wpar: string, resourceSet: string, workLoad: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  if (resourceSet !== '') {
    if (!RSET.test(resourceSet)) throw wparError(wpar, `ResourceSet ${JSON.stringify(resourceSet)} is not an rset name (namespace/name)`);
    out.push(`rset=${resourceSet}`);
  }
  for (const [key, value] of Object.entries(workLoad)) {
    const spec = Object.hasOwn(WORKLOAD, key) ? WORKLOAD[key] : undefined;
    if (!spec) throw wparError(wpar, `WorkLoad key ${JSON.stringify(key)} is not a resource control (${Object.keys(WORKLOAD).join(', ')})`);
    if (!spec.form.test(value) || (spec.form === SHARES && Number(value) > 65535)) throw wparError(wpar, `WorkLoad ${key} = ${JSON.stringify(value)}: expected ${spec.what}`);
    out.push(`${key}=${value}`);
  }
  return out;
}
