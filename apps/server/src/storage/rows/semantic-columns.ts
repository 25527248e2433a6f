/**
 * The typed "hot" columns derived from OpenTelemetry semantic-convention attributes. They are copies:
 * the attributes stay in their maps too, so nothing is lost when a convention changes names.
 * Where a convention was renamed, the current name wins and the old one is the fallback.
 */
import { attributeText } from '@apo/shared/model';
import type { AnyValue, Attributes, Resource } from '@apo/shared/model';
import { RowBinaryWriter } from '../row-binary-writer.ts';

const UNKNOWN_SERVICE = 'unknown_service';

/** The text of an attribute, or undefined when it is absent or empty. */
function textOf(attributes: Attributes, key: string): string | undefined {
  const value = attributes[key];
  if (value === undefined || value === null) return undefined;
  const text = typeof value === 'string' ? value : attributeText(value);
  return text === '' ? undefined : text;
}

/** The per-resource columns, computed once per resource rather than once per row. */
export interface ResourceColumns {
  service: string;
  serviceVersion: string;
  instance: string;
  /** The resource attributes, already RowBinary-encoded as a Map(String, String). */
  attributesMap: Uint8Array;
}

const scratch = new RowBinaryWriter(4096);

export function resourceColumns(resource: Resource): ResourceColumns {
  const attrs = resource.attributes;
  scratch.reset();
  scratch.attributes(attrs);
  return {
    service: textOf(attrs, 'service.name') ?? UNKNOWN_SERVICE,
    serviceVersion: textOf(attrs, 'service.version') ?? '',
    instance: instanceOf(attrs),
    attributesMap: scratch.bytes().slice(),
  };
}

/** `service.instance.id`, else `host.name:process.pid`, else `host.name`, else ''. */
export function instanceOf(resourceAttributes: Attributes): string {
  const id = textOf(resourceAttributes, 'service.instance.id');
  if (id !== undefined) return id;
  const host = textOf(resourceAttributes, 'host.name');
  const pid = textOf(resourceAttributes, 'process.pid');
  if (host !== undefined && pid !== undefined) return `${host}:${pid}`;
  return host ?? '';
}

export function httpRouteOf(attributes: Attributes): string {
  return textOf(attributes, 'http.route') ?? '';
}

function statusNumber(value: AnyValue | undefined): number | undefined {
  let n: number;
  if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'number') n = value;
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) n = Number(value);
  else return undefined;
  return Number.isInteger(n) && n >= 0 && n <= 0xffff ? n : undefined;
}

/** `http.response.status_code` (semconv ≥ 1.21) else `http.status_code`; 0 when neither is numeric. */
export function httpStatusOf(attributes: Attributes): number {
  return (
    statusNumber(attributes['http.response.status_code']) ?? statusNumber(attributes['http.status_code']) ?? 0
  );
}

export function dbSystemOf(attributes: Attributes): string {
  return textOf(attributes, 'db.system.name') ?? textOf(attributes, 'db.system') ?? '';
}

/** `server.address[:server.port]`, else `net.peer.name`, else `peer.service`, else ''. */
export function peerOf(attributes: Attributes): string {
  const address = textOf(attributes, 'server.address');
  if (address !== undefined) {
    const port = textOf(attributes, 'server.port');
    return port === undefined ? address : `${address}:${port}`;
  }
  return textOf(attributes, 'net.peer.name') ?? textOf(attributes, 'peer.service') ?? '';
}

/**
 * The event name of a log record, or '' when it is an ordinary log: OTLP's `event_name` field, else
 * a string `event.name` attribute (how events travelled before the field existed).
 */
export function eventNameOf(eventName: string, attributes: Attributes): string {
  if (eventName !== '') return eventName;
  const value = attributes['event.name'];
  return typeof value === 'string' ? value : '';
}
