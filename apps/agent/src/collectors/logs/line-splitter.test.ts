import { describe, expect, it } from 'vitest';
import { completeUtf8Length, LineSplitter } from './line-splitter.ts';

interface Line {
  text: string;
  end: number;
  truncated: boolean;
}

/** Pushes `input` in chunks of `chunk` bytes, as consecutive file reads would. */
function split(input: Buffer, chunk: number, max = 1024): { lines: Line[]; splitter: LineSplitter } {
  const splitter = new LineSplitter(max);
  const lines: Line[] = [];
  const onLine = (text: string, end: number, truncated: boolean): boolean => {
    lines.push({ text, end, truncated });
    return true;
  };
  for (let offset = 0; offset < input.length; offset += chunk) {
    // A reused read buffer with stale bytes after the valid part, as in the tailer.
    const buf = Buffer.alloc(chunk + 8, 0x0a);
    const n = input.copy(buf, 0, offset, Math.min(input.length, offset + chunk));
    expect(splitter.push(buf, 0, n, offset, onLine)).toBe(n);
  }
  return { lines, splitter };
}

describe('LineSplitter', () => {
  it('splits on newlines, drops a CR before them, and gives the offset after each line', () => {
    const { lines, splitter } = split(Buffer.from('a\r\nbb\n\nccc\n'), 64);
    expect(lines).toEqual([
      { text: 'a', end: 3, truncated: false },
      { text: 'bb', end: 6, truncated: false },
      { text: '', end: 7, truncated: false },
      { text: 'ccc', end: 11, truncated: false },
    ]);
    expect(splitter.hasPartial).toBe(false);
  });

  it('gives the same lines whatever the chunk size', () => {
    const input = Buffer.from('first line\nsecond, longer line\r\nthird\nüñí ✓ 🙂 multi-byte\nlast\n');
    const whole = split(input, input.length).lines;
    for (const chunk of [1, 2, 3, 5, 7, 16]) expect(split(input, chunk).lines).toEqual(whole);
  });

  it('keeps an unfinished line until its newline arrives, or until flushed', () => {
    const { lines, splitter } = split(Buffer.from('done\nhalf a li'), 4);
    expect(lines.map((l) => l.text)).toEqual(['done']);
    expect(splitter.hasPartial).toBe(true);
    const flushed: Line[] = [];
    splitter.flush((text, end, truncated) => flushed.push({ text, end, truncated }) > 0);
    expect(flushed).toEqual([{ text: 'half a li', end: 14, truncated: false }]);
    expect(splitter.hasPartial).toBe(false);
  });

  it('cuts a line over the cap, flags it, skips the rest of it, and carries on', () => {
    const long = 'x'.repeat(50);
    for (const chunk of [8, 64, 200]) {
      const { lines } = split(Buffer.from(`ok\n${long}\nafter\n`), chunk, 20);
      expect(lines, `chunk ${chunk}`).toEqual([
        { text: 'ok', end: 3, truncated: false },
        { text: 'x'.repeat(20), end: 54, truncated: true },
        { text: 'after', end: 60, truncated: false },
      ]);
    }
  });

  it('cuts on a character boundary, not inside a multi-byte character', () => {
    // 'é' is 2 bytes: 9 of them are 18 bytes; a cap of 9 bytes would split the fifth.
    for (const chunk of [3, 64]) {
      const { lines } = split(Buffer.from('é'.repeat(9) + '\n'), chunk, 9);
      expect(lines[0], `chunk ${chunk}`).toEqual({ text: 'éééé', end: 19, truncated: true });
    }
  });

  it('decodes invalid UTF-8 with replacement characters', () => {
    const input = Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('b\n')]);
    expect(split(input, 2).lines[0]!.text).toBe('a\uFFFD\uFFFD(b');
  });

  it('stops after the line whose handler says so', () => {
    const splitter = new LineSplitter(100);
    const seen: string[] = [];
    const buf = Buffer.from('1\n2\n3\n');
    const consumed = splitter.push(buf, 0, buf.length, 1000, (text) => {
      seen.push(text);
      return text !== '2';
    });
    expect(seen).toEqual(['1', '2']);
    expect(consumed).toBe(4);
    expect(splitter.hasPartial).toBe(false);
  });
});

describe('completeUtf8Length', () => {
  it('leaves out a sequence cut at the end and keeps complete ones', () => {
    const euro = Buffer.from('a€'); // 61 e2 82 ac
    expect(completeUtf8Length(euro, 0, 4)).toBe(4);
    expect(completeUtf8Length(euro, 0, 3)).toBe(1);
    expect(completeUtf8Length(euro, 0, 2)).toBe(1);
    expect(completeUtf8Length(Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80]), 0, 5)).toBe(5);
  });
});
