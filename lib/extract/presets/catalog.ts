// The built-in presets (presets/*.yaml, embedded in builtin.ts): rule files in exactly the
// format of --rules FILE, compiled from their content as scripts/presets.js parsed it at build
// time. Loaded only when --preset is given: a run without it never compiles them.

import { BUILTIN_PRESETS, BUILTIN_PRESET_CONTENT } from './builtin.js';
import { compileRuleFile } from '../rules/compile.js';
import type { RuleSet } from '../rules/model.js';

export function presetNames(): string[] {
  return [...BUILTIN_PRESETS.keys()];
}

function unknown(name: string): string {
  return `--preset ${name}: no such preset (one of: ${presetNames().join(', ')}; --preset list describes them)`;
}

/**
 * Each named preset's rules, in the order given; every error of every preset. `namesPerPreset`:
 * each set's series are named after its preset (several presets, no --integration).
 */
export async function loadPresets(
  names: readonly string[],
  namesPerPreset = false,
): Promise<{ sets: RuleSet[]; errors: string[] }> {
  const sets: RuleSet[] = [];
  const errors: string[] = [];
  for (const name of new Set(names)) {
    const text = BUILTIN_PRESETS.get(name);
    if (text === undefined) {
      errors.push(unknown(name));
      continue;
    }
    // Parsed at build time (scripts/presets.js): the YAML parser's result, as JSON.
    const loaded = compileRuleFile(`preset ${name}`, JSON.parse(BUILTIN_PRESET_CONTENT.get(name) as string));
    // Input that came meanwhile goes through between presets (--preset auto compiles all of them).
    await new Promise((resolve) => setImmediate(resolve));
    if ('errors' in loaded) errors.push(...loaded.errors);
    else sets.push(namesPerPreset ? { ...loaded.set, integration: name } : loaded.set);
  }
  return { sets, errors };
}

/** The groups of `--preset list` and docs/presets.md, in their order. */
export const CATEGORIES = [
  'test runners and coverage',
  'benchmarks',
  'load and systems',
  'analysers and size',
  'cost and security',
  'other formats',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** Each built-in preset's group (test/extract/presets/catalog.test.ts: every preset has one). */
export const PRESET_CATEGORY: Readonly<Record<string, Category>> = {
  junit: 'test runners and coverage',
  pytest: 'test runners and coverage',
  tap: 'test runners and coverage',
  coverage: 'test runners and coverage',
  jest: 'test runners and coverage',
  vitest: 'test runners and coverage',
  mocha: 'test runners and coverage',
  'go-test': 'test runners and coverage',
  'cargo-test': 'test runners and coverage',
  ctest: 'test runners and coverage',
  // Issue 26, benchmark harnesses and test reports (r4-benchpresets).
  rspec: 'test runners and coverage',
  'dotnet-trx': 'test runners and coverage',
  'go-bench': 'benchmarks',
  hyperfine: 'benchmarks',
  'google-benchmark': 'benchmarks',
  catch2: 'benchmarks',
  'benchmark-js': 'benchmarks',
  // Issue 26, benchmark harnesses (r4-benchpresets).
  benchmarkdotnet: 'benchmarks',
  'cargo-bench': 'benchmarks',
  criterion: 'benchmarks',
  jmh: 'benchmarks',
  mitata: 'benchmarks',
  'pytest-benchmark': 'benchmarks',
  tinybench: 'benchmarks',
  k6: 'load and systems',
  ab: 'load and systems',
  wrk: 'load and systems',
  hey: 'load and systems',
  autocannon: 'load and systems',
  sysbench: 'load and systems',
  fio: 'load and systems',
  iperf3: 'load and systems',
  'gnu-time': 'load and systems',
  'redis-benchmark': 'load and systems',
  valgrind: 'load and systems',
  'stress-ng': 'load and systems',
  eslint: 'analysers and size',
  shellcheck: 'analysers and size',
  pylint: 'analysers and size',
  cloc: 'analysers and size',
  bandit: 'cost and security',
  infracost: 'cost and security',
  trivy: 'cost and security',
  'bencher-json': 'other formats',
  'benchmark-action-json': 'other formats',
  // Load tools and analysers (issue 26, item 1).
  artillery: 'load and systems',
  siege: 'load and systems',
  pgbench: 'load and systems',
  vegeta: 'load and systems',
  jmeter: 'load and systems',
  ruff: 'analysers and size',
  vite: 'analysers and size',
  'size-limit': 'analysers and size',
  grype: 'cost and security',
  'npm-audit': 'cost and security',
  semgrep: 'analysers and size',
  'golangci-lint': 'analysers and size',
  // The last three of issue 26, item 1 (r5-newpresets).
  locust: 'load and systems',
  lighthouse: 'analysers and size',
  oha: 'load and systems',
};

function categoryOf(name: string): Category {
  return Object.hasOwn(PRESET_CATEGORY, name) ? (PRESET_CATEGORY[name] as Category) : 'other formats';
}

/** `--preset list`: the presets by group, one line each: its name and description. */
export async function presetList(): Promise<string> {
  const { sets, errors } = await loadPresets(presetNames());
  const width = Math.max(...presetNames().map((n) => n.length));
  const lines: string[] = [];
  for (const category of CATEGORIES) {
    const inIt = sets.filter((s) => categoryOf(s.origin.replace(/^preset /, '')) === category);
    if (inIt.length === 0) continue;
    if (lines.length > 0) lines.push('');
    lines.push(`${category[0]?.toUpperCase()}${category.slice(1)}:`);
    for (const s of inIt)
      lines.push(`  ${s.origin.replace(/^preset /, '').padEnd(width)}  ${s.description ?? ''}`.trimEnd());
  }
  return [...lines, ...errors].join('\n') + '\n';
}
