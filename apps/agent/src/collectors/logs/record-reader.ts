/**
 * Bytes of one file → log records with the file offset each one ends at: line splitting, optional
 * multiline grouping, parsing. Used by the live tailer and by the crash replay, so both turn the same bytes
 * into the same records.
 */
import { basename } from 'node:path';
import type { LogRecord } from '@apo/shared/model';
import { LineSplitter, type LineHandler } from './line-splitter.ts';
import { LogLineParser } from './log-line-parser.ts';
import type { LogSource } from './log-source-config.ts';
import { MultilineAssembler, type RecordHandler } from './multiline-assembler.ts';

/** Receives a finished record, the offset just after its last line and its text length. Return false to stop. */
export type RecordSink = (record: LogRecord, endOffset: number, textLength: number) => boolean;

export interface ReaderCounters {
  lines: number;
  truncatedLines: number;
}

export class RecordReader {
  /** Stamped on the records as their observed time; the reader's owner sets it before each push. */
  observedNanos = 0n;
  private readonly splitter: LineSplitter;
  private readonly assembler: MultilineAssembler | undefined;
  private readonly parser: LogLineParser;
  private readonly onLine: LineHandler;
  private readonly onText: RecordHandler;

  constructor(
    source: LogSource,
    path: string,
    maxLineBytes: number,
    sink: RecordSink,
    counters: ReaderCounters,
  ) {
    this.splitter = new LineSplitter(maxLineBytes);
    this.assembler =
      source.multilineStart === undefined
        ? undefined
        : new MultilineAssembler(source.multilineStart, maxLineBytes);
    this.parser = new LogLineParser(source.format, path, basename(path));
    const assembler = this.assembler;
    this.onText = (text, endOffset, truncated) =>
      sink(this.parser.parse(text, this.observedNanos, truncated), endOffset, text.length);
    this.onLine = (text, endOffset, truncated) => {
      counters.lines++;
      if (truncated) counters.truncatedLines++;
      if (assembler !== undefined) return assembler.push(text, endOffset, truncated, this.onText);
      // An empty line says nothing; its bytes are covered by the next record's range.
      if (text.length === 0) return true;
      return this.onText(text, endOffset, truncated);
    };
  }

  get hasPartialLine(): boolean {
    return this.splitter.hasPartial;
  }

  get hasPendingRecord(): boolean {
    return this.assembler?.hasPending ?? false;
  }

  /** See LineSplitter#push: returns the index just after the last byte consumed. */
  push(buf: Buffer, start: number, end: number, baseOffset: number): number {
    return this.splitter.push(buf, start, end, baseOffset, this.onLine);
  }

  /** Emits the unfinished last line as a line of its own. */
  flushPartialLine(): boolean {
    return this.splitter.flush(this.onLine);
  }

  /** Emits the multiline record being assembled. */
  flushPendingRecord(): boolean {
    return this.assembler?.flush(this.onText) ?? false;
  }

  /** Forgets any unfinished line (after a truncation, once what mattered was flushed). */
  reset(offset: number): void {
    this.splitter.reset(offset);
  }
}
