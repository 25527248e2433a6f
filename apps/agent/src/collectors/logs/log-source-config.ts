/**
 * Configuration of one log source (a set of globs read the same way, under one service identity), as a zod
 * schema the agent's YAML configuration embeds, and its runtime form.
 */
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import type { Attributes } from '@apo/shared/model';
import { z } from 'zod';
import type { LogFormat } from './log-line-parser.ts';

const regexSource = z.string().refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const logSourceSchema = z.strictObject({
  /** Globs of files to tail (Node's fs.glob syntax: `*`, `**`, `{a,b}`, `[…]`). Relative ones are resolved against the working directory. */
  include: z.array(z.string().min(1)).min(1, 'at least one glob'),
  /** Globs of files to leave out, matched against the same (absolute) paths. */
  exclude: z.array(z.string().min(1)).optional(),
  /** `service.name` of the records. */
  service: z.string().min(1),
  /** `service.instance.id`; the host name when absent. */
  instance: z.string().min(1).optional(),
  /** A line matching this starts a record; other lines continue the previous one (stack traces). */
  multilineStart: regexSource.optional(),
  format: z.enum(['auto', 'json', 'text']).optional(),
  /** Extra resource attributes of every record of this source (team, environment, …). */
  attributes: z.record(z.string(), z.string()).optional(),
  /**
   * Where to begin in a file that has no checkpoint. Default: `end` for files present when the source is
   * first configured (do not ingest years of history), `beginning` for files that appear later.
   */
  startAt: z.enum(['beginning', 'end']).optional(),
});

export const logSourcesSchema = z.array(logSourceSchema);

export type LogSourceConfig = z.input<typeof logSourceSchema>;

/** A source ready to use: globs absolute, regex compiled, resource attributes built. */
export interface LogSource {
  index: number;
  /** Stable across restarts while the globs and identity stay the same (kept in the checkpoint file). */
  key: string;
  include: string[];
  exclude: string[];
  service: string;
  instance: string;
  format: LogFormat;
  multilineStart: RegExp | undefined;
  startAt: 'beginning' | 'end' | undefined;
  resourceAttributes: Attributes;
}

export const SERVICE_NAME = 'service.name';
export const SERVICE_INSTANCE_ID = 'service.instance.id';
export const HOST_NAME = 'host.name';

export function resolveLogSources(configs: readonly LogSourceConfig[], hostName: string): LogSource[] {
  return configs.map((input, index) => {
    const config = logSourceSchema.parse(input);
    const absolute = (glob: string): string => (isAbsolute(glob) ? glob : resolve(glob));
    const include = config.include.map(absolute);
    const exclude = (config.exclude ?? []).map(absolute);
    const instance = config.instance ?? hostName;
    const resourceAttributes = Object.create(null) as Attributes;
    for (const [name, value] of Object.entries(config.attributes ?? {})) resourceAttributes[name] = value;
    resourceAttributes[SERVICE_NAME] = config.service;
    resourceAttributes[SERVICE_INSTANCE_ID] = instance;
    resourceAttributes[HOST_NAME] = hostName;
    const key = createHash('sha256')
      .update(JSON.stringify([[...include].sort(), [...exclude].sort(), config.service, instance]))
      .digest('hex')
      .slice(0, 16);
    return {
      index,
      key,
      include,
      exclude,
      service: config.service,
      instance,
      format: config.format ?? 'auto',
      multilineStart: config.multilineStart === undefined ? undefined : new RegExp(config.multilineStart),
      startAt: config.startAt,
      resourceAttributes,
    };
  });
}
