/** Encoder for ExportLogsServiceRequest / LogsData (field numbers in logs-proto-decoder.ts). */
import type { LogRecord, LogsData, ResourceLogs, ScopeLogs } from '../model/telemetry.ts';
import {
  writeAnyValue,
  writeFixed32,
  writeFixed64,
  writeInt32,
  writeKeyValues,
  writeMessage,
  writeOptionalMessage,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './common-proto-encoder.ts';
import { encodeWith } from './wire-writer.ts';
import type { WireWriter } from './wire-writer.ts';

export function encodeLogsProto(data: LogsData): Uint8Array {
  return encodeWith((w) => {
    for (const resourceLogs of data.resourceLogs) {
      w.uint32(10);
      const mark = w.begin();
      writeResourceLogs(w, resourceLogs);
      w.end(mark);
    }
  });
}

function writeResourceLogs(w: WireWriter, resourceLogs: ResourceLogs): void {
  writeMessage(w, 10, resourceLogs.resource, writeResource);
  for (const scopeLogs of resourceLogs.scopeLogs) {
    w.uint32(18);
    const mark = w.begin();
    writeScopeLogs(w, scopeLogs);
    w.end(mark);
  }
  writeString(w, 26, resourceLogs.schemaUrl);
}

function writeScopeLogs(w: WireWriter, scopeLogs: ScopeLogs): void {
  writeMessage(w, 10, scopeLogs.scope, writeScope);
  for (const record of scopeLogs.logRecords) {
    w.uint32(18);
    const mark = w.begin();
    writeLogRecord(w, record);
    w.end(mark);
  }
  writeString(w, 26, scopeLogs.schemaUrl);
}

function writeLogRecord(w: WireWriter, record: LogRecord): void {
  writeFixed64(w, 9, record.timeUnixNano);
  writeInt32(w, 16, record.severityNumber);
  writeString(w, 26, record.severityText);
  // An absent body and an empty AnyValue decode alike, so a null body is simply left out.
  writeOptionalMessage(w, 42, record.body, writeAnyValue);
  writeKeyValues(w, 50, record.attributes);
  writeUint32(w, 56, record.droppedAttributesCount);
  writeFixed32(w, 69, record.flags);
  w.id(74, record.traceId, 16, 'traceId');
  w.id(82, record.spanId, 8, 'spanId');
  writeFixed64(w, 89, record.observedTimeUnixNano);
  writeString(w, 98, record.eventName);
}
