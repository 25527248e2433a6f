/**
 * Text log lines → a log record's fields. Two shapes are recognised:
 *
 * - logfmt (`time=… level=warn msg="disk slow" disk=sda`: Go's slog/logrus text handlers, Heroku): every
 *   token is key=value; the well-known keys fill the record's fields, `msg` is the body, the rest become
 *   string attributes.
 * - free text with an optional leading ISO timestamp (bare or in brackets) and a severity word among its
 *   first few tokens (`2024-05-01T10:00:00.123Z ERROR …`, logback's `… [main] WARN c.a.B - …`, Python's
 *   `… - name - INFO - …`); `trace_id=…`/`span_id=…` anywhere in the line fill the ids. The body is the whole
 *   line, untouched: free text has no reliable "message" part, and a lossless body is what a search needs.
 */
import type { LogRecord } from '@apo/shared/model';
import { severityFromWord } from './severity.ts';
import { timestampTextToNanos, type IsoTimestampParser } from './timestamp.ts';
import { normalizeSpanId, normalizeTraceId, traceContextInText } from './trace-context.ts';

/** How many tokens after the timestamp may hold the severity word (logback puts a [thread] first). */
const SEVERITY_TOKENS_AFTER_TIME = 4;
const LONGEST_SEVERITY_WORD = 11;

export function parseTextLine(line: string, record: LogRecord, iso: IsoTimestampParser): void {
  if (startsLikeLogfmt(line) && parseLogfmt(line, record, iso)) return;
  let pos = 0;
  const bracketed = line.charCodeAt(0) === 91; /* [ */
  const time = iso.parse(line, bracketed ? 1 : 0);
  if (time !== undefined) {
    record.timeUnixNano = time;
    pos = iso.end;
    if (bracketed && line.charCodeAt(pos) === 93) pos++;
  }
  if (time !== undefined) findSeverity(line, pos, SEVERITY_TOKENS_AFTER_TIME, false, record);
  else findSeverity(line, 0, 1, true, record);
  const context = traceContextInText(line);
  record.traceId = context.traceId;
  record.spanId = context.spanId;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/**
 * Looks at up to `tokens` whitespace-separated tokens from `pos` for a severity word. `strict` (a line
 * without a timestamp, where the first word is as likely prose) wants the word upper-case or decorated:
 * `ERROR x`, `[warn] x`, `Error: x`, but not `Information about …`.
 */
function findSeverity(line: string, pos: number, tokens: number, strict: boolean, record: LogRecord): void {
  const n = line.length;
  let i = pos;
  for (let t = 0; t < tokens; t++) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) return;
    const tokenStart = i;
    while (i < n && line.charCodeAt(i) !== 32) i++;
    // Strip the decorations levels come with: [WARN], <error>, (info), INFO:, WARN|, "level".
    let a = tokenStart;
    let b = i;
    while (a < b && !isLetter(line.charCodeAt(a))) a++;
    while (b > a && !isLetter(line.charCodeAt(b - 1))) b--;
    if (b - a === 0 || b - a > LONGEST_SEVERITY_WORD || a - tokenStart > 2 || i - b > 2) continue;
    let letters = true;
    for (let j = a; j < b; j++) {
      if (!isLetter(line.charCodeAt(j))) {
        letters = false;
        break;
      }
    }
    if (!letters) continue;
    const word = line.slice(a, b);
    if (strict && a === tokenStart && b === i && word !== word.toUpperCase()) continue;
    const number = severityFromWord(word);
    if (number !== 0) {
      record.severityNumber = number;
      record.severityText = word;
      return;
    }
  }
}

/** `identifier=` at the very start (identifier: letters, digits, `_ . - @`, not starting with a digit). */
function startsLikeLogfmt(line: string): boolean {
  const first = line.charCodeAt(0);
  if (!isLetter(first) && first !== 95 && first !== 64) return false;
  const n = Math.min(line.length, 64);
  for (let i = 1; i < n; i++) {
    const c = line.charCodeAt(i);
    if (c === 61) return true;
    if (!(isLetter(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 64)) return false;
  }
  return false;
}

/**
 * Parses the whole line as logfmt into `record`. Returns false (record untouched) as soon as a token is
 * not key=value, so prose such as `user=bob logged in` stays free text.
 */
function parseLogfmt(line: string, record: LogRecord, iso: IsoTimestampParser): boolean {
  const pairs: string[] = [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    while (i < n && line.charCodeAt(i) === 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && line.charCodeAt(i) !== 61 && line.charCodeAt(i) !== 32) i++;
    if (i >= n || line.charCodeAt(i) !== 61 || i === keyStart) return false;
    const key = line.slice(keyStart, i);
    i++;
    let value: string;
    if (line.charCodeAt(i) === 34 /* " */) {
      const close = closingQuote(line, i + 1);
      if (close < 0) return false;
      value = unquote(line.slice(i, close + 1));
      i = close + 1;
      if (i < n && line.charCodeAt(i) !== 32) return false;
    } else {
      const valueStart = i;
      while (i < n && line.charCodeAt(i) !== 32) i++;
      value = line.slice(valueStart, i);
    }
    pairs.push(key, value);
  }
  if (pairs.length === 0) return false;
  let message: string | undefined;
  const attributes = record.attributes;
  for (let p = 0; p < pairs.length; p += 2) {
    const key = pairs[p]!;
    const value = pairs[p + 1]!;
    if (!applyWellKnown(key, value, record, iso, message === undefined)) {
      attributes[key] = value;
    } else if (message === undefined && (key === 'msg' || key === 'message')) {
      message = value;
    }
  }
  record.body = message ?? line;
  return true;
}

/** Fills a field from a well-known logfmt key; false when the key is not one or its value does not fit. */
function applyWellKnown(
  key: string,
  value: string,
  record: LogRecord,
  iso: IsoTimestampParser,
  messageFree: boolean,
): boolean {
  switch (key) {
    case 'time':
    case 'ts':
    case 'timestamp':
    case '@timestamp': {
      if (record.timeUnixNano !== 0n) return false;
      const nanos = timestampTextToNanos(value, iso);
      if (nanos === undefined) return false;
      record.timeUnixNano = nanos;
      return true;
    }
    case 'level':
    case 'lvl':
    case 'severity':
      if (record.severityText !== '') return false;
      record.severityText = value;
      record.severityNumber = severityFromWord(value);
      return true;
    case 'msg':
    case 'message':
      return messageFree;
    case 'trace_id':
    case 'traceId':
    case 'trace.id':
      if (record.traceId !== '') return false;
      record.traceId = normalizeTraceId(value);
      return record.traceId !== '';
    case 'span_id':
    case 'spanId':
    case 'span.id':
      if (record.spanId !== '') return false;
      record.spanId = normalizeSpanId(value);
      return record.spanId !== '';
    default:
      return false;
  }
}

function closingQuote(line: string, from: number): number {
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return -1;
}

/** A double-quoted logfmt value; escapes follow Go's strconv.Quote, which JSON's string syntax covers. */
function unquote(quoted: string): string {
  if (quoted.indexOf('\\') === -1) return quoted.slice(1, -1);
  try {
    const value: unknown = JSON.parse(quoted);
    return typeof value === 'string' ? value : quoted.slice(1, -1);
  } catch {
    return quoted.slice(1, -1);
  }
}
