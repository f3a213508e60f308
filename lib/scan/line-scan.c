// The per-line hot path in WebAssembly: find the lines of a chunk and keep only those that may
// be metrics. This is lib/parse/precheck.ts's byte gate, rule for rule, plus what LineSplitter
// does per line (count, skip overlong lines, drop one trailing `\r`, spot an escape sequence),
// so that the ~96% of lines that are only passed through never cost a JavaScript call.
// A test (test/unit/line-scan.test.ts) holds this to the TypeScript gate, line for line; the
// TypeScript gate is itself held to the parsers (test/unit/precheck.test.ts, parse-fuzz).
//
// Built by scripts/build-wasm.sh (clang 14, wasm32, SIMD128) into lib/scan/line-scan-wasm.ts.
//
// Memory: the caller copies up to IN_CAP bytes to `in`, calls scan(), and reads `out`:
// (start, end, info) per candidate line, end without the `\r`; info = index << 1 | has ESC,
// where index counts the lines of this scan before it (for "line N" in messages).

#include <stdint.h>
#include <wasm_simd128.h>

#define IN_CAP (64 * 1024)
#define OUT_CAP 4096

static uint8_t in[IN_CAP];
static uint32_t out[OUT_CAP * 3];
// scan() results besides the candidates.
static uint32_t result_lines;
static uint32_t result_overlong;
static uint32_t result_consumed;

enum { KV = 1, JSON = 2, PROM = 4 };

static uint8_t name_start[256];
static uint8_t name_byte[256];
static uint8_t number_byte[256];

__attribute__((export_name("init"))) void init(void) {
  for (int c = 0; c < 256; c++) {
    int letter = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    int digit = c >= 0x30 && c <= 0x39;
    name_start[c] = letter || c == '_' || c == ':';
    name_byte[c] = letter || digit || c == '_' || c == ':' || c == '.' || c == '/' || c == '-';
    number_byte[c] = digit || c == '+' || c == '-' || c == '.' || c == 'E' || c == 'e';
  }
}

__attribute__((export_name("input"))) uint8_t *input(void) { return in; }
__attribute__((export_name("output"))) uint32_t *output(void) { return out; }
__attribute__((export_name("inputCap"))) uint32_t input_cap(void) { return IN_CAP; }
__attribute__((export_name("outputCap"))) uint32_t output_cap(void) { return OUT_CAP; }
__attribute__((export_name("lines"))) uint32_t lines(void) { return result_lines; }
__attribute__((export_name("overlong"))) uint32_t overlong(void) { return result_overlong; }
__attribute__((export_name("consumed"))) uint32_t consumed(void) { return result_consumed; }

static inline int is_blank(uint8_t c) { return c == ' ' || c == '\t'; }
static inline int is_blank_or_cr(uint8_t c) { return c == ' ' || c == '\t' || c == '\r'; }

// buf[at…] starts with the lower-case ASCII word, in any case.
static int matches_word(const uint8_t *b, uint32_t at, uint32_t end, const char *word, uint32_t len) {
  if (at + len > end) return 0;
  for (uint32_t k = 0; k < len; k++)
    if ((b[at + k] | 0x20) != (uint8_t)word[k]) return 0;
  return 1;
}

// The index just after a number-shaped token at b[at], or -1.
static int64_t number_end(const uint8_t *b, uint32_t at, uint32_t end) {
  uint32_t i = at;
  if (i < end && (b[i] == '+' || b[i] == '-')) i++;
  if (i >= end) return -1;
  uint8_t c = b[i] | 0x20;
  if (c == 'n') return matches_word(b, i, end, "nan", 3) ? (int64_t)i + 3 : -1;
  if (c == 'i') {
    if (matches_word(b, i, end, "infinity", 8)) return (int64_t)i + 8;
    return matches_word(b, i, end, "inf", 3) ? (int64_t)i + 3 : -1;
  }
  uint8_t first = b[i];
  if (!((first >= '0' && first <= '9') || first == '.')) return -1;
  i++;
  while (i < end && number_byte[b[i]]) i++;
  return i;
}

// After a `#`: blanks, then `TYPE` or `HELP`, then a blank.
static int is_type_or_help(const uint8_t *b, uint32_t at, uint32_t end) {
  uint32_t i = at;
  while (i < end && is_blank(b[i])) i++;
  if (i == at || i + 5 > end) return 0;
  int keyword = (b[i] == 'T' && b[i + 1] == 'Y' && b[i + 2] == 'P' && b[i + 3] == 'E') ||
                (b[i] == 'H' && b[i + 1] == 'E' && b[i + 2] == 'L' && b[i + 3] == 'P');
  return keyword && is_blank(b[i + 4]);
}

static uint32_t skip_json_blanks(const uint8_t *b, uint32_t i, uint32_t end) {
  while (i < end && (is_blank_or_cr(b[i]) || b[i] == '\n')) i++;
  return i;
}

static int key_is(const uint8_t *b, uint32_t at, uint32_t len, const char *key, uint32_t key_len) {
  if (len != key_len) return 0;
  for (uint32_t k = 0; k < len; k++)
    if (b[at + k] != (uint8_t)key[k]) return 0;
  return 1;
}

// At `{` or `[`: false when the first key is one no metric object has (a log record).
static int first_key_may_be_metric(const uint8_t *b, uint32_t at, uint32_t end) {
  uint32_t i = at;
  if (b[i] == '[') {
    i = skip_json_blanks(b, i + 1, end);
    if (i >= end) return 1;
    if (b[i] != '{') return 0;
  }
  i = skip_json_blanks(b, i + 1, end);
  if (i >= end) return 1;
  if (b[i] != '"') return 0;
  uint32_t key_start = i + 1;
  uint32_t key_end = key_start;
  while (key_end < end && b[key_end] != '"') {
    if (b[key_end] == '\\') return 1;
    key_end++;
  }
  if (key_end >= end) return 1;
  uint32_t n = key_end - key_start;
  return key_is(b, key_start, n, "name", 4) || key_is(b, key_start, n, "value", 5) || key_is(b, key_start, n, "labels", 6) ||
         key_is(b, key_start, n, "dimensions", 10) || key_is(b, key_start, n, "type", 4) || key_is(b, key_start, n, "unit", 4) ||
         key_is(b, key_start, n, "help", 4) || key_is(b, key_start, n, "description", 11) || key_is(b, key_start, n, "timestamp", 9);
}

// `"value"` occurs in b[from, end).
static int has_value_key(const uint8_t *b, uint32_t from, uint32_t end) {
  if (end < from + 7) return 0;
  for (uint32_t i = from; i + 7 <= end; i++) {
    if (b[i] == '"' && b[i + 1] == 'v' && b[i + 2] == 'a' && b[i + 3] == 'l' && b[i + 4] == 'u' && b[i + 5] == 'e' && b[i + 6] == '"') return 1;
  }
  return 0;
}

// precheck.ts mayBeMetric(), for b[start, end) (one line without `\n`; it may end in `\r`).
static int may_be_metric(const uint8_t *b, uint32_t start, uint32_t end, uint32_t parsers) {
  uint32_t i = start;
  while (i < end && is_blank_or_cr(b[i])) i++;
  if (i >= end) return 0;
  uint8_t first = b[i];
  if (first == '#') return (parsers & PROM) && is_type_or_help(b, i + 1, end);
  if (first == '{' || first == '[') return (parsers & JSON) && first_key_may_be_metric(b, i, end) && has_value_key(b, i, end);
  if (!name_start[first] || !(parsers & (KV | PROM))) return 0;
  i++;
  while (i < end && name_byte[b[i]]) i++;
  while (i < end && is_blank(b[i])) i++;
  if (i >= end) return 0;
  uint8_t next = b[i];
  if (next == '{') return (parsers & PROM) != 0;
  if (next == '=') {
    if (!(parsers & KV)) return 0;
    i++;
    while (i < end && is_blank(b[i])) i++;
    int64_t e = number_end(b, i, end);
    if (e < 0) return 0;
    uint32_t j = (uint32_t)e;
    while (j < end && is_blank_or_cr(b[j])) j++;
    return j == end;
  }
  if (!(parsers & PROM)) return 0;
  int64_t after = number_end(b, i, end);
  return after == end || (after >= 0 && is_blank_or_cr(b[after]));
}

// One complete line b[start, nl): counted, and kept when it may be a metric or has an escape.
// Returns 0 when the output is full (the line is not counted then; the caller stops before it).
static uint32_t n_out;
static int line(uint32_t start, uint32_t nl, int esc, uint32_t max_line, uint32_t parsers) {
  if (nl - start > max_line) {
    result_lines++;
    result_overlong++;
    return 1;
  }
  uint32_t end = nl;
  if (end > start && in[end - 1] == '\r') end--;
  if (esc || may_be_metric(in, start, end, parsers)) {
    if (n_out == OUT_CAP) return 0;
    out[n_out * 3] = start;
    out[n_out * 3 + 1] = end;
    out[n_out * 3 + 2] = result_lines << 1 | (esc ? 1 : 0);
    n_out++;
  }
  result_lines++;
  return 1;
}

// Scans in[from, len): every complete line (ending in `\n`). Returns the number of candidates;
// consumed() is the index after the last line handled (a line cut by `len` is left to the caller).
__attribute__((export_name("scan"))) uint32_t scan(uint32_t from, uint32_t len, uint32_t max_line, uint32_t parsers) {
  n_out = 0;
  result_lines = 0;
  result_overlong = 0;
  uint32_t line_start = from;
  int esc = 0;
  uint32_t i = from;
  const v128_t nl_v = wasm_i8x16_splat('\n');
  const v128_t esc_v = wasm_i8x16_splat(0x1b);
  // 64 bytes a step, their newlines as one 64-bit mask: a line (~120 bytes in a typical log)
  // then costs about two steps. An escape byte is rare: its mask is built only when one is there.
  for (; i + 64 <= len; i += 64) {
    v128_t a = wasm_v128_load(in + i);
    v128_t b = wasm_v128_load(in + i + 16);
    v128_t c = wasm_v128_load(in + i + 32);
    v128_t d = wasm_v128_load(in + i + 48);
    uint64_t nls = (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a, nl_v)) |
                   (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(b, nl_v)) << 16 |
                   (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(c, nl_v)) << 32 |
                   (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(d, nl_v)) << 48;
    uint64_t escs = 0;
    v128_t any_esc = wasm_v128_or(wasm_v128_or(wasm_i8x16_eq(a, esc_v), wasm_i8x16_eq(b, esc_v)),
                                  wasm_v128_or(wasm_i8x16_eq(c, esc_v), wasm_i8x16_eq(d, esc_v)));
    if (wasm_v128_any_true(any_esc)) {
      escs = (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(a, esc_v)) |
             (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(b, esc_v)) << 16 |
             (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(c, esc_v)) << 32 |
             (uint64_t)wasm_i8x16_bitmask(wasm_i8x16_eq(d, esc_v)) << 48;
    }
    while (nls) {
      uint32_t bit = (uint32_t)__builtin_ctzll(nls);
      if (escs & ((1ull << bit) - 1)) esc = 1;
      if (!line(line_start, i + bit, esc, max_line, parsers)) {
        result_consumed = line_start;
        return n_out;
      }
      line_start = i + bit + 1;
      esc = 0;
      // Bit 63 is the last: 2 << 63 is 0 in 64 bits, so every escape bit is cleared then.
      escs &= ~((2ull << bit) - 1);
      nls &= nls - 1;
    }
    if (escs) esc = 1;
  }
  for (; i < len; i++) {
    uint8_t c = in[i];
    if (c == 0x1b) esc = 1;
    else if (c == '\n') {
      if (!line(line_start, i, esc, max_line, parsers)) {
        result_consumed = line_start;
        return n_out;
      }
      line_start = i + 1;
      esc = 0;
    }
  }
  result_consumed = line_start;
  return n_out;
}
