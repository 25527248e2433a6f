CREATE DATABASE IF NOT EXISTS apo;

CREATE TABLE IF NOT EXISTS apo.schema_migrations
(
    `version` UInt32,
    `name` String,
    `applied_at` DateTime
)
ENGINE = MergeTree
ORDER BY version;

CREATE TABLE IF NOT EXISTS apo.spans
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `duration_ns` UInt64 CODEC(T64, ZSTD(1)),
    `trace_id` String,
    `span_id` String,
    `parent_span_id` String,
    `trace_state` String,
    `flags` UInt32,
    `service` LowCardinality(String),
    `service_version` LowCardinality(String),
    `instance` LowCardinality(String),
    `name` LowCardinality(String),
    `kind` UInt8,
    `status_code` UInt8,
    `status_message` String,
    `http_route` LowCardinality(String),
    `http_status` UInt16,
    `db_system` LowCardinality(String),
    `peer` LowCardinality(String),
    `scope_name` LowCardinality(String),
    `scope_version` LowCardinality(String),
    `resource_attributes` Map(LowCardinality(String), String),
    `attributes` Map(LowCardinality(String), String),
    `event_ts` Array(DateTime64(9)),
    `event_names` Array(LowCardinality(String)),
    `event_attributes` Array(Map(LowCardinality(String), String)),
    `link_trace_ids` Array(String),
    `link_span_ids` Array(String),
    `link_trace_states` Array(String),
    `link_attributes` Array(Map(LowCardinality(String), String)),
    `dropped_attributes` UInt32,
    `dropped_events` UInt32,
    `dropped_links` UInt32,
    `flush_id` UInt64,
    `entry_endpoint` LowCardinality(String) MATERIALIZED if(kind NOT IN (2, 5), '', multiIf(
  kind = 2 AND http_route != '',
    if(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']) = '', http_route,
       concat(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']), ' ', http_route)),
  kind = 5 AND coalesce(nullIf(attributes['messaging.destination.template'], ''), nullIf(attributes['messaging.destination.name'], ''), '') != '',
    coalesce(nullIf(attributes['messaging.destination.template'], ''), attributes['messaging.destination.name']),
  name)),
    INDEX idx_ts ts TYPE minmax GRANULARITY 1,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    PROJECTION spans_by_time (SELECT cluster, service, trace_id, kind, ts, duration_ns, entry_endpoint ORDER BY ts)
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (cluster, service, name, ts)
TTL toDateTime(ts) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.trace_index
(
    `trace_id` String,
    `cluster` LowCardinality(String),
    `start` SimpleAggregateFunction(min, DateTime64(9)),
    `end` SimpleAggregateFunction(max, DateTime64(9)),
    `span_count` SimpleAggregateFunction(sum, UInt64)
)
ENGINE = AggregatingMergeTree
PARTITION BY toDate(start)
ORDER BY (trace_id, cluster)
TTL toDateTime(start) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.logs
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `observed_ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `service` LowCardinality(String),
    `service_version` LowCardinality(String),
    `instance` LowCardinality(String),
    `severity_number` UInt8,
    `severity_text` LowCardinality(String),
    `body` String CODEC(ZSTD(1)),
    `trace_id` String,
    `span_id` String,
    `flags` UInt32,
    `scope_name` LowCardinality(String),
    `resource_attributes` Map(LowCardinality(String), String),
    `attributes` Map(LowCardinality(String), String),
    `dropped_attributes` UInt32,
    `flush_id` UInt64,
    INDEX idx_body lower(body) TYPE text(tokenizer = splitByNonAlpha),
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_span_id span_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (cluster, toStartOfFiveMinutes(ts), service, ts)
TTL toDateTime(ts) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.events
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `service` LowCardinality(String),
    `instance` LowCardinality(String),
    `name` LowCardinality(String),
    `severity_number` UInt8,
    `severity_text` LowCardinality(String),
    `body` String CODEC(ZSTD(1)),
    `trace_id` String,
    `span_id` String,
    `resource_attributes` Map(LowCardinality(String), String),
    `attributes` Map(LowCardinality(String), String),
    `flush_id` UInt64
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (cluster, service, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.metrics
(
    `cluster` LowCardinality(String),
    `service` LowCardinality(String),
    `instance` LowCardinality(String),
    `name` LowCardinality(String),
    `metric_type` LowCardinality(String),
    `unit` LowCardinality(String),
    `description` String,
    `temporality` UInt8,
    `is_monotonic` Bool,
    `ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `start_ts` DateTime64(9) CODEC(Delta, ZSTD(1)),
    `labels` Map(LowCardinality(String), String),
    `resource_attributes` Map(LowCardinality(String), String),
    `scope_name` LowCardinality(String),
    `value` Float64 CODEC(Gorilla, ZSTD(1)),
    `count` UInt64,
    `sum` Nullable(Float64),
    `min` Nullable(Float64),
    `max` Nullable(Float64),
    `bucket_bounds` Array(Float64),
    `bucket_counts` Array(UInt64),
    `exp_scale` Int32,
    `exp_zero_count` UInt64,
    `exp_zero_threshold` Float64,
    `exp_positive_offset` Int32,
    `exp_positive_counts` Array(UInt64),
    `exp_negative_offset` Int32,
    `exp_negative_counts` Array(UInt64),
    `quantiles` Array(Float64),
    `quantile_values` Array(Float64),
    `flags` UInt32,
    `flush_id` UInt64,
    `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name'],
    PROJECTION metrics_by_host (SELECT cluster, name, host_name, ts, labels, value ORDER BY cluster, name, host_name, ts)
)
ENGINE = MergeTree
PARTITION BY toDate(ts)
ORDER BY (cluster, name, service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.ingest_ledger
(
    `batch_id` String,
    `flush_id` UInt64,
    `cluster` LowCardinality(String),
    `stored_at` DateTime64(3),
    `signal` LowCardinality(String),
    `digest` String
)
ENGINE = MergeTree
ORDER BY batch_id
TTL toDateTime(stored_at) + INTERVAL 48 HOUR;

CREATE MATERIALIZED VIEW IF NOT EXISTS apo.trace_index_mv TO apo.trace_index
AS SELECT trace_id, cluster, min(ts) AS start, max(fromUnixTimestamp64Nano(toUnixTimestamp64Nano(ts) + toInt64(duration_ns))) AS `end`, count() AS span_count FROM apo.spans GROUP BY trace_id, cluster;

CREATE TABLE IF NOT EXISTS apo.red_server_1m
(
    `cluster` LowCardinality(String),
    `minute` DateTime('UTC') CODEC(Delta, ZSTD(1)),
    `service` LowCardinality(String),
    `endpoint` LowCardinality(String),
    `instance` LowCardinality(String),
    `kind` LowCardinality(String),
    `error` Bool,
    `count` UInt64 CODEC(T64, ZSTD(1)),
    `error_count` UInt64 CODEC(T64, ZSTD(1)),
    `duration_sum_ms` Float64,
    `bucket_counts` Array(UInt64) CODEC(ZSTD(1)),
    `flush_id` UInt64,
    PROJECTION red_service_hourly (SELECT toStartOfHour(minute), cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service),
    PROJECTION red_service_minutely (SELECT minute, cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service),
    PROJECTION red_hourly (SELECT toStartOfHour(minute), cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service, endpoint),
    PROJECTION red_minutely (SELECT minute, cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service, endpoint)
)
ENGINE = MergeTree
PARTITION BY toDate(minute)
ORDER BY (cluster, service, endpoint, minute)
TTL minute + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.red_client_1m
(
    `cluster` LowCardinality(String),
    `minute` DateTime('UTC') CODEC(Delta, ZSTD(1)),
    `service` LowCardinality(String),
    `instance` LowCardinality(String),
    `kind` LowCardinality(String),
    `error` Bool,
    `call_type` LowCardinality(String),
    `peer` LowCardinality(String),
    `system` LowCardinality(String),
    `db_namespace` LowCardinality(String),
    `operation` LowCardinality(String),
    `target` LowCardinality(String),
    `role` LowCardinality(String),
    `count` UInt64 CODEC(T64, ZSTD(1)),
    `error_count` UInt64 CODEC(T64, ZSTD(1)),
    `duration_sum_ms` Float64,
    `bucket_counts` Array(UInt64) CODEC(ZSTD(1)),
    `flush_id` UInt64
)
ENGINE = MergeTree
PARTITION BY toDate(minute)
ORDER BY (cluster, service, call_type, peer, minute)
TTL minute + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

ALTER TABLE apo.spans MODIFY SETTING merge_selector_base = 10;

CREATE TABLE IF NOT EXISTS apo.kubernetes_pods
(
    `cluster` LowCardinality(String),
    `published_at` DateTime64(3),
    `pod_count` UInt32,
    `pods` String CODEC(ZSTD(3))
)
ENGINE = ReplacingMergeTree(published_at)
ORDER BY cluster;

ALTER TABLE apo.ingest_ledger ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String;

ALTER TABLE apo.red_server_1m MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.red_server_1m ADD PROJECTION IF NOT EXISTS red_service_hourly (SELECT toStartOfHour(minute), cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service);

ALTER TABLE apo.red_server_1m ADD PROJECTION IF NOT EXISTS red_service_minutely (SELECT minute, cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service);

ALTER TABLE apo.red_server_1m ADD PROJECTION IF NOT EXISTS red_hourly (SELECT toStartOfHour(minute), cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service, endpoint);

ALTER TABLE apo.red_server_1m ADD PROJECTION IF NOT EXISTS red_minutely (SELECT minute, cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service, endpoint);

ALTER TABLE apo.red_server_1m MATERIALIZE PROJECTION red_service_hourly;

ALTER TABLE apo.red_server_1m MATERIALIZE PROJECTION red_service_minutely;

ALTER TABLE apo.red_server_1m MATERIALIZE PROJECTION red_hourly;

ALTER TABLE apo.red_server_1m MATERIALIZE PROJECTION red_minutely;

CREATE TABLE IF NOT EXISTS apo.topology_edges
(
    `hour` DateTime('UTC') CODEC(Delta, ZSTD(1)),
    `seen_window` DateTime('UTC'),
    `caller_cluster` LowCardinality(String),
    `caller_service` LowCardinality(String),
    `caller_namespace` LowCardinality(String),
    `caller_endpoint` LowCardinality(String),
    `callee_kind` LowCardinality(String),
    `callee_cluster` LowCardinality(String),
    `callee_name` LowCardinality(String),
    `callee_namespace` LowCardinality(String),
    `callee_endpoint` LowCardinality(String),
    `call_type` LowCardinality(String),
    `peer` LowCardinality(String),
    `system` LowCardinality(String),
    `db_namespace` LowCardinality(String),
    `destination` LowCardinality(String),
    `role` LowCardinality(String)
)
ENGINE = ReplacingMergeTree(seen_window)
PARTITION BY toDate(hour)
ORDER BY (caller_cluster, caller_service, hour, callee_kind, callee_cluster, callee_name, caller_endpoint, callee_endpoint, call_type, peer, system, db_namespace, destination, role)
TTL hour + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.topology_windows
(
    `window` DateTime('UTC'),
    `computed_at` DateTime64(3),
    `edge_rows` UInt32,
    `delay_rows` Nullable(UInt32)
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toDate(window)
ORDER BY window
TTL window + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.delay_source_1m
(
    `window` DateTime('UTC') CODEC(Delta, ZSTD(1)),
    `computed_at` DateTime64(3),
    `cluster` LowCardinality(String),
    `service` LowCardinality(String),
    `endpoint` LowCardinality(String),
    `bucket` UInt8,
    `requests` UInt32,
    `duration_ns` UInt64,
    `dependency_ns` UInt64
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toDate(window)
ORDER BY (cluster, service, window, endpoint, bucket)
TTL window + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

ALTER TABLE apo.topology_windows ADD COLUMN IF NOT EXISTS `delay_rows` Nullable(UInt32);

ALTER TABLE apo.metrics ADD COLUMN IF NOT EXISTS `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name'];

ALTER TABLE apo.metrics MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.metrics ADD PROJECTION IF NOT EXISTS metrics_by_host (SELECT cluster, name, host_name, ts, labels, value ORDER BY cluster, name, host_name, ts);

ALTER TABLE apo.metrics MATERIALIZE PROJECTION metrics_by_host;

ALTER TABLE apo.spans ADD COLUMN IF NOT EXISTS `entry_endpoint` LowCardinality(String) MATERIALIZED if(kind NOT IN (2, 5), '', multiIf(
  kind = 2 AND http_route != '',
    if(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']) = '', http_route,
       concat(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']), ' ', http_route)),
  kind = 5 AND coalesce(nullIf(attributes['messaging.destination.template'], ''), nullIf(attributes['messaging.destination.name'], ''), '') != '',
    coalesce(nullIf(attributes['messaging.destination.template'], ''), attributes['messaging.destination.name']),
  name));

ALTER TABLE apo.spans MODIFY SETTING ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.spans ADD PROJECTION IF NOT EXISTS spans_by_time (SELECT cluster, service, trace_id, kind, ts, duration_ns, entry_endpoint ORDER BY ts);

ALTER TABLE apo.spans MATERIALIZE PROJECTION spans_by_time;
