import { describe, expect, it } from 'vitest';
import { MultilineAssembler } from './multiline-assembler.ts';

interface Emitted {
  text: string;
  end: number;
  truncated: boolean;
}

function feed(assembler: MultilineAssembler, lines: string[]): Emitted[] {
  const out: Emitted[] = [];
  const emit = (text: string, end: number, truncated: boolean): boolean =>
    out.push({ text, end, truncated }) > 0;
  let offset = 0;
  for (const line of lines) {
    offset += line.length + 1;
    assembler.push(line, offset, false, emit);
  }
  assembler.flush(emit);
  return out;
}

describe('MultilineAssembler', () => {
  it('joins continuation lines (a stack trace) to the line that started the record', () => {
    const lines = [
      '2024-05-01 10:00:00 ERROR request failed',
      'java.lang.IllegalStateException: boom',
      '\tat com.acme.Service.run(Service.java:42)',
      '',
      'Caused by: java.io.IOException: closed',
      '2024-05-01 10:00:01 INFO next',
    ];
    const out = feed(new MultilineAssembler(/^\d{4}-/, 10_000), lines);
    expect(out.map((r) => r.text)).toEqual([lines.slice(0, 5).join('\n'), lines[5]]);
    expect(out.map((r) => r.end)).toEqual([
      lines.slice(0, 5).reduce((n, l) => n + l.length + 1, 0),
      lines.reduce((n, l) => n + l.length + 1, 0),
    ]);
  });

  it('starts a record with continuation lines that come first, and skips blank lines between records', () => {
    const out = feed(new MultilineAssembler(/^START/, 1000), ['  orphan', 'START a', '', 'START b']);
    expect(out.map((r) => r.text)).toEqual(['  orphan', 'START a\n', 'START b']);
    const blank = feed(new MultilineAssembler(/^START/, 1000), ['', 'START a']);
    expect(blank.map((r) => r.text)).toEqual(['START a']);
  });

  it('bounds a record: lines past the limit are dropped and the record flagged', () => {
    const out = feed(new MultilineAssembler(/^S/, 12), ['S 1234', 'more1', 'more2', 'S next']);
    // The dropped line still belongs to the record: its end offset is after 'more2'.
    expect(out[0]).toEqual({ text: 'S 1234\nmore1', end: 19, truncated: true });
    expect(out[1]!.truncated).toBe(false);
  });

  it('holds the last record until flushed', () => {
    const assembler = new MultilineAssembler(/^S/, 100);
    const out: string[] = [];
    assembler.push('S one', 6, false, (text) => out.push(text) > 0);
    assembler.push('  cont', 13, false, (text) => out.push(text) > 0);
    expect(out).toEqual([]);
    expect(assembler.hasPending).toBe(true);
    assembler.flush((text) => out.push(text) > 0);
    expect(out).toEqual(['S one\n  cont']);
    expect(assembler.hasPending).toBe(false);
  });
});
