/**
 * A malformed trace file's error: what is wrong and where (byte offset, line, column), for the file page
 * to show as is. The scanner (json-path-scanner.ts) raises it for the structure it reads itself; a value
 * handed over whole is parsed here, and JSON.parse's own complaint gets the value's place in the file.
 */
import type { Captured } from './json-path-scanner.ts';

export class JsonFileError extends Error {
  override readonly name = 'JsonFileError';
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const NEWLINE = 0x0a;

/** A captured value, parsed; a malformed one throws a JsonFileError naming its position in the file. */
export function parseCaptured(c: Captured): unknown {
  const bytes = c.bytes.subarray(c.from, c.to);
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    // JSON.parse counts characters; the file's positions are bytes.
    const pos = encoder.encode(text.slice(0, Number(/position (\d+)/.exec(m)?.[1] ?? 0))).length;
    // Where in the file: the value's own line and column, moved on by the newlines inside it.
    let line = c.line;
    let lineStart = c.lineStart;
    for (let k = bytes.indexOf(NEWLINE); k !== -1 && k < pos; k = bytes.indexOf(NEWLINE, k + 1)) {
      line++;
      lineStart = c.byteStart + k + 1;
    }
    const at = c.byteStart + pos;
    throw new JsonFileError(
      `${m.replace(/ in JSON at position.*$/, '')} at byte ${at} (line ${line}, column ${at - lineStart + 1})`,
    );
  }
}
