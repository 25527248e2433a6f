/** Log records of the same services: levels, trace context, attributes. */
import type { LogRecord, LogsData } from '../../packages/shared/src/model/index.ts';
import { Rng, SERVICES, ROUTES, METHODS, resourceFor, scope, spanAttributes } from './common.ts';

export interface LogWorkloadOptions {
  recordsPerRequest?: number;
  attributesPerRecord?: number;
  services?: number;
  seed?: number;
  startNs?: bigint;
}

const LEVELS = [
  ['INFO', 9],
  ['INFO', 9],
  ['INFO', 9],
  ['DEBUG', 5],
  ['WARN', 13],
  ['ERROR', 17],
] as const;

export function generateLogs(opts: LogWorkloadOptions = {}): LogsData {
  const {
    recordsPerRequest = 512,
    attributesPerRecord = 6,
    services = 4,
    seed = 7,
    startNs = 1_750_000_000_000_000_000n,
  } = opts;
  const rng = new Rng(seed);
  const records: LogRecord[][] = Array.from({ length: services }, () => []);
  let clock = startNs;
  for (let i = 0; i < recordsPerRequest; i++) {
    const [text, number] = rng.pick(LEVELS);
    const route = rng.pick(ROUTES);
    const inTrace = rng.next() < 0.7;
    clock += BigInt(rng.int(3_000_000));
    records[rng.int(services)]!.push({
      timeUnixNano: clock,
      observedTimeUnixNano: clock + 150_000n,
      severityNumber: number,
      severityText: text,
      body: `${rng.pick(METHODS)} ${route} completed in ${rng.int(900)} ms`,
      attributes: spanAttributes(
        rng,
        [
          ['http.route', route],
          ['user.id', `u-${String(rng.int(100000)).padStart(6, '0')}`],
          ['code.function.name', rng.pick(['handleRequest', 'loadUser', 'placeOrder', 'reserveStock'])],
          ['code.file.path', '/app/src/routes/orders.js'],
          ['thread.id', BigInt(rng.int(16))],
          ['log.iostream', 'stdout'],
        ],
        attributesPerRecord,
      ),
      droppedAttributesCount: 0,
      flags: inTrace ? 1 : 0,
      traceId: inTrace ? rng.hex(16) : '',
      spanId: inTrace ? rng.hex(8) : '',
      eventName: '',
    });
  }
  return {
    resourceLogs: records.map((logRecords, i) => ({
      resource: resourceFor(rng, SERVICES[i % SERVICES.length]!, i),
      scopeLogs: [{ scope: scope('pino', '9.6.0'), logRecords, schemaUrl: '' }],
      schemaUrl: '',
    })),
  };
}
