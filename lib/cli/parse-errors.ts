// node:util parseArgs's errors in the house style: lowercase, one line, and for a typo the
// closest option (`--dryrun` → "did you mean --dry-run?").

export function describeParseError(err: unknown, optionNames: readonly string[]): string {
  const e = err as { code?: string; message?: string };
  const message = (e.message ?? String(err)).split('\n')[0] ?? '';
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const given = /'([^']+)'/.exec(message)?.[1] ?? '';
    const near = closest(given.replace(/^-+/, '').split('=')[0] ?? '', optionNames);
    return `unknown option ${given}${near ? `: did you mean --${near}?` : ''} (see --help)`;
  }
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const option = /'(-[^' ]+)/.exec(message)?.[1];
    if (option && /argument missing/.test(message)) return `${option} needs a value (see --help)`;
  }
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
    return `unexpected argument "${arg}": options come first, and a tool to run goes after "--" (see --help)`;
  }
  return `${message.charAt(0).toLowerCase()}${message.slice(1)} (see --help)`;
}

/** The option nearest to `given` by edit distance, if it is near enough to be a typo. */
export function closest(given: string, names: readonly string[]): string | undefined {
  if (given === '') return undefined;
  const plain = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const name of names) {
    const d = plain(name) === plain(given) ? 0 : editDistance(given.toLowerCase(), name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(given.length / 3)) ? best : undefined;
}

/** Levenshtein distance, two rows. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
