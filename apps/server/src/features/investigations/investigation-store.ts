import type { Kysely } from 'kysely';
import type { FeedbackVerdict, HypothesisKind } from '@apo/shared/console';
import { newId } from '../../auth/secrets.ts';
import type { ConfigSchema } from '../../config-store/schema.ts';

export interface FeedbackInput {
  investigationId: string;
  kind: HypothesisKind;
  service: string;
  target?: string | undefined;
  confidence: number;
  verdict: FeedbackVerdict;
  note?: string | undefined;
}

export interface FeedbackRecord extends FeedbackInput {
  id: string;
  createdBy: string;
  createdAt: number;
}

/** Most verdicts one investigation keeps (a user changing their mind appends; the latest counts). */
const MAX_PER_INVESTIGATION = 200;

/**
 * Users' verdicts on hypotheses (confirm / reject), in the config store: few, small, and wanted later to
 * tune the engine's weights against what on-call engineers found to be true.
 */
export class InvestigationStore {
  readonly #db: Kysely<ConfigSchema>;

  constructor(db: Kysely<ConfigSchema>) {
    this.#db = db;
  }

  async addFeedback(input: FeedbackInput, createdBy: string): Promise<FeedbackRecord> {
    const row = {
      id: newId(),
      investigation_id: input.investigationId,
      kind: input.kind,
      service: input.service,
      target: input.target ?? '',
      confidence: input.confidence,
      verdict: input.verdict,
      note: input.note ?? '',
      created_by: createdBy,
      created_at: Date.now(),
    };
    await this.#db.insertInto('investigation_feedback').values(row).execute();
    return { ...input, id: row.id, createdBy, createdAt: row.created_at };
  }

  /** The verdicts of one investigation, oldest first. */
  async feedback(investigationId: string): Promise<FeedbackRecord[]> {
    const rows = await this.#db
      .selectFrom('investigation_feedback')
      .selectAll()
      .where('investigation_id', '=', investigationId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(MAX_PER_INVESTIGATION)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      investigationId: r.investigation_id,
      kind: r.kind,
      service: r.service,
      target: r.target === '' ? undefined : r.target,
      confidence: r.confidence,
      verdict: r.verdict,
      note: r.note,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }
}
