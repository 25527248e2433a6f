/**
 * Groups lines into multiline records (stack traces, pretty-printed dumps): a line matching the start
 * pattern begins a record, any other line continues the current one. A record is bounded (`maxChars`;
 * further lines are dropped and the record flagged as truncated) and is emitted when the next record
 * starts, or by `flush` when its file has been quiet for a while or is closed.
 */

export type RecordHandler = (text: string, endOffset: number, truncated: boolean) => boolean;

export class MultilineAssembler {
  private readonly start: RegExp;
  private readonly maxChars: number;
  private parts: string[] = [];
  private chars = 0;
  private endOffset = 0;
  private truncated = false;

  constructor(start: RegExp, maxChars: number) {
    this.start = start;
    this.maxChars = maxChars;
  }

  get hasPending(): boolean {
    return this.parts.length > 0;
  }

  /** Takes one line; returns the handler's answer when a finished record was emitted, else true. */
  push(line: string, endOffset: number, truncated: boolean, emit: RecordHandler): boolean {
    let more = true;
    if (this.start.test(line)) {
      if (this.parts.length > 0) more = this.emitPending(emit);
    } else if (this.parts.length === 0 && line.length === 0) {
      // A blank line between records belongs to none; its bytes are covered by the next record's range.
      return true;
    }
    if (this.parts.length === 0 || this.chars + 1 + line.length <= this.maxChars) {
      this.parts.push(line);
      this.chars += line.length + (this.parts.length > 1 ? 1 : 0);
    } else {
      this.truncated = true;
    }
    if (truncated) this.truncated = true;
    this.endOffset = endOffset;
    return more;
  }

  /** Emits the record being assembled, if any. */
  flush(emit: RecordHandler): boolean {
    if (this.parts.length === 0) return false;
    this.emitPending(emit);
    return true;
  }

  private emitPending(emit: RecordHandler): boolean {
    const text = this.parts.length === 1 ? this.parts[0]! : this.parts.join('\n');
    const truncated = this.truncated;
    const endOffset = this.endOffset;
    this.parts = [];
    this.chars = 0;
    this.truncated = false;
    return emit(text, endOffset, truncated);
  }
}
