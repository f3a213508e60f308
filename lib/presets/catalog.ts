// The built-in presets (presets/*.yaml, embedded in builtin.ts): rule files in exactly the
// format of --rules FILE. Loaded only when --preset is given: a run without it never parses
// YAML or these texts.

import { BUILTIN_PRESETS } from './builtin.js';
import { loadRuleText } from '../rules/load.js';
import type { RuleSet } from '../rules/rule.js';

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
export async function loadPresets(names: readonly string[], namesPerPreset = false): Promise<{ sets: RuleSet[]; errors: string[] }> {
  const sets: RuleSet[] = [];
  const errors: string[] = [];
  for (const name of new Set(names)) {
    const text = BUILTIN_PRESETS.get(name);
    if (text === undefined) {
      errors.push(unknown(name));
      continue;
    }
    const loaded = await loadRuleText(`preset ${name}`, text);
    if ('errors' in loaded) errors.push(...loaded.errors);
    else sets.push(namesPerPreset ? { ...loaded.set, integration: name } : loaded.set);
  }
  return { sets, errors };
}

/** `--preset list`: one line per preset, its name and description. */
export async function presetList(): Promise<string> {
  const { sets, errors } = await loadPresets(presetNames());
  const width = Math.max(...presetNames().map((n) => n.length));
  const lines = sets.map((s) => `${s.origin.replace(/^preset /, '').padEnd(width)}  ${s.description ?? ''}`.trimEnd());
  return [...lines, ...errors].join('\n') + '\n';
}
