// The failures in one test file's TAP, innermost first: tap's `after` step (scripts/test-after.js)
// and `npm test` (scripts/run-tests.mjs) list them at the end of the output, so that a failure is
// not buried above thousands of lines of TAP.

/** `not ok` lines whose subtests passed are the parents of a failure: keep the innermost ones. */
export function failures(tap) {
  const found = [];
  const open = [];
  for (const line of tap.split('\n')) {
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const depth = subtest[1].length / 4;
      open.length = depth;
      open[depth] = subtest[2];
      continue;
    }
    const notOk = /^(\s*)not ok \d+ - (.*?)(?: # (?:time|TODO|SKIP).*)?$/.exec(line);
    if (!notOk || / # (TODO|SKIP)/.test(line)) continue;
    const depth = notOk[1].length / 4;
    const path = open.slice(0, depth).filter(Boolean);
    if (found.some((f) => f.depth > depth && f.path.slice(0, path.length).join('\0') === path.join('\0'))) continue;
    found.push({ depth, path: [...path, notOk[2]] });
  }
  return found.filter(
    (f) => !found.some((g) => g.depth > f.depth && g.path.slice(0, f.path.length).join('\0') === f.path.join('\0')),
  );
}
