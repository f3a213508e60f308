// `--preset auto` in wrap mode: the preset for the wrapped tool, from its name (and, for
// `go test`, its -bench flag). Pure; no preset is read here.

const BY_TOOL: Readonly<Record<string, string>> = {
  k6: 'k6',
  infracost: 'infracost',
  trivy: 'trivy',
  pytest: 'pytest',
  'py.test': 'pytest',
  'pytest-3': 'pytest',
  hyperfine: 'hyperfine',
  ab: 'ab',
  wrk: 'wrk',
  hey: 'hey',
  autocannon: 'autocannon',
  eslint: 'eslint',
  c8: 'coverage',
  nyc: 'coverage',
  prove: 'tap',
  tap: 'tap',
  fio: 'fio',
  sysbench: 'sysbench',
  iperf3: 'iperf3',
  time: 'gnu-time',
};

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The preset for `command` (the tool and its arguments), or undefined when none fits. */
export function presetForCommand(command: readonly string[]): string | undefined {
  const [tool, ...args] = command;
  if (tool === undefined) return undefined;
  const name = base(tool);
  // npx k6 …, python -m pytest …: the tool is the next word.
  if ((name === 'npx' || name === 'pnpx') && args.length > 0) return presetForCommand(args.filter((a) => !a.startsWith('-')));
  if (/^python(?:\d(?:\.\d+)?)?$/.test(name) && args[0] === '-m' && args[1] !== undefined) return presetForCommand(args.slice(1));
  if (name === 'go') return args[0] === 'test' && args.some((a) => /^-(?:test\.)?bench(?:=|$)/.test(a)) ? 'go-bench' : undefined;
  if (name === 'node' && args.includes('--test')) return 'tap';
  return Object.hasOwn(BY_TOOL, name) ? BY_TOOL[name] : undefined;
}
