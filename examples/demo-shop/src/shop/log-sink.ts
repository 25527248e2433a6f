import { createWriteStream, mkdirSync, renameSync, statSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';

/**
 * A child's stdout and stderr, appended to a file that is rotated at `maxBytes` (one previous file kept as
 * `.1`), so a shop left running for days keeps its logs bounded.
 */
export class LogSink {
  private readonly file: string;
  private readonly maxBytes: number;
  private stream: WriteStream;
  private bytes: number;
  private lastLines: string[] = [];

  constructor(file: string, maxBytes = 4 * 1024 * 1024) {
    this.file = file;
    this.maxBytes = maxBytes;
    mkdirSync(dirname(file), { recursive: true });
    this.bytes = (() => {
      try {
        return statSync(file).size;
      } catch {
        return 0;
      }
    })();
    this.stream = createWriteStream(file, { flags: 'a' });
  }

  write(chunk: Buffer): void {
    if (this.bytes + chunk.length > this.maxBytes) this.rotate();
    this.bytes += chunk.length;
    this.stream.write(chunk);
    const lines = chunk
      .toString('utf8')
      .split('\n')
      .filter((l) => l !== '');
    this.lastLines = [...this.lastLines, ...lines].slice(-20);
  }

  /** The last lines written: shown when a child fails to start. */
  tail(): string {
    return this.lastLines.join('\n');
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private rotate(): void {
    this.stream.end();
    try {
      renameSync(this.file, `${this.file}.1`);
    } catch {
      // Nothing to rotate.
    }
    this.stream = createWriteStream(this.file, { flags: 'a' });
    this.bytes = 0;
  }
}
