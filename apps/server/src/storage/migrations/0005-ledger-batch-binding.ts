/**
 * Binds each stored batch id to its signal and content digest (see tables/ingest-ledger.ts). Rows written
 * before keep both empty and are treated as before: a repeat of their id is acknowledged as a duplicate.
 */
import { ingestLedgerTable } from '../tables/ingest-ledger.ts';
import { onCluster, storedTableName } from '../tables/table-ddl.ts';
import type { Migration } from './migration.ts';

const addColumns =
  'ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String';

export const ledgerBatchBindingMigration: Migration = {
  version: 5,
  name: 'ledger-batch-binding',
  statements: (ctx) => {
    const stored = storedTableName(ingestLedgerTable, ctx);
    // In cluster mode the Distributed table in front of the shards' tables needs the columns too.
    const tables = stored === ingestLedgerTable.name ? [stored] : [stored, ingestLedgerTable.name];
    return tables.map((t) => `ALTER TABLE ${ctx.database}.${t}${onCluster(ctx)} ${addColumns}`);
  },
};
