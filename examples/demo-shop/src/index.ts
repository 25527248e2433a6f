/** The demo shop's programmatic API: start it (tests, the local-stack launcher, benchmarks) and drive faults. */
export { startShop, type Shop, type ShopOptions, type ShopService } from './shop/start-shop.ts';
export { readState, type ShopState } from './shop/state-file.ts';
export { runFaultCli } from './cli/fault.ts';
export { parseFaultArgs, type FaultCommand } from './cli/fault-args.ts';
export {
  FAULT_KINDS,
  KINDS,
  resolveParams,
  type ActiveFault,
  type FaultKind,
  type FaultParams,
} from './faults/catalog.ts';
export { readAudit, type AuditEntry } from './faults/store.ts';
export { parseDuration, formatDuration } from './faults/duration.ts';
export { startTraffic, type Traffic, type TrafficOptions } from './traffic/generator.ts';
export { SERVICES, SERVICE_NAMES, QUEUE_TOPIC, dataPaths, type ServiceName } from './topology.ts';
