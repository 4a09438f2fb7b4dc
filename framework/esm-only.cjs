// What require('vcs-powervm') gets: the package is ES modules only.
throw new Error(
  'vcs-powervm is an ES module: load it with import, not require(). ' +
    'In your package.json set "type": "module"; in TypeScript use "module": "nodenext" (or "node16"); ' +
    'from CommonJS code, use a dynamic import("vcs-powervm").',
);
