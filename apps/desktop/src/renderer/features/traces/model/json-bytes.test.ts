import { describe, expect, it } from 'vitest';
import { FAIL, ObjectFields, numberAt, skipValue } from './json-bytes.ts';

const enc = new TextEncoder();

/** What JSON.parse says of a text: accepted or not. */
const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

const VALID = [
  '{}',
  '[]',
  '{"a":1,"b":[true,false,null],"c":{"d":"e"}}',
  '[ 1 , -0 , 0.5 , -12.25e+3 , 4E-2 , 1e9 ]',
  '"plain"',
  '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 ✓"',
  '{ "k" : [ { } , [ ] ] }\n',
  '{"emoji":"😀","cjk":"漢字"}',
];
const INVALID = [
  '{"a":1,}',
  '[1,]',
  '[1 2]',
  '{"a" 1}',
  '{a:1}',
  "{'a':1}",
  '"raw\ttab"',
  '"raw\nnewline"',
  '"bad \\x escape"',
  '"bad \\u12G4"',
  '01',
  '1.',
  '.5',
  '-',
  '1e',
  '+1',
  'tru',
  'nul',
  'True',
  '{"a":1',
  '[',
  '"open',
  'NaN',
];

describe('JSON from bytes', () => {
  it('accepts exactly what JSON.parse accepts (whole value, nothing left over)', () => {
    for (const text of [...VALID, ...INVALID]) {
      const b = enc.encode(text);
      const trimmed = text.trimEnd();
      const end = skipValue(b, 0, b.length);
      const accepted = end === enc.encode(trimmed).length;
      expect([text, accepted]).toEqual([text, parses(text)]);
    }
    expect(INVALID.filter(parses)).toEqual([]);
  });

  it('fails (rather than reading past) a value cut off by the end of the range', () => {
    const b = enc.encode('{"a":[1,2,{"b":"cd"}]} trailing');
    expect(skipValue(b, 0, b.length)).toBe(22);
    for (let end = 0; end < 22; end++) expect([end, skipValue(b, 0, end)]).toEqual([end, FAIL]);
  });

  it('finds the chosen keys of an object, the last of a repeated key, and which values are plain text', () => {
    const f = new ObjectFields(['name', 'n', 'obj']);
    const text = '{"skip":{"name":"inner"},"name":"first","n":17,"name":"caf\\u00e9","obj":{"x":[1]}}';
    const b = enc.encode(text);
    expect(f.read(b, 0, b.length)).toBe(b.length);
    const at = (k: number) => text.slice(f.from[k], f.to[k]);
    expect([at(0), at(1), at(2)]).toEqual(['"caf\\u00e9"', '17', '{"x":[1]}']);
    expect([...f.plain]).toEqual([0, 0, 0]);
    expect(f.read(enc.encode('{"name":"plain"}'), 0, 16)).toBe(16);
    expect(f.plain[0]).toBe(1);
    expect(f.from[1]).toBe(FAIL);
    // An escaped key is left to JSON.parse.
    expect(f.read(enc.encode('{"n\\u0061me":1}'), 0, 15)).toBe(FAIL);
  });

  it('reads numbers exactly as JSON.parse does', () => {
    for (const text of [
      '0',
      '-0',
      '1765000012345678',
      '9007199254740993',
      '12345678901234567890',
      '1.5e3',
      '-2.25',
    ]) {
      const b = enc.encode(text);
      expect(Object.is(numberAt(b, 0, b.length), JSON.parse(text))).toBe(true);
    }
  });
});
