/** Times as an on-call engineer reads them: wall clock in their zone, and ages in the largest whole unit. */

export function formatClock(ms: number, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone }).format(ms);
}

/** The exact instant, for tooltips: "2026-12-07 12:03:05 UTC+1" style, in the user's zone. */
export function formatExactTime(ms: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
    timeZone,
  }).formatToParts(ms);
  const get = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}:${get('second')} ${get('timeZoneName')}`;
}

/** "just now", "4 min", "3 h", "2 d": how old something is. */
export function formatAge(ageMs: number): string {
  const s = Math.max(0, Math.round(ageMs / 1000));
  if (s < 45) return s < 10 ? 'just now' : `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} d`;
}

/** "4 min ago", "just now". */
export function formatAgo(atMs: number, nowMs: number): string {
  const age = formatAge(nowMs - atMs);
  return age === 'just now' ? age : `${age} ago`;
}
