/**
 * One log line (or a multiline record's joined lines) → an OTLP log record, with the file it came from as
 * attributes. JSON is tried only when the line starts with `{` (format `auto`) or always (`json`); anything
 * that does not parse as such is read as text, so a line is never dropped for its format.
 */
import type { Attributes, LogRecord } from '@apo/shared/model';
import { parseJsonLine } from './json-line.ts';
import { parseTextLine } from './text-line.ts';
import { IsoTimestampParser } from './timestamp.ts';

export type LogFormat = 'auto' | 'json' | 'text';

const FILE_PATH_ATTRIBUTE = 'log.file.path';
const FILE_NAME_ATTRIBUTE = 'log.file.name';
const TRUNCATED_ATTRIBUTE = 'log.truncated';

export class LogLineParser {
  private readonly iso = new IsoTimestampParser();
  private readonly format: LogFormat;
  private readonly filePath: string;
  private readonly fileName: string;

  constructor(format: LogFormat, filePath: string, fileName: string) {
    this.format = format;
    this.filePath = filePath;
    this.fileName = fileName;
  }

  /**
   * @param observedNanos when the agent read the line; also the record's time when the line has none.
   * @param truncated the line was cut at the length limit (flagged as `log.truncated`).
   */
  parse(line: string, observedNanos: bigint, truncated: boolean): LogRecord {
    const record: LogRecord = {
      timeUnixNano: 0n,
      observedTimeUnixNano: observedNanos,
      severityNumber: 0,
      severityText: '',
      body: line,
      attributes: Object.create(null) as Attributes,
      droppedAttributesCount: 0,
      flags: 0,
      traceId: '',
      spanId: '',
      eventName: '',
    };
    const tryJson = this.format === 'json' || (this.format === 'auto' && startsWithBrace(line));
    if (!tryJson || !parseJsonLine(line, record, this.iso)) parseTextLine(line, record, this.iso);
    if (record.timeUnixNano === 0n) record.timeUnixNano = observedNanos;
    // Set last so a line's own `log.file.path` key cannot pretend to come from another file.
    const attributes = record.attributes;
    attributes[FILE_PATH_ATTRIBUTE] = this.filePath;
    attributes[FILE_NAME_ATTRIBUTE] = this.fileName;
    if (truncated) attributes[TRUNCATED_ATTRIBUTE] = true;
    return record;
  }
}

function startsWithBrace(line: string): boolean {
  let i = 0;
  while (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9) i++;
  return line.charCodeAt(i) === 123;
}
