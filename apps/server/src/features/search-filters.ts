/**
 * The WHERE clause of a newest-first search over one telemetry table: the time range (and cluster) first,
 * then whichever filters the request sets. User values only ever travel as typed query parameters, never
 * inside the SQL text. `params.limit` is one more than the page size: reading one row too many tells
 * whether there is a next page.
 */
export class SearchFilters {
  readonly #where = [
    'ts >= fromUnixTimestamp64Milli({from:Int64})',
    'ts < fromUnixTimestamp64Milli({to:Int64})',
  ];
  readonly params: Record<string, unknown>;

  constructor(q: { from: number; to: number; cluster?: string | undefined; limit: number }) {
    this.params = { from: q.from, to: q.to, limit: q.limit + 1 };
    this.equal('cluster', 'cluster', q.cluster);
  }

  /** `column = value` when the value is set; `type` is the parameter's ClickHouse type. */
  equal(column: string, param: string, value: string | number | undefined, type = 'String'): this {
    return value === undefined ? this : this.add(`${column} = {${param}:${type}}`, { [param]: value });
  }

  /** A condition with the parameters its placeholders name. */
  add(condition: string, params: Record<string, unknown> = {}): this {
    this.#where.push(condition);
    Object.assign(this.params, params);
    return this;
  }

  get sql(): string {
    return this.#where.join(' AND ');
  }
}
