// The byte pre-filter with line rules: a line goes to the parsers when the default parsers' own
// gate lets it through (lib/extract/parsers/precheck.ts), or when it holds every required word of
// some line rule (lib/extract/rules/words.ts). One of each rule's words is its key (chooseKeys);
// all keys are looked for at once (WordTable: one regular expression over each chunk for a few
// keys, one pass over the line's bytes for many), and only a line holding a key is checked for
// that rule's other words.

import { Precheck, type PrecheckOptions } from '../parsers/precheck.js';
import { wordOf, type RequiredPrefix } from './words.js';

/** What one line rule needs of a line: a prefix at its start or a suffix at its end (cheap), or words anywhere. */
export type RuleGate = { prefix: RequiredPrefix } | { suffix: string } | { words: readonly string[] };

/** Up to this many keys, WordTable finds them with one regular expression. */
const SCAN_KEYS = 32;

/**
 * #byScan decodes this much of a chunk at a time (at least the line). Input arrives in chunks of
 * 512 KiB to 1 MiB; in V8 a string that large is a large object, and decoding and searching it
 * cost 2.5 to 7 times more per byte here than 32 KiB pieces did (64 MiB of a mixed log, five
 * words: 130–350 ms whole, 50 ms in 32 KiB pieces).
 */
const SCAN_WINDOW = 32 * 1024;

/** A word as the table compares it: its bytes, and whether a digit must come just before or after them (`\\d passed`, `\\d,\\d`). */
interface WordBytes {
  bytes: Buffer;
  digitBefore: boolean;
  digitAfter: boolean;
}

function wordBytes(word: string): WordBytes {
  const { text, digitBefore, digitAfter } = wordOf(word);
  return { bytes: Buffer.from(text, 'utf8'), digitBefore, digitAfter };
}

/** A key as a pattern matching it in Latin-1 text (each byte one character, escaped), with the digits it needs beside it. */
function latin1Pattern(key: WordBytes): string {
  let pattern = key.digitBefore ? '[0-9]' : '';
  for (const b of key.bytes) pattern += `\\x${b.toString(16).padStart(2, '0')}`;
  return key.digitAfter ? `${pattern}[0-9]` : pattern;
}

/** buf[at, at + word's length) is the word with the digits it needs beside it, inside buf[start, end). */
function fits(word: WordBytes, buf: Uint8Array, at: number, start: number, end: number): boolean {
  return (
    (!word.digitBefore || (at > start && isDigit(buf[at - 1] as number))) &&
    (!word.digitAfter || (at + word.bytes.length < end && isDigit(buf[at + word.bytes.length] as number)))
  );
}

/**
 * The rules' words, searched for all at once. Up to SCAN_KEYS keys, one regular expression finds
 * where a key starts in each chunk (#byScan); otherwise one pass over a line's bytes looks up each
 * pair of bytes in a table of the keys' first two bytes (a key of one byte: its byte) (#onePass).
 * Both look a found place up in those tables. Either way only a place that starts some key is compared further,
 * where a native search per word costs one search per word and line (--preset auto's presets
 * have about 75 keys; pytest's words are on many lines).
 */
class WordTable {
  /** Each distinct key word (its bytes, and the digits it needs beside it). */
  readonly #keys: WordBytes[] = [];
  /** Key index → the rules (indexes into #others) whose key it is. */
  readonly #rulesOf: number[][] = [];
  /** Per rule, its words other than its key. */
  readonly #others: WordBytes[][] = [];
  /** Byte → the one-byte keys of that byte (one plain, one after a digit, …). */
  readonly #single: Array<number[] | undefined> = new Array(256);
  /** First two bytes → 1 + the index into #buckets of the keys that start with them; 0: none. */
  readonly #pairs = new Int32Array(65536);
  readonly #buckets: number[][] = [];
  /** Key index → the call of anyRule that last compared it, so a key that recurs on a line is checked once. */
  readonly #stamp: Float64Array;
  #call = 0;
  /** Some key is one byte long (rare: a context rule's `:`). */
  readonly #singles: boolean;
  /** #byScan: every key as Latin-1 text in one alternation (undefined: #onePass is used). */
  readonly #scan: RegExp | undefined;
  /**
   * #byScan: the chunk the lines are slices of; its bytes [#textStart, #textEnd) as Latin-1 text;
   * the next place in the chunk where a key starts (-1: not looked for) and where to look next.
   */
  #chunk: Uint8Array | undefined;
  #text = '';
  #textStart = 0;
  #textEnd = 0;
  #hit = -1;
  #scanFrom = 0;

  constructor(rules: readonly (readonly string[])[]) {
    const index = new Map<string, number>();
    const chosen = chooseKeys(rules);
    rules.forEach((words, r) => {
      // The other words longest first: the rarest is compared first.
      const sorted = words.map((w) => ({ word: w, ...wordBytes(w) })).sort((a, b) => b.bytes.length - a.bytes.length);
      const key = sorted.splice(
        sorted.findIndex((w) => w.word === chosen[r]),
        1,
      )[0] as WordBytes & { word: string };
      let k = index.get(key.word);
      if (k === undefined) {
        k = this.#keys.length;
        index.set(key.word, k);
        this.#keys.push(key);
        this.#rulesOf.push([]);
      }
      (this.#rulesOf[k] as number[]).push(this.#others.length);
      this.#others.push(sorted);
    });
    this.#keys.forEach(({ bytes }, k) => {
      if (bytes.length === 1) (this.#single[bytes[0] as number] ??= []).push(k);
      else {
        const pair = ((bytes[0] as number) << 8) | (bytes[1] as number);
        if (this.#pairs[pair] === 0) this.#pairs[pair] = this.#buckets.push([]);
        (this.#buckets[(this.#pairs[pair] as number) - 1] as number[]).push(k);
      }
    });
    this.#stamp = new Float64Array(this.#keys.length);
    this.#singles = this.#keys.some((key) => key.bytes.length === 1);
    this.#scan =
      this.#keys.length === 0 || this.#keys.length > SCAN_KEYS
        ? undefined
        : new RegExp(this.#keys.map(latin1Pattern).join('|'), 'g');
  }

  get size(): number {
    return this.#keys.length;
  }

  /** Forgets the chunk it found keys in: its caller refills a buffer it handed in before. */
  forget(): void {
    this.#chunk = undefined;
  }

  /** Whether buf[start, end) holds every word of some rule. */
  anyRule(buf: Uint8Array, start: number, end: number): boolean {
    if (start >= end) return false;
    return this.#scan === undefined ? this.#onePass(buf, start, end) : this.#byScan(buf, start, end);
  }

  /**
   * Not many keys: V8's regular expression engine finds where one starts,
   * once per chunk (its bytes as Latin-1 text: one character per byte), in native code; a line is
   * then checked only where a key was found in it. A JS loop over every byte cost 3 ns a byte.
   */
  #byScan(buf: Uint8Array, start: number, end: number): boolean {
    if (buf !== this.#chunk || start < this.#textStart || end > this.#textEnd) {
      // A new piece of text from the line's start: SCAN_WINDOW bytes, or the whole line. A key
      // is inside its line, so a line inside the piece has all its keys in the text.
      this.#chunk = buf;
      this.#textStart = start;
      this.#textEnd = Math.min(buf.byteLength, Math.max(end, start + SCAN_WINDOW));
      this.#text = Buffer.from(buf.buffer, buf.byteOffset + start, this.#textEnd - start).toString('latin1');
      this.#hit = -1;
      this.#scanFrom = start;
    }
    const call = ++this.#call;
    const scan = this.#scan as RegExp;
    const base = this.#textStart;
    for (;;) {
      if (this.#hit < start) {
        // The next place where some key starts, at or after the line (keys may overlap: from hit + 1).
        scan.lastIndex = Math.max(start, this.#scanFrom) - base;
        const m = scan.exec(this.#text);
        this.#hit = m === null ? this.#textEnd : base + m.index;
        this.#scanFrom = this.#hit + 1;
      }
      const at = this.#hit;
      if (at >= end) return false;
      this.#hit = -1;
      if (this.#keysAt(at, call, buf, start, end)) return true;
      // A key after a digit (`[0-9] passed`) matched from the digit: the key is one byte on.
      if (isDigit(buf[at] as number) && at + 1 < end && this.#keysAt(at + 1, call, buf, start, end)) return true;
    }
  }

  /** Many keys, or a key of one byte: one JS pass over the line's bytes, each pair looked up in the table. */
  #onePass(buf: Uint8Array, start: number, end: number): boolean {
    const call = ++this.#call;
    const pairs = this.#pairs;
    let prev = buf[start] as number;
    if (this.#singles && this.#singleAt(prev, start, call, buf, start, end)) return true;
    for (let i = start + 1; i < end; i++) {
      const b = buf[i] as number;
      const bucket = pairs[(prev << 8) | b] as number;
      prev = b;
      if (bucket !== 0 && this.#pairAt(bucket - 1, i - 1, call, buf, start, end)) return true;
      if (this.#singles && this.#singleAt(b, i, call, buf, start, end)) return true;
    }
    return false;
  }

  /** The keys that start at `at` (of two bytes or more, and of one): whether one is there whose rule's words are all on the line. */
  #keysAt(at: number, call: number, buf: Uint8Array, start: number, end: number): boolean {
    const bucket = this.#pairs[((buf[at] as number) << 8) | (buf[at + 1] as number)] as number;
    if (bucket !== 0 && this.#pairAt(bucket - 1, at, call, buf, start, end)) return true;
    return this.#singles && this.#singleAt(buf[at] as number, at, call, buf, start, end);
  }

  /** The keys starting with the pair at `at`: whether one is there whose rule's words are all on the line. */
  #pairAt(bucket: number, at: number, call: number, buf: Uint8Array, start: number, end: number): boolean {
    const keys = this.#buckets[bucket] as number[];
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j] as number;
      const key = this.#keys[k] as WordBytes;
      if (
        this.#stamp[k] !== call &&
        startsWith(buf, at, end, key.bytes) &&
        fits(key, buf, at, start, end) &&
        this.#keyAt(k, call, buf, start, end)
      )
        return true;
    }
    return false;
  }

  /** The one-byte keys of byte `b`, at `at`: as #keyAt, for those whose digits are beside it. */
  #singleAt(b: number, at: number, call: number, buf: Uint8Array, start: number, end: number): boolean {
    const keys = this.#single[b];
    if (keys === undefined) return false;
    for (const k of keys)
      if (fits(this.#keys[k] as WordBytes, buf, at, start, end) && this.#keyAt(k, call, buf, start, end)) return true;
    return false;
  }

  /** Key `k` is on the line: whether a rule it is the key of has its other words there too. */
  #keyAt(k: number, call: number, buf: Uint8Array, start: number, end: number): boolean {
    if (this.#stamp[k] === call) return false;
    this.#stamp[k] = call;
    for (const r of this.#rulesOf[k] as number[]) {
      let all = true;
      for (const w of this.#others[r] as WordBytes[])
        if (!contains(buf, start, end, w)) {
          all = false;
          break;
        }
      if (all) return true;
    }
    return false;
  }
}

export class WordPrecheck extends Precheck {
  readonly #table: WordTable;
  readonly #every: boolean;

  /** Prefixes by their first byte: at the line's start, and after its leading blanks. */
  readonly #atStart: Array<Buffer[] | undefined> = new Array(256);
  readonly #afterBlanks: Array<Array<{ bytes: Buffer; some: boolean }> | undefined> = new Array(256);
  readonly #anyAfterBlanks: boolean;
  /** Suffixes by their last byte. */
  readonly #atEnd: Array<Buffer[] | undefined> = new Array(256);

  /** `gates`: per line rule, the prefix it needs, or the words it needs (all of them). */
  constructor(options: PrecheckOptions, gates: readonly RuleGate[]) {
    super(options);
    for (const g of gates) {
      if ('suffix' in g) {
        const bytes = Buffer.from(g.suffix, 'utf8');
        (this.#atEnd[bytes[bytes.length - 1] as number] ??= []).push(bytes);
      }
      if (!('prefix' in g)) continue;
      const bytes = Buffer.from(g.prefix.prefix, 'utf8');
      const first = bytes[0] as number;
      if (g.prefix.blanks === 'none') (this.#atStart[first] ??= []).push(bytes);
      else (this.#afterBlanks[first] ??= []).push({ bytes, some: g.prefix.blanks === 'some' });
    }
    this.#anyAfterBlanks = this.#afterBlanks.some((l) => l !== undefined);
    const words = gates.flatMap((g) => ('words' in g ? [g.words] : []));
    // A rule that needs no word (none is derived as empty: lib/extract/rules/words.ts) lets every line through.
    this.#every = words.some((w) => w.length === 0);
    this.#table = new WordTable(words.filter((w) => w.length > 0));
  }

  /**
   * Whether the default parsers' own gate let the line just passed through (false: only some
   * rule's words or prefix did, so no default parser can take it); undefined when no line was
   * gated since the caller last took it (a line with escape sequences skips the gate).
   */
  defaultsMayTake: boolean | undefined;

  override mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
    if (this.#byRules(buf, start, end)) {
      this.defaultsMayTake = super.mayBeMetric(buf, start, end);
      return true;
    }
    this.defaultsMayTake = true;
    return super.mayBeMetric(buf, start, end);
  }

  override forget(): void {
    super.forget();
    this.#table.forget();
  }

  /** Some line rule's prefix or words are on the line. */
  #byRules(buf: Uint8Array, start: number, end: number): boolean {
    if (start < end) {
      const ends = this.#atEnd[buf[end - 1] as number];
      if (ends !== undefined) for (const p of ends) if (endsWith(buf, start, end, p)) return true;
      const here = this.#atStart[buf[start] as number];
      if (here !== undefined) for (const p of here) if (startsWith(buf, start, end, p)) return true;
      if (this.#anyAfterBlanks) {
        // \s is more than space and tab: other ASCII blanks are skipped too, and a non-ASCII
        // byte (a Unicode space?) lets the line through rather than guess.
        let i = start;
        while (i < end && (buf[i] === 0x20 || buf[i] === 0x09 || buf[i] === 0x0d || buf[i] === 0x0b || buf[i] === 0x0c))
          i++;
        if (i < end && (buf[i] as number) >= 0x80) return true;
        const after = i < end ? this.#afterBlanks[buf[i] as number] : undefined;
        if (after !== undefined)
          for (const p of after) if ((!p.some || i > start) && startsWith(buf, i, end, p.bytes)) return true;
      }
    }
    return this.#every || (this.#table.size > 0 && this.#table.anyRule(buf, start, end));
  }
}

/**
 * --preset auto's gate: its presets' words and prefixes let lines through only while the input's
 * head is read (headDone(), lib/extract/extractor.ts); after that only the other rules' and the
 * default parsers' do, and the tail is kept as bytes (lib/extract/line-tail.ts). A mixed log's
 * lines hold some preset's words (`:`, `s`), so most of them were decoded for the tail before.
 */
export class HeadWordPrecheck extends Precheck {
  #gate: WordPrecheck;
  readonly #after: WordPrecheck;

  constructor(options: PrecheckOptions, head: readonly RuleGate[], after: readonly RuleGate[]) {
    super(options);
    this.#gate = new WordPrecheck(options, head);
    this.#after = new WordPrecheck(options, after);
  }

  get defaultsMayTake(): boolean | undefined {
    return this.#gate.defaultsMayTake;
  }

  set defaultsMayTake(may: boolean | undefined) {
    this.#gate.defaultsMayTake = may;
  }

  headDone(): void {
    this.#gate = this.#after;
  }

  override mayBeMetric(buf: Uint8Array, start: number, end: number): boolean {
    return this.#gate.mayBeMetric(buf, start, end);
  }

  override forget(): void {
    this.#gate.forget();
    this.#after.forget();
  }
}

/** A key shared by other rules is taken only when it is at least this long (`: ` is on most lines). */
const SHARED_KEY_BYTES = 4;

/**
 * Each rule's key: its longest word (a short word such as `: ` or `ms` is on most lines), unless
 * another of its words, SHARED_KEY_BYTES or longer, is already the key of more rules: then that
 * one (the most shared, then the longest). No word becomes a key that was not one already, so the
 * keys are as rare as before and fewer: k6's text rules all hold `..: `, and the chunk scan looks
 * for one key where it looked for ten (each alternative of the scan's expression is tried at
 * every byte whose first character fits).
 */
export function chooseKeys(rules: readonly (readonly string[])[]): string[] {
  const size = (w: string): number => Buffer.byteLength(wordOf(w).text);
  const longest = rules.map((words) => words.reduce((a, b) => (size(b) > size(a) ? b : a)));
  const keyOf = new Map<string, number>();
  for (const w of longest) keyOf.set(w, (keyOf.get(w) ?? 0) + 1);
  return rules.map((words, r) => {
    let best = longest[r] as string;
    for (const w of words) {
      const n = keyOf.get(w) ?? 0;
      const m = keyOf.get(best) as number;
      if (size(w) >= SHARED_KEY_BYTES && (n > m || (n === m && size(w) > size(best)))) best = w;
    }
    return best;
  });
}

/** buf[start, end) holds `word`, with the digits it needs beside it (lines are short: a plain search). */
function contains(buf: Uint8Array, start: number, end: number, word: WordBytes): boolean {
  const bytes = word.bytes;
  const first = bytes[0] as number;
  for (let i = start, last = end - bytes.length; i <= last; i++)
    if (buf[i] === first && startsWith(buf, i, end, bytes) && fits(word, buf, i, start, end)) return true;
  return false;
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function endsWith(buf: Uint8Array, start: number, end: number, suffix: Buffer): boolean {
  return end - start >= suffix.length && startsWith(buf, end - suffix.length, end, suffix);
}

function startsWith(buf: Uint8Array, at: number, end: number, prefix: Buffer): boolean {
  if (end - at < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[at + k] !== prefix[k]) return false;
  return true;
}
