/**
 * Test support: the model written as protobufjs message objects (camelCase fields of the real .proto
 * messages), so protobufjs can encode the same data independently, and protobufjs' view of our bytes can
 * be compared field by field with what the model says they should hold.
 */
import type {
  AnyValue,
  Attributes,
  Exemplar,
  InstrumentationScope,
  LogsData,
  Metric,
  MetricsData,
  NumberDataPoint,
  Resource,
  Span,
  TracesData,
} from '../../model/telemetry.ts';

type Obj = Record<string, unknown>;

function idBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function anyValueRef(value: AnyValue): Obj {
  if (value === null) return {};
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'bigint':
      return { intValue: value };
    case 'number':
      return { doubleValue: value };
  }
  if (value instanceof Uint8Array) return { bytesValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValueRef) } };
  return { kvlistValue: { values: keyValuesRef(value) } };
}

export function keyValuesRef(attributes: Attributes): Obj[] {
  return Object.keys(attributes).map((key) => ({ key, value: anyValueRef(attributes[key]!) }));
}

function resourceRef(resource: Resource): Obj {
  return {
    attributes: keyValuesRef(resource.attributes),
    droppedAttributesCount: resource.droppedAttributesCount,
  };
}

function scopeRef(scope: InstrumentationScope): Obj {
  return {
    name: scope.name,
    version: scope.version,
    attributes: keyValuesRef(scope.attributes),
    droppedAttributesCount: scope.droppedAttributesCount,
  };
}

function spanRef(span: Span): Obj {
  return {
    traceId: idBytes(span.traceId),
    spanId: idBytes(span.spanId),
    traceState: span.traceState,
    parentSpanId: idBytes(span.parentSpanId),
    flags: span.flags,
    name: span.name,
    kind: span.kind,
    startTimeUnixNano: span.startTimeUnixNano,
    endTimeUnixNano: span.endTimeUnixNano,
    attributes: keyValuesRef(span.attributes),
    droppedAttributesCount: span.droppedAttributesCount,
    events: span.events.map((e) => ({
      timeUnixNano: e.timeUnixNano,
      name: e.name,
      attributes: keyValuesRef(e.attributes),
      droppedAttributesCount: e.droppedAttributesCount,
    })),
    droppedEventsCount: span.droppedEventsCount,
    links: span.links.map((l) => ({
      traceId: idBytes(l.traceId),
      spanId: idBytes(l.spanId),
      traceState: l.traceState,
      attributes: keyValuesRef(l.attributes),
      droppedAttributesCount: l.droppedAttributesCount,
      flags: l.flags,
    })),
    droppedLinksCount: span.droppedLinksCount,
    status: { code: span.status.code, message: span.status.message },
  };
}

export function tracesRef(data: TracesData): Obj {
  return {
    resourceSpans: data.resourceSpans.map((rs) => ({
      resource: resourceRef(rs.resource),
      scopeSpans: rs.scopeSpans.map((ss) => ({
        scope: scopeRef(ss.scope),
        spans: ss.spans.map(spanRef),
        schemaUrl: ss.schemaUrl,
      })),
      schemaUrl: rs.schemaUrl,
    })),
  };
}

export function logsRef(data: LogsData): Obj {
  return {
    resourceLogs: data.resourceLogs.map((rl) => ({
      resource: resourceRef(rl.resource),
      scopeLogs: rl.scopeLogs.map((sl) => ({
        scope: scopeRef(sl.scope),
        logRecords: sl.logRecords.map((r) => ({
          timeUnixNano: r.timeUnixNano,
          observedTimeUnixNano: r.observedTimeUnixNano,
          severityNumber: r.severityNumber,
          severityText: r.severityText,
          ...(r.body === null ? {} : { body: anyValueRef(r.body) }),
          attributes: keyValuesRef(r.attributes),
          droppedAttributesCount: r.droppedAttributesCount,
          flags: r.flags,
          traceId: idBytes(r.traceId),
          spanId: idBytes(r.spanId),
          eventName: r.eventName,
        })),
        schemaUrl: sl.schemaUrl,
      })),
      schemaUrl: rl.schemaUrl,
    })),
  };
}

function valueRef(value: number | bigint): Obj {
  return typeof value === 'bigint' ? { asInt: value } : { asDouble: value };
}

function exemplarRef(e: Exemplar): Obj {
  return {
    filteredAttributes: keyValuesRef(e.filteredAttributes),
    timeUnixNano: e.timeUnixNano,
    ...valueRef(e.value),
    spanId: idBytes(e.spanId),
    traceId: idBytes(e.traceId),
  };
}

function baseRef(
  p:
    | NumberDataPoint
    | { attributes: Attributes; startTimeUnixNano: bigint; timeUnixNano: bigint; flags: number },
): Obj {
  return {
    attributes: keyValuesRef(p.attributes),
    startTimeUnixNano: p.startTimeUnixNano,
    timeUnixNano: p.timeUnixNano,
    flags: p.flags,
  };
}

function optional(name: string, value: number | undefined): Obj {
  return value === undefined ? {} : { [name]: value };
}

function metricRef(m: Metric): Obj {
  const out: Obj = {
    name: m.name,
    description: m.description,
    unit: m.unit,
    metadata: keyValuesRef(m.metadata),
  };
  const d = m.data;
  const numberPoints = (points: NumberDataPoint[]): Obj[] =>
    points.map((p) => ({ ...baseRef(p), ...valueRef(p.value), exemplars: p.exemplars.map(exemplarRef) }));
  switch (d.type) {
    case 'gauge':
      out.gauge = { dataPoints: numberPoints(d.points) };
      break;
    case 'sum':
      out.sum = {
        dataPoints: numberPoints(d.points),
        aggregationTemporality: d.aggregationTemporality,
        isMonotonic: d.isMonotonic,
      };
      break;
    case 'histogram':
      out.histogram = {
        aggregationTemporality: d.aggregationTemporality,
        dataPoints: d.points.map((p) => ({
          ...baseRef(p),
          count: p.count,
          ...optional('sum', p.sum),
          bucketCounts: p.bucketCounts,
          explicitBounds: p.explicitBounds,
          exemplars: p.exemplars.map(exemplarRef),
          ...optional('min', p.min),
          ...optional('max', p.max),
        })),
      };
      break;
    case 'exponentialHistogram':
      out.exponentialHistogram = {
        aggregationTemporality: d.aggregationTemporality,
        dataPoints: d.points.map((p) => ({
          ...baseRef(p),
          count: p.count,
          ...optional('sum', p.sum),
          scale: p.scale,
          zeroCount: p.zeroCount,
          positive: p.positive,
          negative: p.negative,
          exemplars: p.exemplars.map(exemplarRef),
          ...optional('min', p.min),
          ...optional('max', p.max),
          zeroThreshold: p.zeroThreshold,
        })),
      };
      break;
    case 'summary':
      out.summary = {
        dataPoints: d.points.map((p) => ({
          ...baseRef(p),
          count: p.count,
          sum: p.sum,
          quantileValues: p.quantileValues,
        })),
      };
      break;
    case 'empty':
      break;
  }
  return out;
}

export function metricsRef(data: MetricsData): Obj {
  return {
    resourceMetrics: data.resourceMetrics.map((rm) => ({
      resource: resourceRef(rm.resource),
      scopeMetrics: rm.scopeMetrics.map((sm) => ({
        scope: scopeRef(sm.scope),
        metrics: sm.metrics.map(metricRef),
        schemaUrl: sm.schemaUrl,
      })),
      schemaUrl: rm.schemaUrl,
    })),
  };
}
