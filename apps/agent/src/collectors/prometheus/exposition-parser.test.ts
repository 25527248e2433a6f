import { describe, expect, it } from 'vitest';
import { CounterStarts } from '../host/counter-starts.ts';
import { metricNamed, pointWith, valueOf } from '../host/testing/metric-lookup.ts';
import { familiesToMetrics } from './exposition-metrics.ts';
import { parseExposition, parsePromFloat } from './exposition-parser.ts';

const NOW = 1_800_000_000_000_000_000n;
function convert(
  text: string,
  format: 'text' | 'openmetrics' = 'text',
  starts = new CounterStarts(),
  now = NOW,
) {
  const parsed = parseExposition(text, format);
  return { parsed, ...familiesToMetrics(parsed.families, { now, starts }) };
}

describe('text exposition format 0.0.4', () => {
  it('reads counters, gauges, help, comments and blank lines', () => {
    const { parsed, metrics } = convert(
      [
        '# A comment that is not HELP or TYPE',
        '# HELP http_requests_total The total number of HTTP requests.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027',
        'http_requests_total{method="post",code="400"}    3',
        '',
        '# TYPE temperature gauge',
        'temperature -2.5',
        '',
      ].join('\n'),
    );
    expect(parsed.invalidLines).toBe(0);
    expect(parsed.samples).toBe(3);
    const requests = metricNamed(metrics, 'http_requests_total');
    expect(requests.description).toBe('The total number of HTTP requests.');
    expect(requests.data).toMatchObject({ type: 'sum', isMonotonic: true, aggregationTemporality: 2 });
    expect(valueOf(metrics, 'http_requests_total', { method: 'post', code: '400' })).toBe(3);
    expect(pointWith(requests, { code: '200' }).startTimeUnixNano).toBe(NOW);
    expect(metricNamed(metrics, 'temperature').data.type).toBe('gauge');
    expect(valueOf(metrics, 'temperature')).toBe(-2.5);
  });

  it('unescapes label values and help text', () => {
    const { parsed } = convert(
      [
        '# HELP msdos_file_access_time_seconds Last access \\\\ time\\nof a file.',
        '# TYPE msdos_file_access_time_seconds gauge',
        'msdos_file_access_time_seconds{path="C:\\\\DIR\\\\FILE.TXT",error="Cannot find file:\\n\\"FILE.TXT\\"",} 1.458255915e9',
      ].join('\n'),
    );
    expect(parsed.invalidLines).toBe(0);
    const family = parsed.families[0]!;
    expect(family.help).toBe('Last access \\ time\nof a file.');
    expect(family.samples[0]!.labels).toEqual([
      ['path', 'C:\\DIR\\FILE.TXT'],
      ['error', 'Cannot find file:\n"FILE.TXT"'],
    ]);
    expect(family.samples[0]!.value).toBe(1.458255915e9);
  });

  it('reads NaN, ±Inf and timestamps in milliseconds, and CRLF line ends', () => {
    const { parsed, metrics } = convert(
      'a NaN\r\nb +Inf 1395066363000\r\nc -Inf -1000\r\nd 1e-3\r\n# TYPE e untyped\r\ne 7 0\r\n',
    );
    expect(parsed.invalidLines).toBe(0);
    expect(valueOf(metrics, 'a')).toBeNaN();
    expect(valueOf(metrics, 'b')).toBe(Infinity);
    expect(pointWith(metricNamed(metrics, 'b')).timeUnixNano).toBe(1395066363000n * 1_000_000n);
    expect(pointWith(metricNamed(metrics, 'c')).timeUnixNano).toBe(-1000n * 1_000_000n);
    expect(valueOf(metrics, 'd')).toBe(0.001);
    expect(pointWith(metricNamed(metrics, 'e')).timeUnixNano).toBe(0n);
    expect(parsePromFloat('0x10')).toBeUndefined();
    expect(parsePromFloat('')).toBeUndefined();
  });

  it('turns a histogram into one OTLP histogram point per label set', () => {
    const { parsed, metrics, invalidSeries } = convert(
      [
        '# HELP rpc_seconds RPC latency.',
        '# TYPE rpc_seconds histogram',
        'rpc_seconds_bucket{method="get",le="0.05"} 24054',
        'rpc_seconds_bucket{method="get",le="0.1"} 33444',
        'rpc_seconds_bucket{method="get",le="0.2"} 100392',
        'rpc_seconds_bucket{method="get",le="+Inf"} 144320',
        'rpc_seconds_sum{method="get"} 53423.5',
        'rpc_seconds_count{method="get"} 144320',
        'rpc_seconds_bucket{method="put",le="1"} 2',
        'rpc_seconds_sum{method="put"} 0.5',
        'rpc_seconds_count{method="put"} 5',
      ].join('\n'),
    );
    expect(parsed.invalidLines + invalidSeries).toBe(0);
    const histogram = metricNamed(metrics, 'rpc_seconds');
    if (histogram.data.type !== 'histogram') throw new Error('not a histogram');
    expect(histogram.data.aggregationTemporality).toBe(2);
    const [get, put] = histogram.data.points;
    expect(get!.attributes).toEqual(Object.assign(Object.create(null), { method: 'get' }));
    expect(get!.explicitBounds).toEqual([0.05, 0.1, 0.2]);
    expect(get!.bucketCounts).toEqual([24054n, 9390n, 66948n, 43928n]);
    expect(get!.count).toBe(144320n);
    expect(get!.sum).toBe(53423.5);
    // Without a +Inf bucket, _count closes the histogram.
    expect(put!.explicitBounds).toEqual([1]);
    expect(put!.bucketCounts).toEqual([2n, 3n]);
    expect(put!.count).toBe(5n);
  });

  it('turns a summary into an OTLP summary, NaN quantiles included', () => {
    const { metrics } = convert(
      [
        '# TYPE go_gc_duration_seconds summary',
        'go_gc_duration_seconds{quantile="0"} 2.1e-05',
        'go_gc_duration_seconds{quantile="0.5"} NaN',
        'go_gc_duration_seconds{quantile="1"} 0.0013',
        'go_gc_duration_seconds_sum 0.0045',
        'go_gc_duration_seconds_count 12',
      ].join('\n'),
    );
    const summary = metricNamed(metrics, 'go_gc_duration_seconds');
    if (summary.data.type !== 'summary') throw new Error('not a summary');
    const [point] = summary.data.points;
    expect(point!.count).toBe(12n);
    expect(point!.sum).toBe(0.0045);
    expect(point!.quantileValues.map((q) => q.quantile)).toEqual([0, 0.5, 1]);
    expect(point!.quantileValues[1]!.value).toBeNaN();
  });

  it('skips and counts bad lines, keeps the first error, and reads the rest', () => {
    const { parsed, metrics } = convert(
      [
        'good_one 1',
        'unterminated{a="b 1',
        'too_many 1 2 3',
        '1starts_with_digit 2',
        'bad_escape{a="\\q"} 1',
        'not_a_number abc',
        '# TYPE typo_metric countr',
        'dup{a="1",a="2"} 1',
        'no_space{a="1"}1',
        'good_two{a="x"} 2',
        '# TYPE good_one gauge',
      ].join('\n'),
    );
    expect(parsed.invalidLines).toBe(9);
    expect(parsed.firstError).toBe('line 2: unterminated quoted string');
    expect(valueOf(metrics, 'good_one')).toBe(1);
    expect(valueOf(metrics, 'good_two', { a: 'x' })).toBe(2);
  });

  it('treats an untyped sample named _total as a counter and other untyped samples as gauges', () => {
    const { metrics } = convert('legacy_requests_total 5\nlegacy_level 3\n');
    expect(metricNamed(metrics, 'legacy_requests_total').data).toMatchObject({
      type: 'sum',
      isMonotonic: true,
    });
    expect(metricNamed(metrics, 'legacy_level').data.type).toBe('gauge');
  });

  it('reads UTF-8 metric names quoted inside the braces', () => {
    const { parsed, metrics } = convert('{"http.server.duration", "service.name"="cart"} 4\n');
    expect(parsed.invalidLines).toBe(0);
    expect(valueOf(metrics, 'http.server.duration', { 'service.name': 'cart' })).toBe(4);
  });

  it('invalidates a histogram series whose buckets decrease, keeping the others', () => {
    const { metrics, invalidSeries, firstError } = convert(
      [
        '# TYPE h histogram',
        'h_bucket{s="bad",le="1"} 5',
        'h_bucket{s="bad",le="2"} 3',
        'h_bucket{s="bad",le="+Inf"} 6',
        'h_bucket{s="ok",le="1"} 1',
        'h_bucket{s="ok",le="+Inf"} 1',
      ].join('\n'),
    );
    expect(invalidSeries).toBe(1);
    expect(firstError).toContain('h: bucket le=2');
    const h = metricNamed(metrics, 'h');
    if (h.data.type !== 'histogram') throw new Error('not a histogram');
    expect(h.data.points.map((p) => p.attributes['s'])).toEqual(['ok']);
  });
});

describe('counter start times across scrapes', () => {
  it("start at the target's process start, and move to the previous scrape after a reset", () => {
    const starts = new CounterStarts();
    const page = (value: number) => `process_start_time_seconds 1700000000.5\njobs_total ${value}\n`;
    const first = convert(page(10), 'text', starts, NOW);
    starts.endCycle();
    expect(pointWith(metricNamed(first.metrics, 'jobs_total')).startTimeUnixNano).toBe(
      1_700_000_000_500_000_000n,
    );
    const later = NOW + 15_000_000_000n;
    const second = convert(page(12), 'text', starts, later);
    starts.endCycle();
    expect(pointWith(metricNamed(second.metrics, 'jobs_total')).startTimeUnixNano).toBe(
      1_700_000_000_500_000_000n,
    );
    const third = convert(page(1), 'text', starts, later + 15_000_000_000n);
    expect(pointWith(metricNamed(third.metrics, 'jobs_total')).startTimeUnixNano).toBe(later);
  });
});

describe('OpenMetrics text', () => {
  it('reads counters named without _total, _created, units, exemplars, second timestamps and # EOF', () => {
    const { parsed, metrics } = convert(
      [
        '# TYPE acme_http_router_request_seconds summary',
        '# UNIT acme_http_router_request_seconds seconds',
        "# HELP acme_http_router_request_seconds Latency though all of ACME's HTTP request router.",
        'acme_http_router_request_seconds_sum{path="/api/v1",method="GET"} 9036.32',
        'acme_http_router_request_seconds_count{path="/api/v1",method="GET"} 807283.0',
        'acme_http_router_request_seconds_created{path="/api/v1",method="GET"} 1605281325.0',
        '# TYPE foo counter',
        'foo_total 17.0 1520879607.789 # {trace_id="KOO5S4vxi0o"} 0.67',
        'foo_created 1520430000.123',
        '# TYPE build info',
        'build_info{version="1.2"} 1',
        '# EOF',
        'this is after EOF and ignored',
      ].join('\n'),
      'openmetrics',
    );
    expect(parsed.invalidLines).toBe(0);
    const foo = metricNamed(metrics, 'foo_total');
    expect(foo.data).toMatchObject({ type: 'sum', isMonotonic: true });
    const point = pointWith(foo);
    expect(point.value).toBe(17);
    expect(point.timeUnixNano).toBe(1_520_879_607_789n * 1_000_000n);
    expect(point.startTimeUnixNano).toBe(1_520_430_000_123n * 1_000_000n);
    expect(metrics.some((m) => m.name === 'foo_created')).toBe(false);
    const summary = metricNamed(metrics, 'acme_http_router_request_seconds');
    expect(summary.unit).toBe('seconds');
    if (summary.data.type !== 'summary') throw new Error('not a summary');
    expect(summary.data.points[0]!.count).toBe(807283n);
    expect(summary.data.points[0]!.startTimeUnixNano).toBe(1_605_281_325_000n * 1_000_000n);
    expect(valueOf(metrics, 'build_info', { version: '1.2' })).toBe(1);
  });
});
