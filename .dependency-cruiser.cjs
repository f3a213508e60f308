// The import direction, checked by `npm run lint` (dependency-cruiser). The layout is described in
// CONTRIBUTING.md ("Layout"); this file holds the order only. Top to bottom: the entry, then the stages
// in the order the data flows (the run, bytes in, samples, the gate, the sinks), then what every stage
// hands on or uses (the store of series, the reporter). A module may import from its own layer or the
// layers below it; the readonly Config (lib/cli/config.ts: types and defaults) from anywhere.
const LAYERS = [
  ['bin/'],
  ['lib/cli/'],
  ['lib/input/'],
  ['lib/extract/'],
  ['lib/gate/'],
  ['lib/sinks/'],
  ['lib/store/'],
  ['lib/report/', 'lib/files\\.ts$', 'lib/version\\.ts$'],
];

// Handed to every stage; it imports only types from below.
const CONFIG = '^lib/cli/config\\.ts$';

const pathOf = (layers) => `^(${layers.flat().join('|')})`;

const upward = LAYERS.slice(1).map((layer, k) => ({
  name: `layer-${k + 1}-imports-up`,
  comment: `${layer.join(', ')} may not import from the layers above it (${LAYERS.slice(0, k + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: pathOf([layer]) },
  to: { path: pathOf(LAYERS.slice(0, k + 1)), pathNot: CONFIG },
}));

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'one-backend-one-folder',
      comment:
        "a backend's folder (lib/sinks/<name>/) imports no other backend's folder: shared parts live in lib/sinks/",
      severity: 'error',
      from: { path: '^lib/sinks/([^/]+)/', pathNot: '^lib/sinks/(dry-run|http|encoding)/' },
      to: { path: '^lib/sinks/([^/]+)/', pathNot: ['^lib/sinks/$1/', '^lib/sinks/(http|encoding)/'] },
    },
    {
      name: 'every-module-has-a-layer',
      comment: 'a new folder or top-level module needs a place in LAYERS',
      severity: 'error',
      from: { path: '^(lib|bin)/', pathNot: pathOf(LAYERS) },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Type-only imports count too: a type is a dependency on its owner.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
