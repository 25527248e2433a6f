/**
 * Reads a JSON document of any size as a byte stream and hands over only the values at chosen paths
 * (each span object, each resource), each parsed on its own: a file of several hundred MB is never one
 * string (V8 caps strings at ~512 MB) nor one object tree. Works on bytes: every structural character is
 * ASCII and UTF-8 continuation bytes are all ≥ 0x80, so nothing needs decoding except the captured
 * values and the keys. Several documents in a row (JSON Lines, as the OpenTelemetry Collector's file
 * exporter writes) are read one after the other.
 *
 * A malformed file gets an error naming what was expected and where (byte offset, line, column).
 */

import { JsonFileError } from './json-file-error.ts';

/** A path pattern: object keys, and `*` for any array element. */
export type PathRule = readonly string[];

export interface Captured {
  rule: number;
  /** Array indexes along the path (one per `*`), prefixed by the document's number in the file. */
  indexes: number[];
  /**
   * The value's bytes are bytes[from, to): a view of the chunk being read (or of the value's own bytes
   * when it crossed chunks), valid only during the callback. `parseCaptured` parses them.
   */
  bytes: Uint8Array;
  from: number;
  to: number;
  /** Where the value's bytes are in the file: to read it again later (span details). */
  byteStart: number;
  byteLength: number;
  /** The line the value starts on, and where in the file that line starts: for error positions. */
  line: number;
  lineStart: number;
}

const Ch = {
  Quote: 0x22,
  Backslash: 0x5c,
  OpenObj: 0x7b,
  CloseObj: 0x7d,
  OpenArr: 0x5b,
  CloseArr: 0x5d,
  Colon: 0x3a,
  Comma: 0x2c,
  Newline: 0x0a,
} as const;

/** What the structural parser expects next. */
const Want = { Value: 0, KeyOrEnd: 1, Key: 2, Colon: 3, CommaOrEnd: 4, ValueOrEnd: 5 } as const;
type Want = (typeof Want)[keyof typeof Want];

interface Frame {
  isArray: boolean;
  key: string;
  index: number;
}

const decoder = new TextDecoder();
const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class JsonPathScanner {
  private readonly stack: Frame[] = [];
  private want: Want = Want.Value;
  private doc = -1;
  private offset = 0;
  private lines = 1;
  private lineStart = 0;
  // A key or scalar in progress (it may cross chunks).
  private token: number[] | null = null;
  private tokenIsString = false;
  private escaped = false;
  // A captured value in progress.
  private capture: {
    rule: number;
    indexes: number[];
    start: number;
    depth: number;
    /** The bytes read in chunks before the current one (most values start and end in one chunk). */
    parts: Uint8Array[];
    line: number;
    lineStart: number;
  } | null = null;
  private inString = false;
  // The rule matched by the last value in an array: its next elements match it too (the path is the same).
  private lastArray: Frame | null = null;
  private lastRule = -1;
  private indexesOf: Frame | null = null;

  // The chunk being read, where a value read whole by `tryRead` ended, and the next newline in the chunk.
  private chunk: Uint8Array = new Uint8Array(0);
  private resumeAt = -1;
  private newlineAt = -1;
  private readonly offer: Captured = {
    rule: -1,
    indexes: [],
    bytes: this.chunk,
    from: 0,
    to: 0,
    byteStart: 0,
    byteLength: 0,
    line: 0,
    lineStart: 0,
  };

  private readonly rules: readonly PathRule[];
  private readonly onValue: (c: Captured) => void;
  private readonly tryRead: ((c: Captured) => number) | undefined;

  /**
   * `onValue` gets each value at a rule's path, whole. `tryRead`, when given, is offered each such value
   * first, straight from the chunk: bytes[from, to) where `to` is the chunk's end, not the value's (the
   * offer, its indexes included, is reused: valid only during the call). It returns the index after the
   * value when it read it all, or -1 (malformed, not all in this chunk, or not its kind): the value is
   * then collected and handed to `onValue`. Most spans so cost one pass over their bytes, not two.
   */
  constructor(rules: readonly PathRule[], onValue: (c: Captured) => void, tryRead?: (c: Captured) => number) {
    this.rules = rules;
    this.onValue = onValue;
    this.tryRead = tryRead;
  }

  /** The next bytes of the file. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    this.chunk = chunk;
    this.newlineAt = chunk.indexOf(Ch.Newline);
    while (i < n) {
      if (this.capture !== null) {
        i = this.scanCapture(chunk, i);
        continue;
      }
      const b = chunk[i] ?? 0;
      if (this.token !== null) {
        if (this.tokenIsString) {
          if (this.escaped) this.escaped = false;
          else if (b === Ch.Backslash) this.escaped = true;
          else if (b === Ch.Quote) {
            this.endToken(i);
            i++;
            continue;
          }
          this.token.push(b);
          i++;
          continue;
        }
        if (isSpace(b) || b === Ch.Comma || b === Ch.CloseObj || b === Ch.CloseArr || b === Ch.Colon) {
          this.endToken(i);
          continue; // the delimiter is read as structure
        }
        this.token.push(b);
        i++;
        continue;
      }
      if (b === Ch.Newline) {
        this.lines++;
        this.lineStart = this.offset + i + 1;
      }
      if (!isSpace(b)) {
        this.structural(b, i);
        if (this.resumeAt >= 0) {
          // A value read whole.
          i = this.resumeAt;
          this.resumeAt = -1;
          continue;
        }
        // A capture starts with this very byte: read it again inside the capture.
        if (this.isCapturing()) continue;
      }
      i++;
    }
    this.offset += n;
  }

  /** The end of the file: anything left open is an error. */
  end(): void {
    const cap = this.capture;
    if (cap !== null && cap.depth === 0 && !this.inString) this.finishCapture(); // a scalar at the very end
    if (this.token !== null && !this.tokenIsString) this.endToken(0);
    if (this.capture !== null || this.stack.length > 0 || this.token !== null) {
      throw this.error(this.offset, 'the file ends inside a value (cut short?)');
    }
    if (this.doc < 0) throw this.error(this.offset, 'the file holds no JSON value');
  }

  private structural(b: number, i: number): void {
    const at = this.offset + i;
    switch (this.want) {
      case Want.Colon:
        if (b !== Ch.Colon) throw this.error(at, `expected ':' after the key "${this.top()?.key ?? ''}"`);
        this.want = Want.Value;
        return;
      case Want.CommaOrEnd: {
        const top = this.top();
        if (b === Ch.Comma && top !== undefined) {
          this.want = top.isArray ? Want.Value : Want.Key;
          if (top.isArray) top.index++;
          return;
        }
        if ((b === Ch.CloseObj && top?.isArray === false) || (b === Ch.CloseArr && top?.isArray === true)) {
          this.close();
          return;
        }
        throw this.error(at, `expected ',' or '${top?.isArray ? ']' : '}'}'`);
      }
      case Want.KeyOrEnd:
      case Want.Key:
        if (b === Ch.CloseObj && this.want === Want.KeyOrEnd) {
          this.close();
          return;
        }
        if (b !== Ch.Quote) throw this.error(at, 'expected a key in double quotes');
        this.startToken(true);
        return;
      case Want.ValueOrEnd:
        if (b === Ch.CloseArr) {
          this.close();
          return;
        }
        this.value(b, i);
        return;
      case Want.Value:
        this.value(b, i);
    }
  }

  private value(b: number, i: number): void {
    const at = this.offset + i;
    if (this.stack.length === 0) this.doc++;
    const top = this.top();
    let rule: number;
    if (top !== undefined && top === this.lastArray) rule = this.lastRule;
    else {
      rule = this.matchRule();
      this.lastArray = top?.isArray === true ? top : null;
      this.lastRule = rule;
    }
    if (rule !== -1) {
      const indexes = this.offer.indexes;
      if (top !== undefined && top === this.indexesOf) indexes[indexes.length - 1] = top.index;
      else {
        // Built once per array of matches; its next elements only move the last index.
        indexes.length = 0;
        indexes.push(this.doc);
        for (const f of this.stack) if (f.isArray) indexes.push(f.index);
        this.indexesOf = top?.isArray === true ? top : null;
      }
      if (this.tryRead !== undefined && this.offered(rule, i)) return;
      this.capture = {
        rule,
        indexes: indexes.slice(),
        start: at,
        depth: 0,
        parts: [],
        line: this.lines,
        lineStart: this.lineStart,
      };
      this.inString = false;
      this.escaped = false;
      return;
    }
    if (b === Ch.OpenObj) {
      this.stack.push({ isArray: false, key: '', index: 0 });
      this.want = Want.KeyOrEnd;
    } else if (b === Ch.OpenArr) {
      this.stack.push({ isArray: true, key: '', index: 0 });
      this.want = Want.ValueOrEnd;
    } else if (b === Ch.Quote) {
      this.startToken(true);
    } else if (b === 0x2d || (b >= 0x30 && b <= 0x39) || b === 0x74 || b === 0x66 || b === 0x6e) {
      this.startToken(false);
      this.token?.push(b);
    } else {
      throw this.error(at, `unexpected '${String.fromCharCode(b)}' where a value should be`);
    }
  }

  /** Copies a captured value's bytes up to its end (or the chunk's); parses it once it is complete. */
  private scanCapture(chunk: Uint8Array, from: number): number {
    const cap = this.capture;
    if (cap === null) return from;
    const n = chunk.length;
    let depth = cap.depth;
    let inString = this.inString;
    let escaped = this.escaped;
    let complete = false;
    let i = from;
    for (; i < n; i++) {
      const b = chunk[i] ?? 0;
      if (inString) {
        if (escaped) escaped = false;
        else if (b === Ch.Backslash) escaped = true;
        else if (b === Ch.Quote) {
          inString = false;
          if (depth === 0) {
            i++;
            complete = true;
            break;
          }
        }
        continue;
      }
      if (b === Ch.Quote) inString = true;
      else if (b === Ch.OpenObj || b === Ch.OpenArr) depth++;
      else if (b === Ch.CloseObj || b === Ch.CloseArr) {
        if (depth === 0) {
          complete = true; // a scalar ended; the bracket is structure
          break;
        }
        depth--;
        if (depth === 0) {
          i++;
          complete = true;
          break;
        }
      } else if (depth === 0 && (b === Ch.Comma || isSpace(b))) {
        complete = true;
        break;
      } else if (b === Ch.Newline) {
        this.lines++;
        this.lineStart = this.offset + i + 1;
      }
    }
    cap.depth = depth;
    this.inString = inString;
    this.escaped = escaped;
    if (complete && cap.parts.length === 0) this.finishCapture(chunk, from, i);
    else {
      if (i > from) cap.parts.push(chunk.subarray(from, i));
      if (complete) this.finishCapture();
    }
    return i;
  }

  /** Hands the value over: bytes[from, to), or its parts from the chunks it crossed. */
  private finishCapture(chunk?: Uint8Array, from = 0, to = 0): void {
    const cap = this.capture;
    if (cap === null) return;
    this.capture = null;
    let bytes = chunk;
    if (bytes === undefined) {
      to = cap.parts.reduce((s, p) => s + p.length, 0);
      bytes = cap.parts.length === 1 ? (cap.parts[0] ?? new Uint8Array(0)) : concat(cap.parts, to);
    }
    this.onValue({
      rule: cap.rule,
      indexes: cap.indexes,
      bytes,
      from,
      to,
      byteStart: cap.start,
      byteLength: to - from,
      line: cap.line,
      lineStart: cap.lineStart,
    });
    this.afterValue();
  }

  /** Offers the value starting at chunk[i] to `tryRead`; whether it read it whole. */
  private offered(rule: number, i: number): boolean {
    const o = this.offer;
    o.rule = rule;
    o.bytes = this.chunk;
    o.from = i;
    o.to = this.chunk.length;
    o.byteStart = this.offset + i;
    o.byteLength = 0;
    o.line = this.lines;
    o.lineStart = this.lineStart;
    const after = this.tryRead?.(o) ?? -1;
    if (after <= i) return false;
    // The value's newlines (raw ones can only be between its tokens), for the positions of later errors.
    if (this.newlineAt !== -1 && this.newlineAt < i) this.newlineAt = this.chunk.indexOf(Ch.Newline, i);
    while (this.newlineAt !== -1 && this.newlineAt < after) {
      this.lines++;
      this.lineStart = this.offset + this.newlineAt + 1;
      this.newlineAt = this.chunk.indexOf(Ch.Newline, this.newlineAt + 1);
    }
    this.afterValue();
    this.resumeAt = after;
    return true;
  }

  private startToken(isString: boolean): void {
    this.token = [];
    this.tokenIsString = isString;
    this.escaped = false;
  }

  private endToken(i: number): void {
    const bytes = this.token ?? [];
    this.token = null;
    if (this.want === Want.Key || this.want === Want.KeyOrEnd) {
      const top = this.top();
      const key: unknown = JSON.parse(`"${decoder.decode(Uint8Array.from(bytes))}"`);
      if (top !== undefined) top.key = typeof key === 'string' ? key : '';
      this.want = Want.Colon;
      return;
    }
    if (!this.tokenIsString) {
      const text = String.fromCharCode(...bytes);
      if (!/^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(text)) {
        throw this.error(this.offset + i - bytes.length, `"${text.slice(0, 20)}" is not a JSON value`);
      }
    }
    this.afterValue();
  }

  private afterValue(): void {
    this.want = this.stack.length === 0 ? Want.Value : Want.CommaOrEnd;
  }

  private close(): void {
    this.stack.pop();
    this.afterValue();
  }

  /** Whether a captured value is being read (a method: the compiler cannot see `structural` start one). */
  private isCapturing(): boolean {
    return this.capture !== null;
  }

  private top(): Frame | undefined {
    return this.stack[this.stack.length - 1];
  }

  private matchRule(): number {
    const depth = this.stack.length;
    for (let r = 0; r < this.rules.length; r++) {
      const rule = this.rules[r] ?? [];
      if (rule.length !== depth) continue;
      let ok = true;
      for (let k = 0; k < depth && ok; k++) {
        const f = this.stack[k];
        const seg = rule[k];
        ok = f !== undefined && (f.isArray ? seg === '*' : seg === f.key);
      }
      if (ok) return r;
    }
    return -1;
  }

  private error(at: number, problem: string): JsonFileError {
    const column = at >= this.lineStart ? at - this.lineStart + 1 : undefined;
    return new JsonFileError(
      `${problem} at byte ${at} (line ${this.lines}${column === undefined ? '' : `, column ${column}`})`,
    );
  }
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
