import { readFileSync } from 'node:fs';
import type { DatabaseConfig } from '../db/database.ts';
import type { ServiceEnv } from '../env.ts';
import { dataPaths, servicePackageJson, type ServiceName } from '../topology.ts';

/** Settings shared by a service and its supervisor (which prepares the database and picks the version). */

/** Exit code asking the supervisor for an immediate restart with the version the fault store says. */
export const EXIT_REDEPLOY = 75;

export function databaseConfig(
  name: ServiceName,
  env: Pick<ServiceEnv, 'database' | 'pgUrl' | 'dataDir'>,
): DatabaseConfig {
  if (env.database === 'postgres' && env.pgUrl !== undefined) {
    return { dialect: 'postgres', url: env.pgUrl, schema: `shop_${name}` };
  }
  return { dialect: 'sqlite', file: dataPaths(env.dataDir).sqliteFile(name) };
}

/** The version in the service's package.json: what it runs unless a bad deploy says otherwise. */
export function baseVersionOf(name: ServiceName): string {
  return (JSON.parse(readFileSync(servicePackageJson(name), 'utf8')) as { version: string }).version;
}
