/**
 * A small SQL "head" parser for DB call metrics: the statement's operation (SELECT, INSERT, …) and its
 * main table, from db.query.text / db.statement. It reads only as far as it needs, never throws, and
 * returns undefined when the text does not start like a SQL statement (MongoDB JSON, binary noise).
 *
 * What it understands: comments (-- and block), string literals ('' escapes), quoted identifiers ("…",
 * `…`, […]), dollar-quoted strings, schema-qualified names, CTEs (WITH [RECURSIVE] … the main statement;
 * a table that names a CTE is resolved to the table the CTE reads), parenthesised statements, subqueries
 * in FROM, and the first statement only. The table is the first one after the main statement's FROM
 * (SELECT), after INTO (INSERT, REPLACE, UPSERT, MERGE), after UPDATE / DELETE [FROM] / TRUNCATE
 * [TABLE], after TABLE (CREATE, DROP, ALTER), or the procedure name (CALL, EXEC). Any other statement
 * yields its first keyword with an empty table. Names keep their spelling, without quotes.
 */

export interface SqlHead {
  /** Upper case, e.g. SELECT. */
  operation: string;
  /** '' when the statement names no table (SELECT 1, BEGIN, …). */
  table: string;
}

/**
 * Statements are read up to MAX_CHARS: the head is near the start, and a cap keeps the cost bounded. A
 * first pass reads FIRST_PASS_CHARS (tokens are never cut there), which settles INSERT, UPDATE, DELETE and
 * most SELECTs of a multi-kilobyte bulk statement; only an unsettled head is read again, further.
 */
const FIRST_PASS_CHARS = 512;
const MAX_CHARS = 8192;
const MAX_TOKENS = 2048;

const T = { Word: 0, Quoted: 1, Literal: 2, Open: 3, Close: 4, Dot: 5, Comma: 6, Other: 7 } as const;
type TokenKind = (typeof T)[keyof typeof T];

interface Tokens {
  kind: TokenKind[];
  /** Words: as written; quoted identifiers: unquoted; others: ''. */
  text: string[];
  /** Words: upper case (keywords are compared this way); others: ''. */
  upper: string[];
  /** Parenthesis depth; a parenthesis itself has the depth outside it. */
  depth: number[];
  /** True when the first statement goes on beyond the tokens read. */
  truncated: boolean;
}

function isWordStart(c: number): boolean {
  // A-Z a-z _ # (temp tables) @ (variables) and anything non-ASCII (unicode identifiers).
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 35 || c === 64 || c >= 128;
}

function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= 48 && c <= 57) || c === 36;
}

/** Index after the closing `quote` of a quoted run starting at `start` (the opening quote); doubled quotes escape. */
function skipQuoted(s: string, start: number, end: number, quote: number): number {
  let i = start + 1;
  while (i < end) {
    if (s.charCodeAt(i) === quote) {
      if (s.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return end;
}

/**
 * Tokens up to `softLimit` characters, and beyond it until a token that cannot continue a name (so a
 * qualified name is never cut: `FROM shop.` + `orders`), up to MAX_CHARS.
 */
function lex(s: string, softLimit: number): Tokens {
  const out: Tokens = { kind: [], text: [], upper: [], depth: [], truncated: false };
  const end = Math.min(s.length, MAX_CHARS);
  const stop = Math.min(end, softLimit);
  let depth = 0;
  let i = 0;
  const push = (kind: TokenKind, text: string, d: number): void => {
    out.kind.push(kind);
    out.text.push(text);
    out.upper.push(kind === T.Word ? text.toUpperCase() : '');
    out.depth.push(d);
  };
  while (i < end && out.kind.length < MAX_TOKENS) {
    if (i >= stop) {
      const last = out.kind[out.kind.length - 1];
      if (last !== T.Word && last !== T.Quoted && last !== T.Dot) break;
    }
    const c = s.charCodeAt(i);
    if (c === 32 || (c >= 9 && c <= 13)) {
      i++;
    } else if (c === 45 && s.charCodeAt(i + 1) === 45) {
      const nl = s.indexOf('\n', i + 2);
      i = nl < 0 ? end : nl + 1;
    } else if (c === 47 && s.charCodeAt(i + 1) === 42) {
      const close = s.indexOf('*/', i + 2);
      i = close < 0 ? end : close + 2;
    } else if (isWordStart(c)) {
      const start = i;
      while (i < end && isWordPart(s.charCodeAt(i))) i++;
      push(T.Word, s.slice(start, i), depth);
    } else if (c === 34 || c === 96) {
      const next = skipQuoted(s, i, end, c);
      const q = String.fromCharCode(c);
      push(T.Quoted, s.slice(i + 1, next - 1).replaceAll(q + q, q), depth);
      i = next;
    } else if (c === 91) {
      const close = s.indexOf(']', i + 1);
      const next = close < 0 || close >= end ? end : close + 1;
      push(T.Quoted, s.slice(i + 1, next - 1), depth);
      i = next;
    } else if (c === 39) {
      i = skipQuoted(s, i, end, 39);
      push(T.Literal, '', depth);
    } else if (c === 36 && i + 1 < end && !(s.charCodeAt(i + 1) >= 48 && s.charCodeAt(i + 1) <= 57)) {
      // $tag$ … $tag$ (PostgreSQL); `$1` placeholders and stray dollars are Other.
      let tagEnd = i + 1;
      while (tagEnd < end && isWordPart(s.charCodeAt(tagEnd)) && s.charCodeAt(tagEnd) !== 36) tagEnd++;
      if (s.charCodeAt(tagEnd) === 36) {
        const tag = s.slice(i, tagEnd + 1);
        const close = s.indexOf(tag, tagEnd + 1);
        i = close < 0 ? end : close + tag.length;
        push(T.Literal, '', depth);
      } else {
        i++;
        push(T.Other, '', depth);
      }
    } else if (c === 40) {
      push(T.Open, '', depth++);
      i++;
    } else if (c === 41) {
      depth = Math.max(0, depth - 1);
      push(T.Close, '', depth);
      i++;
    } else if (c === 59 && depth === 0) {
      return out; // the first statement only
    } else {
      push(c === 46 ? T.Dot : c === 44 ? T.Comma : T.Other, '', depth);
      i++;
    }
  }
  out.truncated = i < s.length;
  return out;
}

/** Index of the token closing the parenthesis opened at `open`, or -1. */
function matchingClose(t: Tokens, open: number): number {
  const d = t.depth[open]!;
  for (let k = open + 1; k < t.kind.length; k++) if (t.kind[k] === T.Close && t.depth[k] === d) return k;
  return -1;
}

/** First keyword `word` at `depth` from `from` on, stopping where the enclosing parenthesis closes. */
function findKeyword(t: Tokens, from: number, depth: number, word: string): number {
  for (let k = from; k < t.kind.length; k++) {
    const d = t.depth[k]!;
    if (d < depth) return -1;
    if (d === depth && t.upper[k] === word) return k;
  }
  return -1;
}

function skipWords(t: Tokens, from: number, words: ReadonlySet<string>): number {
  let k = from;
  while (k < t.kind.length && t.kind[k] === T.Word && words.has(t.upper[k]!)) k++;
  return k;
}

const isName = (t: Tokens, k: number): boolean => t.kind[k] === T.Word || t.kind[k] === T.Quoted;

/** A possibly qualified name at `k` (`a`, `"a"."b"`, `[dbo].[t]`), joined with dots; '' when there is none. */
function readName(t: Tokens, k: number): { name: string; bare: boolean } {
  if (!isName(t, k) || RESERVED.has(t.upper[k]!)) return { name: '', bare: false };
  let name = t.text[k]!;
  let bare = true;
  while (t.kind[k + 1] === T.Dot && isName(t, k + 2)) {
    k += 2;
    name += `.${t.text[k]!}`;
    bare = false;
  }
  return { name, bare };
}

/** Words that cannot be a table name where one is expected (so `SELECT … FROM (` or `INTO SELECT` give ''). */
const RESERVED = new Set(['SELECT', 'WITH', 'VALUES', 'SET', 'WHERE', 'DEFAULT', 'USING', 'ON', 'AS']);
const INSERT_SKIP = new Set([
  'INTO',
  'IGNORE',
  'LOW_PRIORITY',
  'HIGH_PRIORITY',
  'DELAYED',
  'OR',
  'REPLACE',
  'ROLLBACK',
  'ABORT',
  'FAIL',
  'OVERWRITE',
  'TABLE',
]);
const UPDATE_SKIP = new Set(['ONLY', 'LOW_PRIORITY', 'IGNORE', 'OR', 'ROLLBACK', 'ABORT', 'REPLACE', 'FAIL']);
const DELETE_SKIP = new Set(['LOW_PRIORITY', 'QUICK', 'IGNORE', 'FROM', 'ONLY']);
const TABLE_SKIP = new Set(['IF', 'NOT', 'EXISTS', 'ONLY', 'TABLE']);
const FROM_SKIP = new Set(['ONLY', 'LATERAL']);
const CTE_SKIP = new Set(['NOT', 'MATERIALIZED']);

interface Context {
  t: Tokens;
  /** CTE name (lower case) → index of the first token of its body. */
  ctes: Map<string, number>;
  /** CTEs resolved so far, so a recursive CTE cannot loop. */
  hops: number;
}

/** The table of the statement whose operation keyword is at `k`. */
function tableOf(c: Context, k: number): string {
  const { t } = c;
  switch (t.upper[k]) {
    case 'SELECT': {
      const from = findKeyword(t, k + 1, t.depth[k]!, 'FROM');
      return from < 0 ? '' : fromTarget(c, skipWords(t, from + 1, FROM_SKIP));
    }
    case 'INSERT':
    case 'REPLACE':
    case 'UPSERT':
    case 'MERGE':
      return readName(t, skipWords(t, k + 1, INSERT_SKIP)).name;
    case 'UPDATE':
      return readName(t, skipWords(t, k + 1, UPDATE_SKIP)).name;
    case 'DELETE':
      return readName(t, skipWords(t, k + 1, DELETE_SKIP)).name;
    case 'TRUNCATE':
      return readName(t, skipWords(t, k + 1, TABLE_SKIP)).name;
    case 'CREATE':
    case 'DROP':
    case 'ALTER': {
      // CREATE [OR REPLACE] [TEMPORARY | UNLOGGED | …] TABLE [IF NOT EXISTS] name
      for (let j = k + 1; j < Math.min(k + 6, t.kind.length); j++)
        if (t.upper[j] === 'TABLE') return readName(t, skipWords(t, j + 1, TABLE_SKIP)).name;
      return '';
    }
    case 'CALL':
    case 'EXEC':
    case 'EXECUTE':
      return readName(t, k + 1).name;
    default:
      return '';
  }
}

/** The table a FROM clause starting at `k` reads: a name, a CTE's own table, or a subquery's table. */
function fromTarget(c: Context, k: number): string {
  const { t } = c;
  if (t.kind[k] === T.Open) {
    let inner = k + 1;
    while (t.kind[inner] === T.Open) inner++;
    return t.upper[inner] === 'SELECT' ? tableOf(c, inner) : '';
  }
  const { name, bare } = readName(t, k);
  const cteBody = bare ? c.ctes.get(name.toLowerCase()) : undefined;
  if (cteBody === undefined || c.hops >= 4) return name;
  c.hops++;
  let body = cteBody;
  while (t.kind[body] === T.Open) body++;
  return tableOf(c, body);
}

/** Reads `name [(cols)] AS [NOT MATERIALIZED] ( body ) [, …]` after WITH; returns the main statement's index. */
function readCtes(c: Context, from: number): number {
  const { t } = c;
  let k = t.upper[from] === 'RECURSIVE' ? from + 1 : from;
  for (;;) {
    if (!isName(t, k)) return -1;
    const name = t.text[k]!.toLowerCase();
    k++;
    if (t.kind[k] === T.Open) k = matchingClose(t, k) + 1;
    if (k <= 0 || t.upper[k] !== 'AS') return -1;
    k = skipWords(t, k + 1, CTE_SKIP);
    if (t.kind[k] !== T.Open) return -1;
    const close = matchingClose(t, k);
    if (close < 0) return -1;
    c.ctes.set(name, k + 1);
    k = close + 1;
    if (t.kind[k] !== T.Comma) return k;
    k++;
  }
}

const OPERATION = /^[A-Z][A-Z_]{0,31}$/;

/** Operation and main table of a SQL statement, or undefined when the text does not start like SQL. */
export function parseSqlHead(statement: string): SqlHead | undefined {
  const first = parseTokens(lex(statement, FIRST_PASS_CHARS));
  if (first.settled) return first.head;
  return parseTokens(lex(statement, MAX_CHARS)).head;
}

function parseTokens(t: Tokens): { head: SqlHead | undefined; settled: boolean } {
  const head = parseHead(t);
  return { head, settled: !t.truncated || (head !== undefined && head.table !== '') };
}

function parseHead(t: Tokens): SqlHead | undefined {
  const c: Context = { t, ctes: new Map(), hops: 0 };
  let k = 0;
  while (t.kind[k] === T.Open) k++;
  if (t.upper[k] === 'WITH') {
    k = readCtes(c, k + 1);
    if (k < 0) return undefined;
    while (t.kind[k] === T.Open) k++;
  }
  const operation = t.upper[k];
  if (t.kind[k] !== T.Word || operation === undefined || !OPERATION.test(operation)) return undefined;
  return { operation, table: tableOf(c, k) };
}
