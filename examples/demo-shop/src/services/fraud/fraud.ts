import { z } from 'zod';
import type { ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { fraudSchema } from './schema.ts';

const HOUR_MS = 3_600_000;

export const fraud: ServiceDefinition = {
  name: 'fraud',
  schema: fraudSchema,
  retention: ['DELETE FROM assessments WHERE created_at < ?'],
  routes: (app, { db, log }) => {
    app.post('/assessments', async (req, res) => {
      const body = input(
        z.object({
          userId: z.string().min(1).max(32),
          orderId: z.string().min(1).max(64),
          amountCents: z.number().int().min(1),
          country: z.string().length(2),
          cardBin: z.string().regex(/^\d{6}$/),
        }),
        req.body,
      );
      const now = Date.now();
      const velocity = await db.get<{ n: number; total: number }>(
        'SELECT COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS total FROM assessments WHERE user_id = ? AND created_at > ?',
        [body.userId, now - HOUR_MS],
      );
      const rules = await db.all<{ name: string; weight: number }>(
        'SELECT name, weight FROM risk_rules WHERE (country = ? OR country = ?) AND min_amount_cents <= ?',
        ['*', body.country, body.amountCents],
      );
      const recent = velocity?.n ?? 0;
      const score = Math.min(100, rules.reduce((s, r) => s + r.weight, 0) + Math.max(0, recent - 3) * 15);
      const decision = score >= 80 ? 'reject' : score >= 50 ? 'review' : 'approve';
      await db.run(
        `INSERT INTO assessments (user_id, order_id, amount_cents, country, score, decision, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [body.userId, body.orderId, body.amountCents, body.country, score, decision, now],
      );
      if (decision !== 'approve') {
        log.info({ userId: body.userId, score, decision, rules: rules.map((r) => r.name) }, 'risky charge');
      }
      res.json({ score, decision, rules: rules.map((r) => r.name) });
    });
  },
};
