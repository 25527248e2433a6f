import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { isPlainJson, wireTransformer } from './transformer.ts';

describe('wireTransformer', () => {
  it('sends plain JSON as superjson would, without copying it', () => {
    const answer = {
      services: [{ name: 'checkout', p95: 12.5, spark: [1, null, 3], health: { score: 2 }, tags: [] }],
      empty: {},
      ok: true,
    };
    const sent = wireTransformer.serialize(answer) as { json: unknown };
    expect(sent).toEqual(superjson.serialize(answer));
    expect(sent.json).toBe(answer);
    expect(wireTransformer.deserialize(JSON.parse(JSON.stringify(sent)))).toEqual(answer);
  });

  it.each([
    ['a bigint', { startNs: 1_700_000_000_000_000_001n }],
    ['a Date', { at: new Date(1_700_000_000_000) }],
    ['an undefined property', { a: 1, b: undefined }],
    ['NaN', { v: [1, Number.NaN] }],
    ['Infinity', { v: Number.POSITIVE_INFINITY }],
    ['minus zero', { v: -0 }],
    ['a Map', { m: new Map([['a', 1]]) }],
    ['a Set', { s: new Set([1]) }],
  ])('hands %s to superjson, and the value comes back exact', (_name, value) => {
    expect(isPlainJson(value)).toBe(false);
    const sent = wireTransformer.serialize(value) as unknown;
    expect(sent).toEqual(superjson.serialize(value));
    expect(wireTransformer.deserialize(JSON.parse(JSON.stringify(sent)))).toEqual(value);
  });

  it('checks nested values, not only the top level', () => {
    expect(isPlainJson({ a: [{ b: [{ c: 1n }] }] })).toBe(false);
    expect(isPlainJson({ a: [{ b: [{ c: 1 }] }] })).toBe(true);
    expect(isPlainJson(Object.create(null))).toBe(true);
    expect(isPlainJson(new URL('http://apo'))).toBe(false);
  });
});
