/**
 * Storage configuration: which engine, where, and how long each kind of data is kept. The app's
 * env.ts builds the raw object; this schema validates it and fills the defaults. Database and
 * cluster names end up as identifiers in DDL, so they are allow-listed to plain identifiers here.
 */
import { z } from 'zod';
import type { Retention } from './tables/table-def.ts';

const identifier = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]*$/,
    'must be a plain identifier (letters, digits, underscore; not starting with a digit)',
  );
const days = z.number().int().positive().max(36_500);

/** The RED rollups' retention floor: a week-over-week comparison of the last four weeks needs 35 days. */
export const RED_MIN_RETENTION_DAYS = 35;
export const RED_MIN_DAYS_MESSAGE = `RED rollups are kept at least ${RED_MIN_RETENTION_DAYS} days, so day-over-day and week-over-week comparisons always have data`;

const storageConfigSchema = z
  .object({
    /** `embedded` = chDB in this process; `remote` = a ClickHouse server or cluster over HTTP(S). */
    engine: z.enum(['embedded', 'remote']).default('embedded'),
    /** The chDB data directory (embedded only). */
    dataDir: z.string().default(''),
    url: z.url().optional(),
    user: z.string().optional(),
    password: z.string().optional(),
    database: identifier.default('apo'),
    /** A ClickHouse cluster name (remote only): replicated local tables plus Distributed tables. */
    cluster: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, 'must be a ClickHouse cluster name (letters, digits, _ . -)')
      .optional(),
    ttlDays: z
      .object({
        spans: days.default(7),
        logs: days.default(7),
        metrics: days.default(30),
        events: days.default(90),
        /** RED rollups: week-over-week needs last week's data whatever the spans' TTL. */
        red: days.min(35, RED_MIN_DAYS_MESSAGE).default(40),
      })
      .prefault({}),
    /** How long a stored batch id is remembered: longer than any sender keeps retrying a batch. */
    ledgerRetentionHours: z
      .number()
      .int()
      .positive()
      .max(24 * 365)
      .default(24),
  })
  .superRefine((c, ctx) => {
    if (c.engine === 'embedded' && c.dataDir === '') {
      ctx.addIssue({
        code: 'custom',
        path: ['dataDir'],
        message: 'the embedded engine needs a data directory',
      });
    }
    if (c.engine === 'remote' && c.url === undefined) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'the remote engine needs a ClickHouse URL' });
    }
    if (c.engine === 'embedded' && c.cluster !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['cluster'],
        message: 'a cluster needs the remote engine (chDB is a single node)',
      });
    }
  });

export type StorageConfig = z.output<typeof storageConfigSchema>;
export type StorageConfigInput = z.input<typeof storageConfigSchema>;

/** Validate and fill defaults; throws a ZodError naming the bad field. */
export function parseStorageConfig(input: StorageConfigInput): StorageConfig {
  return storageConfigSchema.parse(input);
}

export function retentionOf(config: StorageConfig): Retention {
  return { ...config.ttlDays, ledgerHours: config.ledgerRetentionHours };
}
