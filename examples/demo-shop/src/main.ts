import { parseArgs } from 'node:util';
import { readSupervisorEnv, ShopConfigError } from './env.ts';
import { formatDuration, parseDuration } from './faults/duration.ts';
import { startShop, type ShopOptions } from './shop/start-shop.ts';
import { SERVICES } from './topology.ts';

/**
 * `pnpm demo`: starts the shop's services (each with the APO preload) and its traffic, exporting to a
 * running agent, prints what runs where, and stops everything on SIGINT/SIGTERM.
 */
const USAGE = `Usage: pnpm demo [options]

Starts the demo shop (7 instrumented services + traffic) exporting to an APO agent.

  --agent-url URL        OTLP/HTTP endpoint of the agent (DEMO_AGENT_URL, default http://127.0.0.1:4318)
  --base-port N          services on N..N+6, gateway first (DEMO_BASE_PORT, default 18080)
  --admin-base-port N    admin endpoints (DEMO_ADMIN_BASE_PORT, default base port + 100)
  --data-dir PATH        databases, queue, fault store, audit log, logs (DEMO_DATA_DIR,
                         default ~/.local/share/apo/demo-shop)
  --db auto|sqlite|postgres  (DEMO_DB, default auto: PostgreSQL if DEMO_PG_URL or 127.0.0.1:5432 answers)
  --no-traffic           start the services only (DEMO_TRAFFIC=off)
  --rps N                average requests per second over a day (DEMO_TRAFFIC_RPS, default 3)
  --day DURATION         length of a compressed day, e.g. 20m, 1h (DEMO_TRAFFIC_DAY, default 20m)
  -h, --help

Faults: pnpm demo:fault --list`;

async function main(): Promise<number> {
  let options: ShopOptions;
  try {
    const env = readSupervisorEnv();
    const { values } = parseArgs({
      options: {
        'agent-url': { type: 'string' },
        'base-port': { type: 'string' },
        'admin-base-port': { type: 'string' },
        'data-dir': { type: 'string' },
        db: { type: 'string' },
        'no-traffic': { type: 'boolean', default: false },
        rps: { type: 'string' },
        day: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    const port = (text: string | undefined, name: string) => {
      if (text === undefined) return undefined;
      const n = Number(text);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        throw new ShopConfigError(`${name} must be a port, got ${text}`);
      return n;
    };
    const db = values.db ?? env.database;
    if (db !== 'auto' && db !== 'sqlite' && db !== 'postgres') {
      throw new ShopConfigError(`--db must be auto, sqlite or postgres, got ${db}`);
    }
    const rps = values.rps === undefined ? env.trafficRps : Number(values.rps);
    if (rps !== undefined && !(rps > 0))
      throw new ShopConfigError(`--rps must be a positive number, got ${values.rps}`);
    const dayText = values.day ?? env.trafficDay;
    const dayMs = dayText === undefined ? undefined : parseDuration(dayText);
    if (dayText !== undefined && (dayMs === undefined || dayMs <= 0)) {
      throw new ShopConfigError(`--day must be a duration such as 20m or 1h, got ${dayText}`);
    }
    const basePort = port(values['base-port'], '--base-port') ?? env.basePort;
    options = {
      dataDir: values['data-dir'] ?? env.dataDir,
      agentUrl: values['agent-url'] ?? env.agentUrl,
      basePort,
      adminBasePort: port(values['admin-base-port'], '--admin-base-port') ?? env.adminBasePort,
      database: db,
      pgUrl: env.pgUrl,
      redisUrl: env.redisUrl,
      traffic: values['no-traffic'] || !env.traffic ? false : { rps, dayMs },
      onEvent: (line) => console.log(`[demo] ${line}`),
    };
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    console.error('\n' + USAGE);
    return 2;
  }

  console.log(`[demo] preparing databases in ${options.dataDir} …`);
  const shop = await startShop(options);
  const pad = (s: string, n: number) => s.padEnd(n);
  console.log(
    `[demo] shop running — database ${shop.database}${shop.cache === 'redis' ? ', Redis cache' : ''}, exporting to ${shop.agentUrl}`,
  );
  if (shop.note !== undefined) console.log(`[demo] ${shop.note}`);
  for (const s of shop.services) {
    const spec = SERVICES.find((x) => x.name === s.name)!;
    console.log(
      `  ${pad(s.name, 14)} ${pad(s.url, 24)} admin ${pad(s.adminUrl, 24)} v${pad(s.version, 8)} pid ${s.pid ?? '-'}   ${spec.summary}`,
    );
  }
  if (shop.traffic) {
    console.log(
      `  ${pad('traffic', 14)} ~${shop.traffic.rps} req/s on average, a day every ${formatDuration(shop.traffic.dayMs)} (pid ${shop.traffic.pid ?? '-'})`,
    );
  }
  console.log(`  data           ${shop.dataDir}   (logs in logs/, state ${shop.stateFile})`);
  console.log(`  faults         pnpm demo:fault --list   (audit log ${shop.auditLog})`);

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  console.log('[demo] stopping …');
  await shop.stop();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`[demo] ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
