/**
 * Parser for the Prometheus text exposition format 0.0.4 and the OpenMetrics 1.0 text format. It never
 * throws: a line it cannot read is skipped and counted, and the first such error is kept with its line
 * number, so one bad line costs one sample and not the scrape.
 *
 * Differences handled for OpenMetrics: `# UNIT`, `# EOF`, counter families named without `_total`,
 * `_created` samples, exemplars (` # {…} value`, ignored) and timestamps in seconds instead of milliseconds.
 */

const FAMILY_TYPES = [
  'counter',
  'gauge',
  'histogram',
  'summary',
  'untyped',
  'unknown',
  'gaugehistogram',
  'info',
  'stateset',
] as const;
type FamilyType = (typeof FAMILY_TYPES)[number];

export interface Sample {
  name: string;
  /** Label pairs in exposition order. */
  labels: [string, string][];
  value: number;
  timestampMs: number | undefined;
}

export interface Family {
  name: string;
  type: FamilyType;
  help: string;
  unit: string;
  samples: Sample[];
}

export interface ParseResult {
  families: Family[];
  samples: number;
  invalidLines: number;
  /** The first invalid line's problem, with its line number. */
  firstError: string | undefined;
}

export type ExpositionFormat = 'text' | 'openmetrics';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Suffixes by which a sample belongs to a family of each type. */
const SUFFIXES: Partial<Record<FamilyType, readonly string[]>> = {
  counter: ['_total', '_created'],
  histogram: ['_bucket', '_sum', '_count', '_created'],
  gaugehistogram: ['_bucket', '_gsum', '_gcount'],
  summary: ['_sum', '_count', '_created'],
  info: ['_info'],
};

/** Go's ParseFloat forms that exporters write: decimals, exponents, ±Inf, NaN. */
export function parsePromFloat(text: string): number | undefined {
  switch (text.toLowerCase()) {
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Infinity;
    case '-inf':
    case '-infinity':
      return -Infinity;
    case 'nan':
      return NaN;
  }
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

class LineError extends Error {}

/** A cursor over one sample line. */
class Line {
  readonly text: string;
  pos = 0;
  constructor(text: string) {
    this.text = text;
  }
  skipSpaces(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t'))
      this.pos++;
  }
  peek(): string | undefined {
    return this.text[this.pos];
  }
  expect(char: string, what: string): void {
    if (this.text[this.pos] !== char) throw new LineError(`expected ${what} at column ${this.pos + 1}`);
    this.pos++;
  }
  match(pattern: RegExp): string | undefined {
    const found = pattern.exec(this.text.slice(this.pos))?.[0];
    if (found !== undefined) this.pos += found.length;
    return found;
  }
  /** A double-quoted string with \\, \" and \n escapes. */
  quoted(): string {
    this.expect('"', 'a quoted string');
    let out = '';
    for (;;) {
      const char = this.text[this.pos++];
      if (char === undefined) throw new LineError('unterminated quoted string');
      if (char === '"') return out;
      if (char !== '\\') {
        out += char;
        continue;
      }
      const escaped = this.text[this.pos++];
      if (escaped === 'n') out += '\n';
      else if (escaped === '\\' || escaped === '"') out += escaped;
      else throw new LineError(`invalid escape \\${escaped ?? ''} in a quoted string`);
    }
  }
  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && this.text[this.pos] !== ' ' && this.text[this.pos] !== '\t')
      this.pos++;
    return this.text.slice(start, this.pos);
  }
}

function parseSample(text: string, format: ExpositionFormat): Sample {
  const line = new Line(text);
  let name = line.peek() === '{' ? undefined : line.match(METRIC_NAME);
  if (name === undefined && line.peek() !== '{') throw new LineError('invalid metric name');
  const labels: [string, string][] = [];
  if (line.peek() === '{') {
    line.pos++;
    line.skipSpaces();
    while (line.peek() !== '}') {
      // A quoted name alone (no `=`) is the metric name, in the UTF-8 names syntax.
      const quotedName = line.peek() === '"' ? line.quoted() : undefined;
      line.skipSpaces();
      if (quotedName !== undefined && line.peek() !== '=') {
        if (name !== undefined) throw new LineError('two metric names');
        name = quotedName;
      } else {
        const labelName = quotedName ?? line.match(LABEL_NAME);
        if (labelName === undefined) throw new LineError(`invalid label name at column ${line.pos + 1}`);
        line.skipSpaces();
        line.expect('=', "'=' after a label name");
        line.skipSpaces();
        const value = line.quoted();
        if (labels.some(([existing]) => existing === labelName))
          throw new LineError(`duplicate label ${labelName}`);
        labels.push([labelName, value]);
      }
      line.skipSpaces();
      if (line.peek() === ',') {
        line.pos++;
        line.skipSpaces();
      } else if (line.peek() !== '}') throw new LineError(`expected ',' or '}' at column ${line.pos + 1}`);
    }
    line.pos++;
  }
  if (name === undefined) throw new LineError('no metric name');
  const before = line.pos;
  line.skipSpaces();
  if (line.pos === before) throw new LineError('expected a space before the value');
  const valueText = line.token();
  const value = parsePromFloat(valueText);
  if (value === undefined) throw new LineError(`invalid value ${JSON.stringify(valueText)}`);
  line.skipSpaces();
  let timestampMs: number | undefined;
  if (line.pos < line.text.length && line.peek() !== '#') {
    const tsText = line.token();
    if (format === 'openmetrics') {
      const seconds = parsePromFloat(tsText);
      if (seconds === undefined || !Number.isFinite(seconds))
        throw new LineError(`invalid timestamp ${tsText}`);
      timestampMs = seconds * 1000;
    } else {
      if (!/^-?\d+$/.test(tsText)) throw new LineError(`invalid timestamp ${JSON.stringify(tsText)}`);
      timestampMs = Number(tsText);
    }
    line.skipSpaces();
  }
  // OpenMetrics exemplars follow ` # `; anything else left over is an error.
  if (line.pos < line.text.length && !(format === 'openmetrics' && line.peek() === '#')) {
    throw new LineError(`unexpected text ${JSON.stringify(line.text.slice(line.pos, line.pos + 20))}`);
  }
  return { name, labels, value, timestampMs };
}

function unescapeHelp(text: string): string {
  return text.replace(/\\(\\|n|")/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

export function parseExposition(text: string, format: ExpositionFormat = 'text'): ParseResult {
  const families: Family[] = [];
  const byName = new Map<string, Family>();
  let invalidLines = 0;
  let firstError: string | undefined;
  let samples = 0;
  let current: Family | undefined;

  const fail = (lineNumber: number, message: string): void => {
    invalidLines++;
    firstError ??= `line ${lineNumber}: ${message}`;
  };
  const family = (name: string, type: FamilyType): Family => {
    let found = byName.get(name);
    if (found === undefined) {
      found = { name, type, help: '', unit: '', samples: [] };
      byName.set(name, found);
      families.push(found);
    }
    return found;
  };
  /** The family a sample belongs to: the one being read, a declared one by suffix, or its own. */
  const familyOf = (sampleName: string): Family => {
    for (const candidate of current === undefined ? [] : [current]) {
      if (belongs(candidate, sampleName)) return candidate;
    }
    const exact = byName.get(sampleName);
    if (exact !== undefined && belongs(exact, sampleName)) return exact;
    for (const suffix of ['_total', '_created', '_bucket', '_sum', '_count', '_gsum', '_gcount', '_info']) {
      if (!sampleName.endsWith(suffix)) continue;
      const base = byName.get(sampleName.slice(0, -suffix.length));
      if (base !== undefined && belongs(base, sampleName)) return base;
    }
    return family(sampleName, format === 'openmetrics' ? 'unknown' : 'untyped');
  };

  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const match = /^#\s+(HELP|TYPE|UNIT|EOF)(?:\s+(\S+)(?:\s(.*))?)?$/.exec(line);
      if (match === null) continue; // a comment
      const [, keyword, name, rest = ''] = match;
      if (keyword === 'EOF') {
        if (format === 'openmetrics') break;
        continue;
      }
      if (name === undefined || !METRIC_NAME.test(name) || METRIC_NAME.exec(name)![0] !== name) {
        fail(i + 1, `invalid metric name in # ${keyword}`);
        continue;
      }
      if (keyword === 'TYPE') {
        const type = rest.trim() as FamilyType;
        if (!FAMILY_TYPES.includes(type)) {
          fail(i + 1, `unknown metric type ${JSON.stringify(rest.trim())}`);
          continue;
        }
        const existing = byName.get(name);
        if (
          existing !== undefined &&
          (existing.samples.length > 0 || existing.type !== defaultType(format))
        ) {
          fail(i + 1, `second # TYPE for ${name}`);
          continue;
        }
        current = family(name, type);
        current.type = type;
      } else if (keyword === 'HELP') {
        current = family(name, defaultType(format));
        current.help = unescapeHelp(rest);
      } else {
        current = family(name, defaultType(format));
        current.unit = rest.trim();
      }
      continue;
    }
    try {
      const sample = parseSample(line, format);
      const target = familyOf(sample.name);
      target.samples.push(sample);
      current = target;
      samples++;
    } catch (error) {
      if (!(error instanceof LineError)) throw error;
      fail(i + 1, error.message);
    }
  }
  return { families: families.filter((f) => f.samples.length > 0), samples, invalidLines, firstError };
}

function defaultType(format: ExpositionFormat): FamilyType {
  return format === 'openmetrics' ? 'unknown' : 'untyped';
}

function belongs(family: Family, sampleName: string): boolean {
  if (sampleName === family.name) {
    // A histogram or summary has no sample of its bare name, nor has an OpenMetrics counter.
    return family.type !== 'histogram' && family.type !== 'gaugehistogram' && family.type !== 'summary';
  }
  if (!sampleName.startsWith(family.name)) return false;
  const suffix = sampleName.slice(family.name.length);
  return (SUFFIXES[family.type] ?? []).includes(suffix);
}
