// `--preset auto` in wrap mode: the preset for the wrapped tool, from its name (and, for
// `go test`, its -bench flag; for `npm`, its audit command). Pure; no preset is read here.

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
  shellcheck: 'shellcheck',
  pylint: 'pylint',
  bandit: 'bandit',
  cloc: 'cloc',
  'redis-benchmark': 'redis-benchmark',
  c8: 'coverage',
  nyc: 'coverage',
  prove: 'tap',
  tap: 'tap',
  fio: 'fio',
  sysbench: 'sysbench',
  iperf3: 'iperf3',
  time: 'gnu-time',
  rspec: 'rspec',
  // Load tools and analysers (issue 26, item 1).
  artillery: 'artillery',
  siege: 'siege',
  pgbench: 'pgbench',
  vegeta: 'vegeta',
  jmeter: 'jmeter',
  ruff: 'ruff',
  vite: 'vite',
  'size-limit': 'size-limit',
  grype: 'grype',
  semgrep: 'semgrep',
  'golangci-lint': 'golangci-lint',
  // The last three of issue 26, item 1 (r5-newpresets).
  locust: 'locust',
  lighthouse: 'lighthouse',
  oha: 'oha',
};

function base(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** How many launchers (`npx`, `python -m`) are looked through before giving up. */
export const MAX_UNWRAP = 16;

/**
 * The preset for `command` (the tool and its arguments), or undefined when none fits. Iterative
 * and bounded: `npx npx … k6` nested 20,000 deep overflowed the stack when this recursed.
 */
export function presetForCommand(command: readonly string[]): string | undefined {
  // `at`: where the tool's name is; no copies, so 200,000 words cost no more than a few.
  let at = 0;
  for (let depth = 0; depth <= MAX_UNWRAP; depth++) {
    const tool = command[at];
    if (tool === undefined) return undefined;
    const name = base(tool);
    const arg = (i: number): string | undefined => command[at + 1 + i];
    // npx k6 …, python -m pytest …: the tool is the next word (npx: the next that is not a flag).
    if (name === 'npx' || name === 'pnpx') {
      at++;
      while (command[at]?.startsWith('-')) at++;
      continue;
    }
    if (/^python(?:\d(?:\.\d+)?)?$/.test(name) && arg(0) === '-m' && arg(1) !== undefined) {
      at += 2;
      continue;
    }
    const args = command.slice(at + 1);
    if (name === 'go')
      return args[0] === 'test' && args.some((a) => /^-(?:test\.)?bench(?:=|$)/.test(a)) ? 'go-bench' : undefined;
    if (name === 'node' && args.includes('--test')) return 'tap';
    if (name === 'npm') return args[0] === 'audit' ? 'npm-audit' : undefined;
    return Object.hasOwn(BY_TOOL, name) ? BY_TOOL[name] : undefined;
  }
  return undefined;
}
