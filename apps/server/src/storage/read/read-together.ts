/**
 * Several declared reads run as ONE statement. chDB runs parameterized statements one at a time, and each
 * pays a fixed cost (parsing, planning, choosing among a table's projections, the binding's round trip:
 * ~5–10 ms) however little it reads, so a view that needs a few small, independent reads pays it once this
 * way; the engine also runs the parts side by side (UNION ALL branches are separate pipelines).
 *
 * Each part is a declared read (defineQuery) and its FROM… rest, exactly what readRows takes. A part's rows
 * travel as one JSONEachRow text per row (`formatRowNoNewline`, under the same output settings as every
 * read) tagged with the part's index, and are decoded and checked by the part's own declaration. Each part
 * keeps its own parameters: part i's `{name:Type}` is bound as `{p<i>_name:Type}`, so independent reads
 * (another feature's, as the service map joins the overview's) may use the same names.
 */
import type { Storage } from '../open-storage.ts';
import { READ_SETTINGS } from './read-query.ts';
import type { ReadQuery, RowOf, Selection } from './read-query.ts';

/** A declared read and the rest of its statement (FROM onwards), as readRows takes them. */
export interface ReadPart<S extends Selection> {
  readonly query: ReadQuery<S>;
  readonly rest: string;
  readonly params: Record<string, unknown>;
}

/** The columns that tag a part's rows: no part may select columns of these names. */
const PART = 'read_part';
const ROW = 'read_row';

interface Pending {
  readonly part: ReadPart<Selection>;
  readonly raw: unknown[];
  settle(): void;
  fail(err: unknown): void;
}

export interface ReadTogether {
  /** Adds a part; its rows once `run` has read them (the promise rejects if the statement fails). */
  read<S extends Selection>(part: ReadPart<S>): Promise<RowOf<S>[]>;
  /** Runs the parts added so far as one statement (none: no statement). */
  run(): Promise<void>;
}

/**
 * Part `index`'s statement text and parameters, each of its parameter names prefixed with `p<index>_`: only
 * the names it binds are renamed (`{name:` as ClickHouse writes a parameter), nothing else in its SQL.
 */
function namespaced(part: ReadPart<Selection>, index: number) {
  const names = Object.keys(part.params);
  const rename = (sql: string) =>
    names.length === 0
      ? sql
      : sql.replace(new RegExp(`\\{(${names.join('|')}):`, 'g'), (_, name: string) => `{p${index}_${name}:`);
  const params = Object.fromEntries(names.map((name) => [`p${index}_${name}`, part.params[name]]));
  return { select: rename(part.query.select), rest: rename(part.rest), params };
}

const isTagged = (v: unknown): v is { [PART]: number; [ROW]: string } =>
  typeof v === 'object' &&
  v !== null &&
  PART in v &&
  typeof v[PART] === 'number' &&
  ROW in v &&
  typeof v[ROW] === 'string';

export function readTogether(storage: Pick<Storage, 'client'>): ReadTogether {
  const pending: Pending[] = [];
  return {
    read<S extends Selection>(part: ReadPart<S>): Promise<RowOf<S>[]> {
      for (const column of Object.keys(part.query.columns)) {
        if (column === PART || column === ROW)
          throw new Error(`${part.query.name}: the column name "${column}" is reserved by readTogether`);
      }
      const raw: unknown[] = [];
      let settle = (): void => undefined;
      let fail: (err: unknown) => void = () => undefined;
      const rows = new Promise<RowOf<S>[]>((resolve, reject) => {
        fail = (err) => {
          reject(err instanceof Error ? err : new Error(String(err)));
        };
        settle = () => {
          try {
            resolve(part.query.decode(raw));
          } catch (err) {
            fail(err);
          }
        };
      });
      // A caller that awaits only `run` must not leave this promise's rejection unhandled.
      rows.catch(() => undefined);
      pending.push({ part, raw, settle, fail });
      return rows;
    },

    async run(): Promise<void> {
      const parts = pending.splice(0);
      if (parts.length === 0) return;
      try {
        const params: Record<string, unknown> = {};
        const branches = parts.map(({ part }, i) => {
          const own = namespaced(part, i);
          Object.assign(params, own.params);
          return `SELECT ${i} AS ${PART}, formatRowNoNewline('JSONEachRow', *) AS ${ROW}
             FROM (SELECT ${own.select}\n${own.rest})`;
        });
        const result = await storage.client.query({
          query: `SELECT ${PART}, ${ROW} FROM (${branches.join('\nUNION ALL\n')})\n${READ_SETTINGS}`,
          query_params: params,
          format: 'JSONEachRow',
        });
        for (const tagged of await result.json<unknown>()) {
          const target = isTagged(tagged) ? parts[tagged[PART]] : undefined;
          if (target === undefined || !isTagged(tagged))
            throw new Error(`readTogether: a row of no known part: ${JSON.stringify(tagged).slice(0, 200)}`);
          target.raw.push(JSON.parse(tagged[ROW]));
        }
      } catch (err) {
        for (const p of parts) p.fail(err);
        throw err;
      }
      for (const p of parts) p.settle();
    },
  };
}
