// Credentials kept out of diagnostics, where they appear as credentials: an Authorization
// value, a URL's user-info, and the secret itself when it is random enough to never be a
// word of the payload. A short or plain secret (the Pushgateway user `keptn`) is not masked
// as a bare substring: `keptn_k6_http_reqs` and `…/keptn_project/sockshop` must stay replayable.

export const MASK = '***';

/** Shortest tail of a cut message that is taken for the start of a secret and masked. */
const MIN_PARTIAL = 4;

/**
 * True for a string that cannot pass for a word or a name: 16 characters or more, or 8 or
 * more that mix at least two of lower case, upper case, digits and symbols (`_`, `-`, `.` are
 * name characters, not symbols). A random token or password is; `keptn`, `sockshop` are not.
 */
export function looksRandom(secret: string): boolean {
  if (secret.length >= 16) return true;
  if (secret.length < 8) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9_.-]/].filter((re) => re.test(secret)).length;
  return classes >= 2;
}

/**
 * Authorization values in any text (a server echoing the request): `Basic …`, `Api-Token …`,
 * `Bearer …`. After `Authorization:` any value is masked; a bare `Basic word` only when the
 * word looks random (so "Basic authentication failed" stays readable).
 */
const AUTH_VALUE =
  /(\b[Aa]uthorization\s*[:=]\s*"?\s*)?\b(Basic|basic|Bearer|bearer|Api-Token)([ \t]+)([A-Za-z0-9+/=._~-]+)/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class SecretMask {
  /** Masked wherever they appear, longest first. */
  readonly #everywhere: string[] = [];
  /** Masked as credentials only: in a URL's user-info, and as the `user:password` pair of Basic auth. */
  readonly #plain: string[] = [];
  #plainPatterns: RegExp[] = [];
  /** The plain secrets that are credentials (a password), not identities (a user name): masked as a whole label value too. */
  readonly #plainCredentials = new Set<string>();

  /**
   * Register a credential (a token, a password) or an identity (a user name: masked in messages,
   * but a label value `keptn` that happens to equal the Pushgateway's user is not a leak).
   * Shorter than 3 characters: ignored.
   */
  add(secret: string | undefined, kind: 'credential' | 'identity' = 'credential'): void {
    if (!secret || secret.length < 3) return;
    if (kind === 'credential' && !looksRandom(secret)) this.#plainCredentials.add(secret);
    if (looksRandom(secret)) {
      if (this.#everywhere.includes(secret)) return;
      this.#everywhere.push(secret);
      // Longest first, so a secret that contains another is masked whole.
      this.#everywhere.sort((a, b) => b.length - a.length);
    } else if (!this.#plain.includes(secret)) {
      this.#plain.push(secret);
      const a = `(?:${[...this.#plain]
        .sort((x, y) => y.length - x.length)
        .map(escapeRegExp)
        .join('|')})`;
      const edge = '[\\w.~-]';
      this.#plainPatterns = [
        // `//user@`, `//user:…@`, `//…:password@`: the user-info of a URL.
        new RegExp(`(?<=//)${a}(?=[:@])`, 'g'),
        new RegExp(`(?<=//[^\\s/@]*:)${a}(?=@)`, 'g'),
        // `user:password` (a decoded Basic value), the password already masked or not.
        new RegExp(`(?<!${edge})${a}(?=:(?:\\*\\*\\*|${a})(?!${edge}))`, 'g'),
        new RegExp(`(?<=\\*\\*\\*:)${a}(?!${edge})`, 'g'),
      ];
    }
  }

  /**
   * A label value or grouping-key part with every known secret in it replaced by `***`: a
   * random-looking one wherever it appears, a plain password only as the whole value (a user
   * name never: it is an identity, not a credential).
   */
  maskValue(value: string): string {
    let out = value;
    for (const s of this.#everywhere) if (out.includes(s)) out = out.split(s).join(MASK);
    if (this.#plainCredentials.has(out)) return MASK;
    return out;
  }

  redact(text: string): string {
    let out = text.replace(
      AUTH_VALUE,
      (whole: string, header: string | undefined, scheme: string, space: string, value: string) =>
        header !== undefined || looksRandom(value) ? `${header ?? ''}${scheme}${space}${MASK}` : whole,
    );
    for (const s of this.#everywhere) out = out.split(s).join(MASK);
    for (const re of this.#plainPatterns) out = out.replace(re, MASK);
    return out;
  }

  /**
   * `text` masked, then cut at `max` characters (plus `…`): masking first, so a cut cannot
   * leave a secret's start unmasked; a tail that begins a secret (the text was cut before it
   * came here, e.g. a bounded response body) is masked too.
   */
  cut(text: string, max: number): string {
    const masked = this.maskPartialTail(this.redact(text));
    if (masked.length <= max) return masked;
    return `${this.maskPartialTail(masked.slice(0, max))}…`;
  }

  /** Masks the end of `text` when it is the first 4 or more characters of a secret. */
  maskPartialTail(text: string): string {
    for (const s of this.#everywhere) {
      for (let n = Math.min(s.length - 1, text.length); n >= MIN_PARTIAL; n--) {
        if (text.endsWith(s.slice(0, n))) return `${text.slice(0, text.length - n)}${MASK}`;
      }
    }
    return text;
  }
}
