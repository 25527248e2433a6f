/**
 * Just enough SQL reading to name a database span the way the semantic conventions ask
 * (`{operation} {collection}`, e.g. `SELECT orders`) and to strip literal values from statements that
 * carry no parameters. It is a tokenizer plus a few rules per statement kind, not a parser: anything it
 * does not recognise yields fewer attributes, never an error.
 */

const TokenKind = {
  Word: 'word',
  /** A quoted identifier: "name", `name` or [name]. */
  Quoted: 'quoted',
  String: 'string',
  Number: 'number',
  Blob: 'blob',
  Punct: 'punct',
  /** `?`, `?1`, `:name`, `@name`, `$name`: a parameter placeholder. */
  Param: 'param',
} as const;
type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /** Upper-cased for words (keywords compare this); the unquoted name for quoted identifiers. */
  value: string;
  /** Words as written: names keep their case. */
  text: string;
}

const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
const isWordPart = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
const isDigit = (c: string) => c >= '0' && c <= '9';

function closeQuote(sql: string, from: number, quote: string): number {
  // SQL doubles a quote character to escape it ('it''s').
  let i = from;
  for (;;) {
    const next = sql.indexOf(quote, i);
    if (next === -1) return sql.length;
    if (sql[next + 1] === quote && quote !== ']') {
      i = next + 2;
      continue;
    }
    return next + 1;
  }
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    const start = i;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const eol = sql.indexOf('\n', i);
      i = eol === -1 ? sql.length : eol + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      i = close === -1 ? sql.length : close + 2;
    } else if (c === "'") {
      i = closeQuote(sql, i + 1, "'");
      tokens.push({ kind: TokenKind.String, start, end: i, value: '', text: '' });
    } else if ((c === 'x' || c === 'X') && sql[i + 1] === "'") {
      i = closeQuote(sql, i + 2, "'");
      tokens.push({ kind: TokenKind.Blob, start, end: i, value: '', text: '' });
    } else if (c === '"' || c === '`' || c === '[') {
      const quote = c === '[' ? ']' : c;
      i = closeQuote(sql, i + 1, quote);
      const inner = sql.slice(start + 1, Math.max(start + 1, i - 1));
      const name = inner.replaceAll(quote + quote, quote);
      tokens.push({ kind: TokenKind.Quoted, start, end: i, value: name, text: name });
    } else if (isDigit(c) || (c === '.' && isDigit(sql[i + 1] ?? ''))) {
      i++;
      while (i < sql.length && /[0-9A-Za-z_.]/.test(sql[i]!)) {
        // An exponent's sign belongs to the number (1e-5).
        if ((sql[i] === 'e' || sql[i] === 'E') && (sql[i + 1] === '-' || sql[i + 1] === '+')) i++;
        i++;
      }
      tokens.push({ kind: TokenKind.Number, start, end: i, value: '', text: '' });
    } else if (isWordStart(c)) {
      while (i < sql.length && isWordPart(sql[i]!)) i++;
      const text = sql.slice(start, i);
      tokens.push({ kind: TokenKind.Word, start, end: i, value: text.toUpperCase(), text });
    } else if (c === '?' || ((c === ':' || c === '@' || c === '$') && isWordStart(sql[i + 1] ?? ''))) {
      i++;
      while (i < sql.length && isWordPart(sql[i]!)) i++;
      tokens.push({ kind: TokenKind.Param, start, end: i, value: '', text: '' });
    } else {
      i++;
      tokens.push({ kind: TokenKind.Punct, start, end: i, value: c, text: c });
    }
  }
  return tokens;
}

/** Statements split at top-level semicolons, empty ones dropped. */
function statements(tokens: Token[]): Token[][] {
  const result: Token[][] = [];
  let current: Token[] = [];
  let depth = 0;
  for (const token of tokens) {
    if (token.kind === TokenKind.Punct && token.value === '(') depth++;
    if (token.kind === TokenKind.Punct && token.value === ')') depth = Math.max(0, depth - 1);
    if (depth === 0 && token.kind === TokenKind.Punct && token.value === ';') {
      if (current.length > 0) result.push(current);
      current = [];
    } else {
      current.push(token);
    }
  }
  if (current.length > 0) result.push(current);
  return result;
}

const DML = new Set(['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'VALUES']);
const SCHEMA_OBJECTS = new Set(['TABLE', 'INDEX', 'VIEW', 'TRIGGER']);

/** A possibly schema-qualified name starting at `at`: `orders`, `main.orders`, `"my table"`. */
function nameAt(stmt: Token[], at: number): string | undefined {
  const parts: string[] = [];
  let i = at;
  for (;;) {
    const token = stmt[i];
    if (token === undefined) break;
    if (token.kind !== TokenKind.Quoted && token.kind !== TokenKind.Word) break;
    parts.push(token.text);
    const dot = stmt[i + 1];
    if (dot?.kind !== TokenKind.Punct || dot.value !== '.') break;
    i += 2;
  }
  return parts.length > 0 && parts.every((p) => p !== '') ? parts.join('.') : undefined;
}

/** Index of the first top-level word in `words` at or after `from`, or -1. */
function findTopLevel(stmt: Token[], from: number, words: Set<string>): number {
  let depth = 0;
  for (let i = from; i < stmt.length; i++) {
    const token = stmt[i]!;
    if (token.kind === TokenKind.Punct && token.value === '(') depth++;
    else if (token.kind === TokenKind.Punct && token.value === ')') depth--;
    else if (depth === 0 && token.kind === TokenKind.Word && words.has(token.value)) return i;
  }
  return -1;
}

function skipWords(stmt: Token[], at: number, ...words: string[]): number {
  let i = at;
  while (stmt[i]?.kind === TokenKind.Word && words.includes(stmt[i]!.value)) i++;
  return i;
}

/** `IF NOT EXISTS` / `IF EXISTS` after CREATE … / DROP …. */
function skipIfExists(stmt: Token[], at: number): number {
  return stmt[at]?.value === 'IF' ? skipWords(stmt, at + 1, 'NOT', 'EXISTS') : at;
}

interface StatementSummary {
  operation: string | undefined;
  collection: string | undefined;
}

function summarizeStatement(stmt: Token[]): StatementSummary {
  const first = stmt[0];
  if (first?.kind !== TokenKind.Word) return { operation: undefined, collection: undefined };
  let at = 0;
  // WITH cte AS (…) <main statement>: the main statement names the operation.
  if (first.value === 'WITH') {
    const main = findTopLevel(stmt, 1, DML);
    if (main === -1) return { operation: 'WITH', collection: undefined };
    at = main;
  }
  const operation = stmt[at]!.value;
  const collectionAfter = (index: number) => (index === -1 ? undefined : nameAt(stmt, index + 1));
  switch (operation) {
    case 'SELECT':
      return { operation, collection: collectionAfter(findTopLevel(stmt, at + 1, new Set(['FROM']))) };
    case 'DELETE':
      return { operation, collection: collectionAfter(findTopLevel(stmt, at + 1, new Set(['FROM']))) };
    case 'INSERT':
    case 'REPLACE':
      return { operation, collection: collectionAfter(findTopLevel(stmt, at + 1, new Set(['INTO']))) };
    case 'UPDATE': {
      // UPDATE OR IGNORE orders SET …
      const target = stmt[at + 1]?.value === 'OR' ? at + 3 : at + 1;
      return { operation, collection: nameAt(stmt, target) };
    }
    case 'CREATE':
    case 'DROP':
    case 'ALTER': {
      const object = skipWords(stmt, at + 1, 'TEMP', 'TEMPORARY', 'UNIQUE', 'VIRTUAL');
      const kind = stmt[object]?.value ?? '';
      if (!SCHEMA_OBJECTS.has(kind)) return { operation, collection: undefined };
      // CREATE INDEX … ON orders (…): the index is about the table.
      if (kind === 'INDEX' && operation === 'CREATE') {
        return { operation, collection: collectionAfter(findTopLevel(stmt, object + 1, new Set(['ON']))) };
      }
      return {
        operation,
        collection: kind === 'TABLE' ? nameAt(stmt, skipIfExists(stmt, object + 1)) : undefined,
      };
    }
    default:
      return { operation, collection: undefined };
  }
}

export interface SqlSummary {
  /** `SELECT`, `INSERT`, … of the first statement; undefined when the text does not start with a keyword. */
  operation: string | undefined;
  /** The first table the first statement works on, as written (schema prefix kept, quotes removed). */
  collection: string | undefined;
  /** `{operation} {collection}` or just the operation: the span name and `db.query.summary`. */
  summary: string | undefined;
  /** How many statements the text holds (`exec` takes several). */
  statementCount: number;
}

export function summarizeSql(sql: string): SqlSummary {
  const all = statements(tokenize(sql));
  const first = all[0];
  const { operation, collection } =
    first === undefined ? { operation: undefined, collection: undefined } : summarizeStatement(first);
  const summary =
    operation === undefined ? undefined : collection === undefined ? operation : `${operation} ${collection}`;
  return { operation, collection, summary, statementCount: all.length };
}

/**
 * Replaces string, number and blob literals with `?`, so a statement built with values inline (what `exec`
 * runs) can be recorded as `db.query.text` without the values, as the conventions require. Comments stay:
 * they are the developer's, not the data's.
 */
export function sanitizeSqlLiterals(sql: string): string {
  let out = '';
  let last = 0;
  for (const token of tokenize(sql)) {
    if (token.kind !== TokenKind.String && token.kind !== TokenKind.Number && token.kind !== TokenKind.Blob)
      continue;
    out += sql.slice(last, token.start) + '?';
    last = token.end;
  }
  return out + sql.slice(last);
}
