import type { z } from 'zod';
import { badRequest } from './http-errors.ts';

/** Parses a request's query or body; a mismatch is a 400 naming the field. */
export function input<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw badRequest(`${issue?.path.join('.') || 'input'}: ${issue?.message ?? 'invalid'}`);
  }
  return result.data;
}
