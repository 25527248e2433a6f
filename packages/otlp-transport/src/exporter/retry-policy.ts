/**
 * What to do with an answer of the next hop, and how long to wait before trying again.
 *
 * Retryable, as the OTLP specification says: 429, 502, 503, 504, and every network error or timeout.
 * Also retried, deliberately: 401 and 403. They never describe the batch — they say this agent's token is
 * missing, wrong or revoked — so dropping batches would throw away everything collected until an operator
 * fixes the configuration, while retrying keeps it in the bounded disk queue (oldest dropped and counted
 * once full) and delivers it once the token is right. The exporter logs them loudly, once a minute.
 * Everything else (400, 404, 413, 415, other 4xx, 500 and other 5xx, 3xx) is a permanent rejection: the
 * same body would get the same answer.
 */
export type AnswerClass = 'delivered' | 'retry' | 'rejected';

export function classifyStatus(status: number): AnswerClass {
  if (status >= 200 && status < 300) return 'delivered';
  if (status === 429 || status === 502 || status === 503 || status === 504) return 'retry';
  if (status === 401 || status === 403) return 'retry';
  return 'rejected';
}

/** `Retry-After` in milliseconds from `now`: delta-seconds or an HTTP date; undefined when absent or invalid. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // a date has a weekday and a month name; "1.5" is not one
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Longest `Retry-After` honoured; a larger one is cut to this. */
  maxRetryAfterMs: number;
}

export const defaultBackoff: BackoffOptions = { baseMs: 500, maxMs: 30_000, maxRetryAfterMs: 300_000 };

/**
 * The wait before retry number `attempt` (0 for the first retry). Without `Retry-After`: exponential
 * backoff with full jitter (uniform in [0, min(max, base·2^attempt)]), so many senders that failed together
 * do not come back together. With it: never earlier than asked, plus up to 10 % (at most 1 s) of jitter
 * for the same reason.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined) {
    const asked = Math.min(retryAfterMs, options.maxRetryAfterMs);
    return asked + Math.floor(random() * Math.min(1000, asked * 0.1));
  }
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * ceiling);
}
