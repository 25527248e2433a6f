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
  /**
   * Attributes dropped because a record had more than `maxAttributes`, or because its item had used up
   * `maxAttributeBytes` (also added to the record's droppedAttributesCount).
   */
  droppedAttributes: number;
  /** String / bytes values cut to `maxValueLength`. */
  truncatedValues: number;
  /** Events beyond `maxEventsPerSpan` (also added to the span's droppedEventsCount). */
  droppedEvents: number;
  /** Links beyond `maxLinksPerSpan` (also added to the span's droppedLinksCount). */
  droppedLinks: number;
  /** Entries of array / kvlist values beyond `maxValueEntries`. */
  droppedValueEntries: number;
  /** Items (spans, log records, points) that reached `maxAttributeBytes`; their later attributes were dropped. */
  itemsOverAttributeBytes: number;
}

export interface DecodeLimits {
  /** Attributes kept per attribute map (resource, scope, span, event, link, log, point); default unlimited. */
  maxAttributes?: number;
  /** Characters kept per string value (bytes per bytes value); default unlimited. */
  maxValueLength?: number;
  /** Events kept per span; default unlimited. */
  maxEventsPerSpan?: number;
  /** Links kept per span; default unlimited. */
  maxLinksPerSpan?: number;
  /** Entries kept per array or kvlist value, at every nesting level; default unlimited. */
  maxValueEntries?: number;
  /**
   * Attribute size kept per item: keys and values of a span's attributes and of its events' and links'
   * attributes together, of a log record's attributes, of a data point's attributes and its exemplars'.
   * Strings count their UTF-16 units (their bytes, for ASCII), bytes values their length, other scalars 8
   * (booleans 1), arrays and kvlists what they hold; values count as kept, after `maxValueLength`.
   * Attributes are taken in the order they arrive: the first that does not fit, and every later one of the
   * item, is dropped. Resource and scope attributes are not counted (they are stored once per batch, not
   * per item). Default unlimited.
   */
  maxAttributeBytes?: number;
}

export type DecodeResult<T> =
  { ok: true; value: T; stats: DecodeStats } | { ok: false; error: OtlpDecodeError };
