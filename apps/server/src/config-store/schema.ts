import type { HypothesisKind } from '@apo/shared/console';

/**
 * The config store's tables, as Kysely sees them. Times are milliseconds since the epoch (`bigint` columns,
 * read back as numbers on both dialects); flags are 0/1 integers, which both dialects store alike.
 */
export interface ConfigSchema {
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  settings: SettingsTable;
  investigation_feedback: InvestigationFeedbackTable;
  saved_investigations: SavedInvestigationsTable;
  job_leases: JobLeasesTable;
}

export type Role = 'viewer' | 'editor' | 'admin';

export interface UsersTable {
  id: string;
  /** Lower-case; unique. */
  username: string;
  display_name: string;
  /** `scrypt$N,r,p$salt$hash` (auth/passwords.ts). */
  password_hash: string;
  role: Role;
  disabled: number;
  created_at: number;
  updated_at: number;
}

interface SessionsTable {
  /** Public id, for listing and revoking; the token itself is never stored. */
  id: string;
  /** SHA-256 of the session token, hex. */
  token_hash: string;
  user_id: string;
  client: 'browser' | 'desktop';
  address: string;
  user_agent: string;
  created_at: number;
  last_seen_at: number;
  /** The absolute end, whatever the activity. */
  expires_at: number;
  revoked_at: number | null;
}

interface ApiKeysTable {
  id: string;
  name: string;
  /** SHA-256 of the key, hex. */
  key_hash: string;
  /** The key's first characters, so a listed key can be recognised. */
  key_prefix: string;
  role: Role;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
}

interface SettingsTable {
  /** `global`, or `user:<id>` / `api-key:<id>` / `local` / `admin-token` for a caller's own settings. */
  scope: string;
  key: string;
  /** JSON text. */
  value: string;
  updated_at: number;
  updated_by: string;
}

/** A user's verdict on one hypothesis of an investigation (features/investigations/investigation-store.ts). */
interface InvestigationFeedbackTable {
  id: string;
  investigation_id: string;
  kind: HypothesisKind;
  service: string;
  /** '' when the hypothesis has no target. */
  target: string;
  confidence: number;
  verdict: 'confirm' | 'reject';
  note: string;
  created_by: string;
  created_at: number;
}

/** A saved investigation (features/investigations/saved-investigation-store.ts). */
interface SavedInvestigationsTable {
  id: string;
  title: string;
  /** Whose it is: the settings scope of the caller who saved it (`user:<id>`, `local`, …). */
  owner: string;
  created_by: string;
  created_at: number;
  from_ms: number;
  to_ms: number;
  /** '' when the investigation named no service / endpoint. */
  service: string;
  endpoint: string;
  /** '' without hypotheses. */
  headline: string;
  /** JSON: { result, verdicts, notes }. */
  body: string;
}

/** Who runs a background job while several servers share the data (jobs/job-lease.ts). */
interface JobLeasesTable {
  job: string;
  /** The holding server process's id (`<host>:<pid>:<random>`). */
  holder: string;
  /** When the current holder took the lease (kept while it renews). */
  acquired_at: number;
  /** The holder's clock: another server may take the lease from this instant on. */
  expires_at: number;
}
