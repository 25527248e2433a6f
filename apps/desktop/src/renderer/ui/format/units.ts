/**
 * The one place numbers become text, so a latency reads the same in a table cell, a chart axis and a tooltip.
 * Compact forms (axes, cells) keep 3 significant digits; exact forms (tooltips) keep more.
 */
export type Unit = 'ms' | 's' | 'percent' | 'ratio' | 'reqPerSec' | 'bytes' | 'count';

const EMPTY = '—';

function trimmed(value: number, digits: number): string {
  // toPrecision keeps 3 significant digits, Number() drops the trailing zeros and the exponent form.
  return String(Number(value.toPrecision(digits)));
}

/** 0.42 ms, 12.3 ms, 1.25 s, 2.5 min: a duration given in milliseconds, in the unit a reader expects. */
function formatDurationMs(ms: number, digits = 3): string {
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  if (abs < 1_000) return `${trimmed(ms, digits)} ms`;
  if (abs < 60_000) return `${trimmed(ms / 1_000, digits)} s`;
  if (abs < 3_600_000) return `${trimmed(ms / 60_000, digits)} min`;
  return `${trimmed(ms / 3_600_000, digits)} h`;
}

function formatBytes(bytes: number, digits = 3): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let i = 0;
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024;
    i++;
  }
  return `${trimmed(value, digits)} ${units[i]}`;
}

/** 1.2k, 3.4M: counts in a narrow cell. */
function formatCount(count: number, digits = 3): string {
  const abs = Math.abs(count);
  if (abs < 1_000) return trimmed(count, digits);
  if (abs < 1_000_000) return `${trimmed(count / 1_000, digits)}k`;
  if (abs < 1_000_000_000) return `${trimmed(count / 1_000_000, digits)}M`;
  return `${trimmed(count / 1_000_000_000, digits)}G`;
}

/** A value in `unit`; null/NaN (no data) reads as an em dash, never as 0. */
export function formatValue(value: number | null | undefined, unit: Unit, exact = false): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return EMPTY;
  const digits = exact ? 6 : 3;
  switch (unit) {
    case 'ms':
      return formatDurationMs(value, digits);
    case 's':
      return formatDurationMs(value * 1_000, digits);
    case 'percent':
      return `${trimmed(value, digits)} %`;
    case 'ratio':
      // Error rates: 0.0004 must not read as "0 %" — small non-zero rates keep their digits.
      return `${trimmed(value * 100, digits)} %`;
    case 'reqPerSec':
      return `${exact ? trimmed(value, digits) : formatCount(value)} req/s`;
    case 'bytes':
      return formatBytes(value, digits);
    case 'count':
      return exact ? value.toLocaleString('en-US') : formatCount(value);
  }
}

/** "+12 %", "−3.4 %", "±0 %": a change with its sign always shown (a real minus sign, for alignment). */
export function formatChangePercent(change: number | null): string {
  if (change === null || !Number.isFinite(change)) return EMPTY;
  const rounded = Math.abs(change) >= 10 ? Math.round(change) : Number(change.toFixed(1));
  if (rounded === 0) return '±0 %';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded)} %`;
}
