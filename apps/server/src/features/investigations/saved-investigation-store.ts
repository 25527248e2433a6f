import type { Kysely } from 'kysely';
import type { SavedInvestigation, SavedInvestigationSummary } from '@apo/shared/console';
import { newId } from '../../auth/secrets.ts';
import type { ConfigSchema } from '../../config-store/schema.ts';
import { BadRequestError, NotFoundError } from '../domain-errors.ts';
import { savedBodySchema, type SavedBody } from './saved-investigation-schema.ts';

/**
 * One saved investigation's JSON at most, under the server's 1 MiB request body limit (app.ts) so the limit
 * met is this one, with its clear message. Series are per minute: a few hours with ten hypotheses fit.
 */
export const MAX_SAVED_BYTES = 900 * 1024;
/** The list shows the latest this many. */
const MAX_LISTED = 200;

export interface SaveInput extends SavedBody {
  title: string;
}

/** Who asks: their owner scope (settingsScope), their name for `created_by`, and whether they are admin. */
export interface SavedBy {
  owner: string;
  name: string;
  admin: boolean;
}

type Row = ConfigSchema['saved_investigations'];

function headlineOf(body: SavedBody): string {
  const top = body.result.hypotheses[0];
  return top === undefined ? '' : `${top.kind} in ${top.service} (${top.confidence.toFixed(2)})`;
}

function summaryOf(row: Omit<Row, 'body'>, by: SavedBy): SavedInvestigationSummary {
  return {
    id: row.id,
    title: row.title,
    from: row.from_ms,
    to: row.to_ms,
    service: row.service === '' ? null : row.service,
    endpoint: row.endpoint === '' ? null : row.endpoint,
    headline: row.headline === '' ? null : row.headline,
    createdBy: row.created_by,
    createdAt: row.created_at,
    removable: by.admin || row.owner === by.owner,
  };
}

const kib = (bytes: number) => `${Math.ceil(bytes / 1024)} KiB`;

/**
 * Saved investigations in the config store: the result as the console showed it (hypotheses with their
 * evidence data), the user's verdicts and notes, so a later reader sees the same thing without re-running —
 * the telemetry may have aged out by then. Everyone signed in may read them; the owner or an admin removes.
 */
export class SavedInvestigationStore {
  readonly #db: Kysely<ConfigSchema>;

  constructor(db: Kysely<ConfigSchema>) {
    this.#db = db;
  }

  async save(input: SaveInput, by: SavedBy): Promise<SavedInvestigationSummary> {
    const body: SavedBody = { result: input.result, verdicts: input.verdicts, notes: input.notes };
    const json = JSON.stringify(body);
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > MAX_SAVED_BYTES)
      throw new BadRequestError(
        `an investigation is saved up to ${kib(MAX_SAVED_BYTES)}; this one is ${kib(bytes)} — narrow its time range`,
      );
    const row: Row = {
      id: newId(),
      title: input.title,
      owner: by.owner,
      created_by: by.name,
      created_at: Date.now(),
      from_ms: input.result.from,
      to_ms: input.result.to,
      service: input.result.service ?? '',
      endpoint: input.result.endpoint ?? '',
      headline: headlineOf(body),
      body: json,
    };
    await this.#db.insertInto('saved_investigations').values(row).execute();
    return summaryOf(row, by);
  }

  /** The latest saved investigations, newest first. */
  async list(by: SavedBy): Promise<SavedInvestigationSummary[]> {
    const rows = await this.#db
      .selectFrom('saved_investigations')
      .select([
        'id',
        'title',
        'owner',
        'created_by',
        'created_at',
        'from_ms',
        'to_ms',
        'service',
        'endpoint',
        'headline',
      ])
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(MAX_LISTED)
      .execute();
    return rows.map((r) => summaryOf(r, by));
  }

  async get(id: string, by: SavedBy): Promise<SavedInvestigation> {
    const row = await this.#db
      .selectFrom('saved_investigations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`no saved investigation ${id}`);
    const body = savedBodySchema.parse(JSON.parse(row.body));
    return { ...summaryOf(row, by), ...body };
  }

  /** Removes one; `forbidden` when the caller is neither its owner nor an admin. */
  async remove(id: string, by: SavedBy): Promise<'removed' | 'forbidden'> {
    const row = await this.#db
      .selectFrom('saved_investigations')
      .select(['owner'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError(`no saved investigation ${id}`);
    if (!by.admin && row.owner !== by.owner) return 'forbidden';
    await this.#db.deleteFrom('saved_investigations').where('id', '=', id).execute();
    return 'removed';
  }
}
