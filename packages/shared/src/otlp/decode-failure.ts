/**
 * How decoders report failures without paying for paths on the happy path: a failure is thrown with
 * only its reason, and every message decoder on the way out adds its own segment (`spans[3]`,
 * `attributes[2]`, …) in a catch block. The public functions turn the result into an OtlpDecodeError.
 */
import { OtlpDecodeError } from './decode-result.ts';
import type { DecodeLimits, DecodeResult, DecodeStats } from './decode-result.ts';

export class DecodeFailure extends Error {
  readonly reason: string;
  /** Innermost first; reversed when the path is rendered. */
  readonly segments: string[] = [];
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

export function fail(reason: string): never {
  throw new DecodeFailure(reason);
}

/** Adds `segment` to a failure passing through; anything else (a bug, a stack overflow) becomes one. */
export function within(error: unknown, segment: string): DecodeFailure {
  const failure =
    error instanceof DecodeFailure ? error : new DecodeFailure(`internal error: ${describeError(error)}`);
  if (segment !== '') failure.segments.push(segment);
  return failure;
}

/** `name[index]` for a repeated field, `name` otherwise. */
export function item(name: string, index: number): string {
  return `${name}[${index}]`;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

function toDecodeError(error: unknown): OtlpDecodeError {
  const failure = error instanceof DecodeFailure ? error : within(error, '');
  let path = '';
  for (let i = failure.segments.length - 1; i >= 0; i--) {
    const segment = failure.segments[i]!;
    path = path === '' || segment.startsWith('[') ? path + segment : `${path}.${segment}`;
  }
  return new OtlpDecodeError(failure.reason, path);
}

/** What the decoders thread through: the limits, resolved, and the counters of what they cut. */
export interface DecodeContext {
  readonly maxAttributes: number;
  readonly maxValueLength: number;
  readonly maxEventsPerSpan: number;
  readonly maxLinksPerSpan: number;
  readonly maxValueEntries: number;
  readonly maxAttributeBytes: number;
  /**
   * What is left of the current item's attribute budget: item readers (span, log record, point) set it to
   * `maxAttributeBytes` when they start and back to Infinity when they end, so resource and scope
   * attributes, read between items, are never counted.
   */
  attributeBytesLeft: number;
  readonly stats: DecodeStats;
}

export function emptyStats(): DecodeStats {
  return {
    droppedAttributes: 0,
    truncatedValues: 0,
    droppedEvents: 0,
    droppedLinks: 0,
    droppedValueEntries: 0,
    itemsOverAttributeBytes: 0,
  };
}

function decodeContext(limits: DecodeLimits | undefined): DecodeContext {
  return {
    maxAttributes: positiveLimit(limits?.maxAttributes),
    maxValueLength: positiveLimit(limits?.maxValueLength),
    maxEventsPerSpan: positiveLimit(limits?.maxEventsPerSpan),
    maxLinksPerSpan: positiveLimit(limits?.maxLinksPerSpan),
    maxValueEntries: positiveLimit(limits?.maxValueEntries),
    maxAttributeBytes: positiveLimit(limits?.maxAttributeBytes),
    attributeBytesLeft: Infinity,
    stats: emptyStats(),
  };
}

function positiveLimit(value: number | undefined): number {
  return value === undefined || Number.isNaN(value) ? Infinity : Math.max(0, Math.floor(value));
}

/** Runs a decoder and folds every outcome, thrown or not, into a DecodeResult. */
export function runDecoder<T>(
  limits: DecodeLimits | undefined,
  decode: (ctx: DecodeContext) => T,
): DecodeResult<T> {
  try {
    const ctx = decodeContext(limits);
    const value = decode(ctx);
    return { ok: true, value, stats: ctx.stats };
  } catch (error) {
    try {
      return { ok: false, error: toDecodeError(error) };
    } catch {
      // Even rendering the error failed (e.g. a hostile object in `limits`): still no throw.
      return { ok: false, error: new OtlpDecodeError('decoding failed', '') };
    }
  }
}
