/**
 * Attributes as the read APIs return them: `[key, value]` pairs in stored order, values as text
 * (attribute-text.ts). A list rather than an object because keys are user data: a key such as `__proto__`,
 * `constructor` or `prototype` must stay data in every hop, and an object with such a key is refused by
 * superjson (the API's serializer) and misread by any code that treats it as a plain object.
 */
export type AttributeList = [key: string, value: string][];

/** The value of `key` in a list, or undefined. Linear: lists are short (the ingest limit is 128 per record). */
export function attributeValue(list: AttributeList, key: string): string | undefined {
  for (const [k, v] of list) if (k === key) return v;
  return undefined;
}
