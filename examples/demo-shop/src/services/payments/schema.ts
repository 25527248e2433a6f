import { idColumn, insertMany } from '../../db/database.ts';
import type { ServiceSchema } from '../../db/migrate.ts';

export const paymentsSchema: ServiceSchema = {
  tables: ['card_bins', 'payments', 'refunds'],
  ddl: (dialect) => [
    'CREATE TABLE IF NOT EXISTS card_bins (bin TEXT PRIMARY KEY, brand TEXT NOT NULL, issuer_country TEXT NOT NULL)',
    `CREATE TABLE IF NOT EXISTS payments (
       id ${idColumn(dialect)}, order_id TEXT NOT NULL, user_id TEXT NOT NULL, amount_cents INTEGER NOT NULL,
       currency TEXT NOT NULL, card_brand TEXT NOT NULL, card_last4 TEXT NOT NULL, status TEXT NOT NULL,
       decline_code TEXT, created_at BIGINT NOT NULL)`,
    'CREATE INDEX IF NOT EXISTS payments_order ON payments (order_id)',
    `CREATE TABLE IF NOT EXISTS refunds (
       id ${idColumn(dialect)}, payment_id BIGINT NOT NULL, amount_cents INTEGER NOT NULL, reason TEXT NOT NULL,
       created_at BIGINT NOT NULL)`,
  ],
  seed: async (db) => {
    await insertMany(
      db,
      'card_bins',
      ['bin', 'brand', 'issuer_country'],
      [
        ['424242', 'visa', 'US'],
        ['400000', 'visa', 'US'],
        ['400005', 'visa', 'US'],
        ['555555', 'mastercard', 'US'],
        ['378282', 'amex', 'US'],
        ['411111', 'visa', 'NL'],
        ['520082', 'mastercard', 'DE'],
      ],
    );
  },
};
