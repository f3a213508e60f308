// lib/extract/presets/builtin.ts carries each preset twice: its YAML text (what --preset list and the
// docs show) and its content as the YAML parser reads it, as JSON (what the loader compiles, without a
// YAML parse at start-up). Both must say the same for every preset.
import t from 'tap';
import { parseDocument } from 'yaml';
import { BUILTIN_PRESETS, BUILTIN_PRESET_CONTENT } from '../../../lib/extract/presets/builtin.js';

t.test("each preset's content is its YAML text as lib/extract/rules/load.ts parses it", (t) => {
  t.same([...BUILTIN_PRESET_CONTENT.keys()], [...BUILTIN_PRESETS.keys()]);
  for (const [name, text] of BUILTIN_PRESETS) {
    const doc = parseDocument(text, { uniqueKeys: true });
    t.same(doc.errors, [], name);
    t.strictSame(JSON.parse(BUILTIN_PRESET_CONTENT.get(name) as string), doc.toJS({ maxAliasCount: 100 }), name);
  }
  t.end();
});
