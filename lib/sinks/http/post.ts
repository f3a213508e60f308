// One POST of a backend's payload, as the OTLP and remote-write sinks send it: the body as it is
// (already compressed), bounded by the run's deadline, retried on the statuses the backend's
// protocol names. What came back is the caller's to read: each protocol reads its answer its
// own way (remote write a text, OTLP a protobuf partial success or google.rpc.Status).

import type { Reporter } from '../../report/report.js';
import type { HttpClient, HttpResponse } from './types.js';

/** How much of a receiver's words a line on stderr quotes. */
export const MAX_ANSWER_CHARS = 300;

export interface Post {
  url: URL;
  headers: Record<string, string>;
  body: Uint8Array;
  /** Epoch ms: no attempt starts after it (--deadline). */
  deadlineAt: number | undefined;
  /** The backend's protocol's retryable statuses. */
  retryStatus: (status: number) => boolean;
}

/** No answer at all (refused, reset, timed out, past the deadline): said on stderr already. */
export interface NoAnswer {
  /** The reason without the client's `METHOD url: ` prefix, for the backend's summary. */
  failed: string;
}

/**
 * Sends `post` and returns the answer whatever its status; when none came, says
 * `<name>: no answer: <reason>` on stderr and returns the reason.
 */
export async function postPayload(
  http: HttpClient,
  reporter: Reporter,
  name: string,
  post: Post,
): Promise<HttpResponse | NoAnswer> {
  try {
    return await http.request({ method: 'POST', ...post });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    reporter.error(`${name}: no answer: ${reason}`);
    return { failed: reason.replace(/^[A-Z]+ \S+: /, '') };
  }
}

/** A receiver's text on one line, cut at MAX_ANSWER_CHARS. */
export function shortAnswer(s: string): string {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > MAX_ANSWER_CHARS ? `${t.slice(0, MAX_ANSWER_CHARS)}…` : t;
}
