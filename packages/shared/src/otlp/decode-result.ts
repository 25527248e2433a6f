/** A typed decoding failure: `path` names where in the message it went wrong (e.g. `resourceSpans[0].scopeSpans[1].spans[3].traceId`). */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
  readonly path: string;
  constructor(message: string, path: string) {
    super(path ? `${path}: ${message}` : message);
    this.path = path;
  }
}

/** What the decoder cut to stay within the limits (see `DecodeLimits`). */
export interface DecodeStats {
  /** Attributes dropped because a record had more than `maxAttributes` (also added to droppedAttributesCount). */
  droppedAttributes: number;
  /** String / bytes values cut to `maxValueLength`. */
  truncatedValues: number;
}

export interface DecodeLimits {
  /** Attributes kept per attribute map (resource, scope, span, event, link, log, point); default unlimited. */
  maxAttributes?: number;
  /** Characters kept per string value (bytes per bytes value); default unlimited. */
  maxValueLength?: number;
}

export type DecodeResult<T> =
  { ok: true; value: T; stats: DecodeStats } | { ok: false; error: OtlpDecodeError };
