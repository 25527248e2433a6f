import { Gauge, type Registry } from 'prom-client';

/**
 * `apo_job_leader{job}` on `/metrics`: 1 while this server runs the job (always, with embedded storage; with
 * servers sharing one ClickHouse, on the one holding the job's lease), else 0. Summed over the servers it is
 * 1 per job; 0 everywhere for longer than a lease means no server can reach the config store.
 */
export function registerJobMetrics(
  registry: Registry,
  jobs: readonly string[],
  leads: (job: string) => boolean,
): void {
  new Gauge({
    name: 'apo_job_leader',
    help: 'Whether this server runs the background job (1) or another server holds its lease (0).',
    labelNames: ['job'] as const,
    registers: [registry],
    collect() {
      for (const job of jobs) this.set({ job }, leads(job) ? 1 : 0);
    },
  });
}
