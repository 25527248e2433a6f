/**
 * Splits file bytes into lines at the byte level ('\n', with a trailing '\r' dropped), keeping an
 * unfinished last line until its newline arrives. A line longer than the cap keeps its first `maxLineBytes`
 * (cut on a UTF-8 character boundary) and is flagged as truncated; the rest of it is skipped without being
 * buffered, so one endless line cannot exhaust memory. Bytes are decoded with replacement characters for
 * invalid UTF-8 (Buffer#toString never throws), so binary garbage in a log cannot crash the agent.
 */

/** Receives a line, the file offset just after it (after its '\n'), and whether it was cut. Return false to stop. */
export type LineHandler = (text: string, endOffset: number, truncated: boolean) => boolean;

const NEWLINE = 10;
const CR = 13;

export class LineSplitter {
  private readonly maxLineBytes: number;
  /** Copies of the unfinished line's bytes (the read buffer is reused, so they cannot be views). */
  private pieces: Buffer[] = [];
  private keptBytes = 0;
  /** The unfinished line passed the cap: its further bytes are being skipped. */
  private overflow = false;
  /** File offset just after the last byte pushed. */
  private pushedEnd = 0;

  constructor(maxLineBytes: number) {
    this.maxLineBytes = maxLineBytes;
  }

  /** Whether bytes of an unfinished line are held. */
  get hasPartial(): boolean {
    return this.keptBytes > 0 || this.overflow;
  }

  /**
   * Splits `buf[start, end)`, whose first byte is at file offset `baseOffset`. Returns the index just after
   * the last byte consumed: `end`, or just after the line whose handler returned false.
   */
  push(buf: Buffer, start: number, end: number, baseOffset: number, onLine: LineHandler): number {
    const max = this.maxLineBytes;
    const delta = baseOffset - start;
    let pos = start;
    while (pos < end) {
      let nl = buf.indexOf(NEWLINE, pos);
      if (nl >= end) nl = -1;
      if (nl === -1) {
        this.keep(buf, pos, end);
        this.pushedEnd = end + delta;
        return end;
      }
      let text: string;
      let truncated = false;
      if (this.keptBytes === 0 && !this.overflow) {
        let lineEnd = nl > pos && buf[nl - 1] === CR ? nl - 1 : nl;
        if (lineEnd - pos > max) {
          lineEnd = pos + completeUtf8Length(buf, pos, pos + max);
          truncated = true;
        }
        text = buf.toString('utf8', pos, lineEnd);
      } else {
        this.keep(buf, pos, nl);
        truncated = this.overflow;
        text = this.takePartial();
      }
      pos = nl + 1;
      if (!onLine(text, pos + delta, truncated)) {
        this.pushedEnd = pos + delta;
        return pos;
      }
    }
    this.pushedEnd = end + delta;
    return end;
  }

  /** Emits the unfinished line as it is (idle too long, or its file was rotated). False if there was none. */
  flush(onLine: LineHandler): boolean {
    if (!this.hasPartial) return false;
    const truncated = this.overflow;
    const text = this.takePartial();
    onLine(text, this.pushedEnd, truncated);
    return true;
  }

  /** Forgets the unfinished line (the file was truncated under it). */
  reset(offset: number): void {
    this.pieces = [];
    this.keptBytes = 0;
    this.overflow = false;
    this.pushedEnd = offset;
  }

  private keep(buf: Buffer, from: number, to: number): void {
    if (this.overflow || to <= from) return;
    const room = this.maxLineBytes - this.keptBytes;
    if (to - from > room) {
      to = from + room;
      this.overflow = true;
    }
    if (to > from) {
      this.pieces.push(Buffer.from(buf.subarray(from, to)));
      this.keptBytes += to - from;
    }
  }

  private takePartial(): string {
    const joined = this.pieces.length === 1 ? this.pieces[0]! : Buffer.concat(this.pieces, this.keptBytes);
    let length = joined.length;
    if (this.overflow) length = completeUtf8Length(joined, 0, length);
    else if (length > 0 && joined[length - 1] === CR) length--;
    this.pieces = [];
    this.keptBytes = 0;
    this.overflow = false;
    return joined.toString('utf8', 0, length);
  }
}

/**
 * The length of `buf[start, end)` without a UTF-8 sequence cut at its end, so a cut line does not end in a
 * replacement character. Invalid bytes are left for the decoder to replace.
 */
export function completeUtf8Length(buf: Uint8Array, start: number, end: number): number {
  for (let i = end - 1, back = 0; i >= start && back < 4; i--, back++) {
    const b = buf[i]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return i + need > end ? i - start : end - start;
  }
  return end - start;
}
