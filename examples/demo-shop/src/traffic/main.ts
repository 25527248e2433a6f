import { parseArgs } from 'node:util';
import { parseDuration } from '../faults/duration.ts';
import { DEFAULT_DAY_MS, DEFAULT_RPS } from './day-curve.ts';
import { startTraffic } from './generator.ts';

/**
 * The traffic generator as its own process (the supervisor starts it without the preload: load is not part
 * of the system under observation). Prints a JSON summary line every minute.
 *
 *   node src/traffic/main.ts --target http://127.0.0.1:18080 [--rps 3] [--day 20m] [--start-phase 0.375]
 */
const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'http://127.0.0.1:18080' },
    rps: { type: 'string', default: String(DEFAULT_RPS) },
    day: { type: 'string', default: `${DEFAULT_DAY_MS}ms` },
    'start-phase': { type: 'string' },
  },
});
const rps = Number(values.rps);
const dayMs = parseDuration(values.day);
const startPhase = values['start-phase'] === undefined ? undefined : Number(values['start-phase']);
if (
  !(rps > 0) ||
  dayMs === undefined ||
  dayMs <= 0 ||
  (startPhase !== undefined && !(startPhase >= 0 && startPhase < 1))
) {
  console.error('usage: traffic --target URL [--rps N>0] [--day DURATION] [--start-phase 0..1]');
  process.exit(2);
}

const traffic = startTraffic({ target: values.target, rps, dayMs, startPhase });
const summary = setInterval(() => {
  console.log(
    JSON.stringify({ time: new Date().toISOString(), shopClock: traffic.clock(), ...traffic.stats() }),
  );
}, 60_000);

const stop = () => {
  clearInterval(summary);
  void traffic.stop().then(() => {
    if (process.connected) process.disconnect();
  });
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
