import { describe, expect, it } from 'vitest';
import { attributeText, attributesToText, bytesToBase64 } from './attribute-text.ts';
import type { Attributes } from './telemetry.ts';

const attrs = (entries: Record<string, Attributes[string]>): Attributes =>
  Object.assign(Object.create(null) as Attributes, entries);

describe('attributeText', () => {
  it('keeps strings as they are and renders scalars with String()', () => {
    expect(attributeText('GET /users')).toBe('GET /users');
    expect(attributeText('')).toBe('');
    expect(attributeText(200n)).toBe('200');
    expect(attributeText(12345678901234567890n)).toBe('12345678901234567890');
    expect(attributeText(1.5)).toBe('1.5');
    expect(attributeText(1)).toBe('1');
    expect(attributeText(Number.NaN)).toBe('NaN');
    expect(attributeText(true)).toBe('true');
    expect(attributeText(false)).toBe('false');
  });

  it('renders an empty value as the empty string', () => {
    expect(attributeText(null)).toBe('');
  });

  it('renders bytes as standard padded base64', () => {
    const cases: [number[], string][] = [
      [[], ''],
      [[0x66], 'Zg=='],
      [[0x66, 0x6f], 'Zm8='],
      [[0x66, 0x6f, 0x6f], 'Zm9v'],
      [[0x66, 0x6f, 0x6f, 0x62, 0x61, 0x72], 'Zm9vYmFy'],
      [[0xff, 0xfe, 0x00, 0x80], '//4AgA=='],
    ];
    for (const [bytes, b64] of cases) expect(attributeText(new Uint8Array(bytes))).toBe(b64);
    // Round trip through an independent decoder, for every byte value and every tail length.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const decode = (b64: string): number[] => {
      const bits = Array.from(b64.replace(/=+$/, ''), (c) =>
        alphabet.indexOf(c).toString(2).padStart(6, '0'),
      ).join('');
      return Array.from({ length: Math.floor(bits.length / 8) }, (_, i) =>
        parseInt(bits.slice(i * 8, i * 8 + 8), 2),
      );
    };
    for (const length of [256, 257, 258]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 73 + 11) & 255);
      const b64 = bytesToBase64(bytes);
      expect(b64.length % 4).toBe(0);
      expect(decode(b64)).toEqual([...bytes]);
    }
  });

  it('renders arrays and key-value lists as JSON with the same rules nested', () => {
    expect(attributeText(['a', 1n, 2.5, true, null])).toBe('["a",1,2.5,true,null]');
    expect(attributeText([])).toBe('[]');
    expect(attributeText(attrs({}))).toBe('{}');
    expect(
      attributeText(attrs({ k: 'v', n: 9007199254740993n, bytes: new Uint8Array([1, 2, 3]), inf: Infinity })),
    ).toBe('{"k":"v","n":9007199254740993,"bytes":"AQID","inf":"Infinity"}');
    expect(attributeText([attrs({ nested: ['x', attrs({ deep: false })] })])).toBe(
      '[{"nested":["x",{"deep":false}]}]',
    );
  });

  it('escapes strings inside JSON and keeps keys such as __proto__ as data', () => {
    const value = attrs({ ['__proto__']: 'p', 'quote"key': 'line\nbreak' });
    const text = attributeText(value);
    expect(text).toBe('{"__proto__":"p","quote\\"key":"line\\nbreak"}');
    expect(JSON.parse(text)).toEqual(JSON.parse('{"__proto__":"p","quote\\"key":"line\\nbreak"}'));
  });
});

describe('attributesToText', () => {
  it('lists every attribute as [key, text] in insertion order', () => {
    expect(
      attributesToText(attrs({ 'http.route': '/a', 'http.status_code': 200n, ok: true, list: ['x'] })),
    ).toEqual([
      ['http.route', '/a'],
      ['http.status_code', '200'],
      ['ok', 'true'],
      ['list', '["x"]'],
    ]);
    expect(attributesToText(attrs({}))).toEqual([]);
  });
});
