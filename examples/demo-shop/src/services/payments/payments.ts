import { z } from 'zod';
import { HttpError, notFound } from '../../runtime/http-errors.ts';
import type { ServiceDefinition } from '../../runtime/service.ts';
import { input } from '../../runtime/validate.ts';
import { CARDS } from '../seed-data.ts';
import { paymentsSchema } from './schema.ts';

const Charge = z.object({
  orderId: z.string().min(1).max(64),
  userId: z.string().min(1).max(32),
  amountCents: z.number().int().min(1),
  currency: z.enum(['EUR', 'USD', 'GBP']),
  country: z.string().length(2),
  card: z.object({
    number: z.string().regex(/^\d{12,19}$/),
    expMonth: z.number().int().min(1).max(12),
    expYear: z.number().int().min(2024).max(2100),
    cvc: z.string().regex(/^\d{3,4}$/),
  }),
});

/** The card network's answer, as a test-mode payment provider gives it for its documented test cards. */
function networkDecision(number: string): string | undefined {
  if (number === CARDS.declined) return 'card_declined';
  if (number === CARDS.insufficientFunds) return 'insufficient_funds';
  return undefined;
}

export const payments: ServiceDefinition = {
  name: 'payments',
  schema: paymentsSchema,
  retention: ['DELETE FROM refunds WHERE created_at < ?', 'DELETE FROM payments WHERE created_at < ?'],
  routes: (app, { db, log, peers }) => {
    app.post('/charges', async (req, res) => {
      const body = input(Charge, req.body);
      const existing = await db.get<{ id: number }>(
        'SELECT id FROM payments WHERE order_id = ? AND status = ?',
        [body.orderId, 'captured'],
      );
      if (existing !== undefined) {
        res.json({ paymentId: existing.id, status: 'captured', idempotent: true });
        return;
      }
      const bin = body.card.number.slice(0, 6);
      const issuer = await db.get<{ brand: string; issuer_country: string }>(
        'SELECT brand, issuer_country FROM card_bins WHERE bin = ?',
        [bin],
      );
      const risk = await peers.call<{ score: number; decision: string }>('fraud', 'POST', '/assessments', {
        userId: body.userId,
        orderId: body.orderId,
        amountCents: body.amountCents,
        country: body.country,
        cardBin: bin,
      });
      const declined = risk.decision === 'reject' ? 'fraud_suspected' : networkDecision(body.card.number);
      const { id } = (await db.get<{ id: number }>(
        `INSERT INTO payments (order_id, user_id, amount_cents, currency, card_brand, card_last4, status, decline_code, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        [
          body.orderId,
          body.userId,
          body.amountCents,
          body.currency,
          issuer?.brand ?? 'unknown',
          body.card.number.slice(-4),
          declined === undefined ? 'captured' : 'declined',
          declined ?? null,
          Date.now(),
        ],
      ))!;
      if (declined !== undefined) {
        log.warn(
          { orderId: body.orderId, paymentId: id, declineCode: declined, riskScore: risk.score },
          'charge declined',
        );
        throw new HttpError(402, declined, `payment declined: ${declined.replaceAll('_', ' ')}`);
      }
      log.info({ orderId: body.orderId, paymentId: id, amountCents: body.amountCents }, 'charge captured');
      res.status(201).json({ paymentId: id, status: 'captured' });
    });

    app.post('/refunds', async (req, res) => {
      const body = input(
        z.object({
          paymentId: z.number().int().min(1),
          amountCents: z.number().int().min(1),
          reason: z.string().max(200),
        }),
        req.body,
      );
      const payment = await db.get<{ amount_cents: number; status: string }>(
        'SELECT amount_cents, status FROM payments WHERE id = ?',
        [body.paymentId],
      );
      if (payment === undefined) throw notFound(`payment ${body.paymentId}`);
      if (payment.status !== 'captured') {
        throw new HttpError(409, 'not_refundable', `payment ${body.paymentId} is ${payment.status}`);
      }
      if (body.amountCents > payment.amount_cents) {
        throw new HttpError(400, 'bad_request', 'refund exceeds the captured amount');
      }
      const refundId = await db.transaction(async (tx) => {
        const row = await tx.get<{ id: number }>(
          'INSERT INTO refunds (payment_id, amount_cents, reason, created_at) VALUES (?, ?, ?, ?) RETURNING id',
          [body.paymentId, body.amountCents, body.reason, Date.now()],
        );
        await tx.run('UPDATE payments SET status = ? WHERE id = ?', ['refunded', body.paymentId]);
        return row!.id;
      });
      log.info({ paymentId: body.paymentId, refundId, amountCents: body.amountCents }, 'refund issued');
      res.status(201).json({ refundId, paymentId: body.paymentId });
    });
  },
};
