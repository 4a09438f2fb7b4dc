import { isAbsolute, relative, sep } from 'node:path';

/** A file as the user wants to read it: relative to the working directory when inside it. */
export function displayPath(file: string, cwd = process.cwd()): string {
  if (file === '-' || !isAbsolute(file)) return file;
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel.split(sep).join('/') : file;
}
