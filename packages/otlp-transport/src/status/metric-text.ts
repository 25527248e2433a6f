/**
 * Prometheus text exposition (format 0.0.4) for the status servers' /metrics: one HELP and TYPE line per
 * metric, then its samples. Labels are given pre-rendered (`{signal="traces"}`); values are plain numbers.
 */
export class MetricText {
  readonly #lines: string[] = [];

  metric(
    name: string,
    type: 'counter' | 'gauge',
    help: string,
    samples: readonly (readonly [labels: string, value: number])[],
  ): this {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) this.#lines.push(`${name}${labels} ${value}`);
    return this;
  }

  /** The text, ending with a newline (empty when no metric was added). */
  toString(): string {
    return this.#lines.length === 0 ? '' : `${this.#lines.join('\n')}\n`;
  }
}
