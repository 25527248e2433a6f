/**
 * Timestamps found in log lines → nanoseconds since the epoch (bigint, as the domain model wants).
 *
 * ISO 8601 / RFC 3339 is parsed by hand rather than with `Date.parse`: it keeps digits past the
 * millisecond, refuses impossible dates instead of rolling them over, and is several times faster, which
 * matters at a few hundred thousand lines a second. A time without a zone is taken as UTC (what
 * containers log in; a per-source zone setting can come later).
 */

const C0 = 48;
const MS_PER_MINUTE = 60_000;

function digit(text: string, i: number): number {
  const c = text.charCodeAt(i) - C0;
  return c >= 0 && c <= 9 ? c : -1;
}

function twoDigits(text: string, i: number): number {
  const a = digit(text, i);
  const b = digit(text, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/**
 * Parses ISO timestamps at a given position. Lines of one file share their date, hour and minute, so the
 * nanoseconds of the last minute seen are kept and only the seconds are parsed again.
 */
export class IsoTimestampParser {
  /** Where the last successfully parsed timestamp ended. */
  end = 0;
  private minutePrefix = '';
  private minuteNanos = 0n;

  /** The timestamp starting at `start`, or undefined when there is none there. */
  parse(text: string, start: number): bigint | undefined {
    // YYYY-MM-DDTHH:MM:SS is 19 characters.
    if (text.length - start < 19) return undefined;
    let minuteNanos: bigint;
    if (this.minutePrefix !== '' && text.startsWith(this.minutePrefix, start)) {
      minuteNanos = this.minuteNanos;
    } else {
      const parsed = parseMinute(text, start);
      if (parsed === undefined) return undefined;
      minuteNanos = parsed;
      this.minutePrefix = text.slice(start, start + 16);
      this.minuteNanos = parsed;
    }
    if (text.charCodeAt(start + 16) !== 58 /* : */) return undefined;
    const seconds = twoDigits(text, start + 17);
    if (seconds < 0 || seconds > 60) return undefined;
    let i = start + 19;
    let fraction = 0;
    const sep = text.charCodeAt(i);
    if ((sep === 46 /* . */ || sep === 44) /* , */ && digit(text, i + 1) >= 0) {
      i++;
      let scale = 100_000_000;
      let d: number;
      while ((d = digit(text, i)) >= 0) {
        fraction += d * scale; // digits past the ninth add 0 (scale reaches 0)
        scale = Math.floor(scale / 10);
        i++;
      }
    }
    let offsetMinutes = 0;
    const z = text.charCodeAt(i);
    if (z === 90 /* Z */ || z === 122 /* z */) {
      i++;
    } else if (z === 43 /* + */ || z === 45 /* - */) {
      const hours = twoDigits(text, i + 1);
      if (hours >= 0 && hours <= 23) {
        let minutes = 0;
        let next = i + 3;
        if (text.charCodeAt(next) === 58) next++;
        const m = twoDigits(text, next);
        if (m >= 0 && m <= 59) {
          minutes = m;
          next += 2;
        } else if (next !== i + 3) {
          next = -1; // "+01:" without minutes is not a zone
        }
        if (next > 0) {
          offsetMinutes = (z === 43 ? 1 : -1) * (hours * 60 + minutes);
          i = next;
        }
      }
    }
    this.end = i;
    // Within one minute the nanoseconds fit a double exactly (< 2^53), so one bigint step suffices.
    const withinMinute = seconds * 1e9 + fraction - offsetMinutes * 60e9;
    return minuteNanos + BigInt(withinMinute);
  }
}

/** Nanoseconds of `YYYY-MM-DD?HH:MM` at `start`, or undefined when it is not a valid date and time. */
function parseMinute(text: string, start: number): bigint | undefined {
  const y1 = twoDigits(text, start);
  const y2 = twoDigits(text, start + 2);
  if (y1 < 0 || y2 < 0 || text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) {
    return undefined;
  }
  const month = twoDigits(text, start + 5);
  const day = twoDigits(text, start + 8);
  const t = text.charCodeAt(start + 10);
  if (t !== 84 /* T */ && t !== 32 /* space */ && t !== 116 /* t */) return undefined;
  const hour = twoDigits(text, start + 11);
  const minute = twoDigits(text, start + 14);
  if (text.charCodeAt(start + 13) !== 58) return undefined;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return undefined;
  }
  const year = y1 * 100 + y2;
  // Day 0 of the next month is the last day of this one.
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute);
  return BigInt(ms / MS_PER_MINUTE) * 60_000_000_000n;
}

/**
 * An epoch number of unknown unit → nanoseconds, guessing the unit from the magnitude (seconds until
 * the year 5138, then milliseconds, microseconds, nanoseconds). Numbers past 2^53 have already lost
 * digits in JSON.parse; callers that still have the digits use `epochDigitsToNanos`.
 */
export function epochToNanos(value: number): bigint | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return scaled(value, 1_000_000_000);
  if (value < 1e14) return scaled(value, 1_000_000);
  if (value < 1e17) return scaled(value, 1_000);
  return BigInt(Math.round(value));
}

function scaled(value: number, nanosPerUnit: number): bigint {
  const whole = Math.trunc(value);
  return BigInt(whole) * BigInt(nanosPerUnit) + BigInt(Math.round((value - whole) * nanosPerUnit));
}

const EPOCH_DIGITS = /^(\d{1,19})(?:\.(\d{1,9})\d*)?$/;

/** An epoch written as digits (a string, or the raw text of a large JSON number) → nanoseconds, exactly. */
export function epochDigitsToNanos(text: string): bigint | undefined {
  const m = EPOCH_DIGITS.exec(text);
  if (m === null) return undefined;
  const whole = m[1]!;
  const fraction = m[2] ?? '';
  const value = BigInt(whole);
  if (value === 0n) return undefined;
  // Same magnitude rule as epochToNanos: ≤ 11 digits seconds, ≤ 14 ms, ≤ 17 µs, else ns.
  const exponent = whole.length <= 11 ? 9 : whole.length <= 14 ? 6 : whole.length <= 17 ? 3 : 0;
  const fractionNanos = exponent === 0 ? 0n : BigInt((fraction + '000000000').slice(0, exponent));
  return value * 10n ** BigInt(exponent) + fractionNanos;
}

/** A full ISO timestamp string (a JSON field) or an epoch in digits → nanoseconds. */
export function timestampTextToNanos(text: string, parser: IsoTimestampParser): bigint | undefined {
  const iso = parser.parse(text, 0);
  if (iso !== undefined) return iso;
  return epochDigitsToNanos(text);
}
