/**
 * Test support: exact equality of model values. Vitest's toStrictEqual reads `a.constructor` to compare
 * types, which on a null-prototype attribute map is an attribute (a key named "constructor"), so model
 * values are compared here instead: same prototypes, same own keys, numbers by Object.is (-0 and NaN
 * matter), bigints, bytes and undefined-valued properties included.
 */

/** The path of the first difference between `actual` and `expected`, or undefined when they are equal. */
function firstDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (typeof expected !== 'object' || expected === null || typeof actual !== 'object' || actual === null) {
    if (typeof actual === 'number' && typeof expected === 'number')
      return Object.is(actual, expected) ? undefined : `${path}: ${actual} ≠ ${expected}`;
    return actual === expected ? undefined : `${path}: ${describe(actual)} ≠ ${describe(expected)}`;
  }
  if (Object.getPrototypeOf(actual) !== Object.getPrototypeOf(expected))
    return `${path}: different prototypes`;
  if (expected instanceof Uint8Array) {
    const bytes = actual as Uint8Array;
    if (bytes.length !== expected.length) return `${path}: ${bytes.length} bytes ≠ ${expected.length} bytes`;
    for (let i = 0; i < bytes.length; i++)
      if (bytes[i] !== expected[i]) return `${path}[${i}]: ${bytes[i]} ≠ ${expected[i]}`;
    return undefined;
  }
  const actualKeys = Object.keys(actual);
  const expectedKeys = Object.keys(expected);
  if (actualKeys.length !== expectedKeys.length || actualKeys.some((k) => !Object.hasOwn(expected, k))) {
    return `${path}: keys [${actualKeys.join(', ')}] ≠ [${expectedKeys.join(', ')}]`;
  }
  for (const key of expectedKeys) {
    const difference = firstDifference(
      (actual as Record<string, unknown>)[key],
      (expected as Record<string, unknown>)[key],
      `${path}.${key}`,
    );
    if (difference !== undefined) return difference;
  }
  return undefined;
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** Throws (with the path of the first difference) unless `actual` equals `expected` exactly. */
export function assertModelEqual(actual: unknown, expected: unknown): void {
  const difference = firstDifference(actual, expected);
  if (difference !== undefined) throw new Error(`model values differ at ${difference}`);
}
