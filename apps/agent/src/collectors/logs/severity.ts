/**
 * Severity words and numeric levels → OTLP severity numbers (TRACE 1, DEBUG 5, INFO 9, WARN 13, ERROR 17,
 * FATAL 21; the in-between numbers are OTLP's TRACE2…FATAL4 steps).
 */
export const Severity = {
  Unspecified: 0,
  Trace: 1,
  Debug: 5,
  Info: 9,
  Info2: 10,
  Warn: 13,
  Error: 17,
  Error2: 18,
  Fatal: 21,
} as const;

/** Records at or above this count as errors in `apo.log.error.count`. */
export const ERROR_SEVERITY = Severity.Error;

/*
 * Upper-case words from the common logging libraries (log4j/logback, Python, Go, syslog, .NET,
 * java.util.logging). NOTICE is syslog's "normal but significant" (INFO2); CRITICAL/ALERT sit between
 * ERROR and FATAL (ERROR2) because a process that logs them usually keeps running.
 */
const WORDS: ReadonlyMap<string, number> = new Map([
  ['TRACE', Severity.Trace],
  ['TRC', Severity.Trace],
  ['FINEST', Severity.Trace],
  ['FINER', Severity.Trace],
  ['VERBOSE', Severity.Trace],
  ['DEBUG', Severity.Debug],
  ['DBG', Severity.Debug],
  ['FINE', Severity.Debug],
  ['CONFIG', Severity.Debug],
  ['INFO', Severity.Info],
  ['INF', Severity.Info],
  ['INFORMATION', Severity.Info],
  ['NOTICE', Severity.Info2],
  ['WARN', Severity.Warn],
  ['WRN', Severity.Warn],
  ['WARNING', Severity.Warn],
  ['ERROR', Severity.Error],
  ['ERR', Severity.Error],
  ['SEVERE', Severity.Error],
  ['CRITICAL', Severity.Error2],
  ['CRIT', Severity.Error2],
  ['ALERT', Severity.Error2],
  ['FATAL', Severity.Fatal],
  ['PANIC', Severity.Fatal],
  ['EMERG', Severity.Fatal],
  ['EMERGENCY', Severity.Fatal],
]);

const LONGEST_WORD = 11;

/** The severity number of a level word in any case, or 0 when the word is not a level. */
export function severityFromWord(word: string): number {
  if (word.length === 0 || word.length > LONGEST_WORD) return Severity.Unspecified;
  return WORDS.get(word) ?? WORDS.get(word.toUpperCase()) ?? Severity.Unspecified;
}

/** pino's numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal (in-between values round down). */
export function severityFromPinoLevel(level: number): { number: number; text: string } | undefined {
  if (!Number.isFinite(level) || level < 10 || level > 60) return undefined;
  if (level >= 60) return { number: Severity.Fatal, text: 'FATAL' };
  if (level >= 50) return { number: Severity.Error, text: 'ERROR' };
  if (level >= 40) return { number: Severity.Warn, text: 'WARN' };
  if (level >= 30) return { number: Severity.Info, text: 'INFO' };
  if (level >= 20) return { number: Severity.Debug, text: 'DEBUG' };
  return { number: Severity.Trace, text: 'TRACE' };
}
