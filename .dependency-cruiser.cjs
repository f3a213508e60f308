// The import direction, checked by `npm run lint` (dependency-cruiser): the data flows one way
// (CONTRIBUTING.md, "Layout"), and a module may import only from its own layer or the layers below it.
// Top to bottom:
const LAYERS = [
  ['bin/'],
  ['lib/run\\.ts$', 'lib/run/'],
  ['lib/backends/', 'lib/slo/'],
  ['lib/extract\\.ts$', 'lib/lines\\.ts$'],
  ['lib/source/'],
  ['lib/config/'],
  ['lib/presets/'],
  ['lib/rules/'],
  ['lib/serialize/', 'lib/http/'],
  ['lib/parse/'],
  ['lib/naming/'],
  ['lib/series\\.ts$'],
  ['lib/report\\.ts$', 'lib/report/', 'lib/version\\.ts$'],
];

const pathOf = (layers) => `^(${layers.flat().join('|')})`;

const upward = LAYERS.slice(1).map((layer, k) => ({
  name: `layer-${k + 1}-imports-up`,
  comment: `${layer.join(', ')} may not import from the layers above it (${LAYERS.slice(0, k + 1)
    .flat()
    .join(', ')})`,
  severity: 'error',
  from: { path: pathOf([layer]) },
  to: { path: pathOf(LAYERS.slice(0, k + 1)) },
}));

module.exports = {
  forbidden: [
    ...upward,
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
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
