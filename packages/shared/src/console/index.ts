/** `@apo/shared/console`: the shapes the console draws and the server computes, with the rules both apply. */
export {
  byMostDegraded,
  changePercent,
  DEFAULT_HEALTH_THRESHOLDS,
  scoreHealth,
  type ComparedFigure,
  type ComparisonPeriod,
  type EndpointOverview,
  type HealthDimension,
  type HealthLevel,
  type HealthPoint,
  type HealthScore,
  type HealthThresholds,
  type RedOverview,
  type ServiceEndpointsOverview,
  type ServiceOverview,
  type ServicesOverview,
} from './overview.ts';
export {
  allocateSpanColumns,
  readHexId,
  sliceSpanColumns,
  StringDictionary,
  STATUS_ERROR,
  writeHexId,
  type SpanColumns,
  type TraceHeader,
} from './trace-columns.ts';
export {
  encodeEndFrame,
  encodeErrorFrame,
  encodeHeaderFrame,
  encodeSpansFrame,
  TRACE_FRAMES_CONTENT_TYPE,
  TraceFrameError,
  TraceFrameReader,
  type TraceFrame,
} from './trace-frames.ts';
