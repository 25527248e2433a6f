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
