CREATE DATABASE IF NOT EXISTS apo ON CLUSTER apo_cluster;

CREATE TABLE IF NOT EXISTS apo.schema_migrations ON CLUSTER apo_cluster
(
    `version` UInt32,
    `name` String,
    `applied_at` DateTime
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/all/{database}/schema_migrations', '{replica}')
ORDER BY version;

CREATE TABLE IF NOT EXISTS apo.spans_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/spans_local', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (cluster, service, name, ts)
TTL toDateTime(ts) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.spans ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9),
    `duration_ns` UInt64,
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
  name))
)
ENGINE = Distributed(apo_cluster, apo, spans_local, cityHash64(trace_id));

CREATE TABLE IF NOT EXISTS apo.trace_index_local ON CLUSTER apo_cluster
(
    `trace_id` String,
    `cluster` LowCardinality(String),
    `start` SimpleAggregateFunction(min, DateTime64(9)),
    `end` SimpleAggregateFunction(max, DateTime64(9)),
    `span_count` SimpleAggregateFunction(sum, UInt64)
)
ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/{database}/trace_index_local', '{replica}')
PARTITION BY toDate(start)
ORDER BY (trace_id, cluster)
TTL toDateTime(start) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.trace_index ON CLUSTER apo_cluster
(
    `trace_id` String,
    `cluster` LowCardinality(String),
    `start` SimpleAggregateFunction(min, DateTime64(9)),
    `end` SimpleAggregateFunction(max, DateTime64(9)),
    `span_count` SimpleAggregateFunction(sum, UInt64)
)
ENGINE = Distributed(apo_cluster, apo, trace_index_local, cityHash64(trace_id));

CREATE TABLE IF NOT EXISTS apo.logs_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/logs_local', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (cluster, toStartOfFiveMinutes(ts), service, ts)
TTL toDateTime(ts) + INTERVAL 7 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.logs ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9),
    `observed_ts` DateTime64(9),
    `service` LowCardinality(String),
    `service_version` LowCardinality(String),
    `instance` LowCardinality(String),
    `severity_number` UInt8,
    `severity_text` LowCardinality(String),
    `body` String,
    `trace_id` String,
    `span_id` String,
    `flags` UInt32,
    `scope_name` LowCardinality(String),
    `resource_attributes` Map(LowCardinality(String), String),
    `attributes` Map(LowCardinality(String), String),
    `dropped_attributes` UInt32,
    `flush_id` UInt64
)
ENGINE = Distributed(apo_cluster, apo, logs_local, if(trace_id = '', rand64(), cityHash64(trace_id)));

CREATE TABLE IF NOT EXISTS apo.events_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/events_local', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (cluster, service, ts)
TTL toDateTime(ts) + INTERVAL 90 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.events ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `ts` DateTime64(9),
    `service` LowCardinality(String),
    `instance` LowCardinality(String),
    `name` LowCardinality(String),
    `severity_number` UInt8,
    `severity_text` LowCardinality(String),
    `body` String,
    `trace_id` String,
    `span_id` String,
    `resource_attributes` Map(LowCardinality(String), String),
    `attributes` Map(LowCardinality(String), String),
    `flush_id` UInt64
)
ENGINE = Distributed(apo_cluster, apo, events_local, cityHash64(cluster, service));

CREATE TABLE IF NOT EXISTS apo.metrics_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/metrics_local', '{replica}')
PARTITION BY toDate(ts)
ORDER BY (cluster, name, service, ts)
TTL toDateTime(ts) + INTERVAL 30 DAY
SETTINGS ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.metrics ON CLUSTER apo_cluster
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
    `ts` DateTime64(9),
    `start_ts` DateTime64(9),
    `labels` Map(LowCardinality(String), String),
    `resource_attributes` Map(LowCardinality(String), String),
    `scope_name` LowCardinality(String),
    `value` Float64,
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
    `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name']
)
ENGINE = Distributed(apo_cluster, apo, metrics_local, cityHash64(cluster, name, service, instance));

CREATE TABLE IF NOT EXISTS apo.ingest_ledger_local ON CLUSTER apo_cluster
(
    `batch_id` String,
    `flush_id` UInt64,
    `cluster` LowCardinality(String),
    `stored_at` DateTime64(3),
    `signal` LowCardinality(String),
    `digest` String
)
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/ingest_ledger_local', '{replica}')
ORDER BY batch_id
TTL toDateTime(stored_at) + INTERVAL 48 HOUR;

CREATE TABLE IF NOT EXISTS apo.ingest_ledger ON CLUSTER apo_cluster
(
    `batch_id` String,
    `flush_id` UInt64,
    `cluster` LowCardinality(String),
    `stored_at` DateTime64(3),
    `signal` LowCardinality(String),
    `digest` String
)
ENGINE = Distributed(apo_cluster, apo, ingest_ledger_local, cityHash64(batch_id));

CREATE MATERIALIZED VIEW IF NOT EXISTS apo.trace_index_mv ON CLUSTER apo_cluster TO apo.trace_index_local
AS SELECT trace_id, cluster, min(ts) AS start, max(fromUnixTimestamp64Nano(toUnixTimestamp64Nano(ts) + toInt64(duration_ns))) AS `end`, count() AS span_count FROM apo.spans_local GROUP BY trace_id, cluster;

CREATE TABLE IF NOT EXISTS apo.red_server_1m_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/red_server_1m_local', '{replica}')
PARTITION BY toDate(minute)
ORDER BY (cluster, service, endpoint, minute)
TTL minute + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

CREATE TABLE IF NOT EXISTS apo.red_server_1m ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `minute` DateTime('UTC'),
    `service` LowCardinality(String),
    `endpoint` LowCardinality(String),
    `instance` LowCardinality(String),
    `kind` LowCardinality(String),
    `error` Bool,
    `count` UInt64,
    `error_count` UInt64,
    `duration_sum_ms` Float64,
    `bucket_counts` Array(UInt64),
    `flush_id` UInt64
)
ENGINE = Distributed(apo_cluster, apo, red_server_1m_local, cityHash64(cluster, service, instance));

CREATE TABLE IF NOT EXISTS apo.red_client_1m_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedMergeTree('/clickhouse/tables/{shard}/{database}/red_client_1m_local', '{replica}')
PARTITION BY toDate(minute)
ORDER BY (cluster, service, call_type, peer, minute)
TTL minute + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.red_client_1m ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `minute` DateTime('UTC'),
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
    `count` UInt64,
    `error_count` UInt64,
    `duration_sum_ms` Float64,
    `bucket_counts` Array(UInt64),
    `flush_id` UInt64
)
ENGINE = Distributed(apo_cluster, apo, red_client_1m_local, cityHash64(cluster, service, instance));

ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MODIFY SETTING merge_selector_base = 10;

CREATE TABLE IF NOT EXISTS apo.kubernetes_pods ON CLUSTER apo_cluster
(
    `cluster` LowCardinality(String),
    `published_at` DateTime64(3),
    `pod_count` UInt32,
    `pods` String CODEC(ZSTD(3))
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/kubernetes_pods', '{replica}', published_at)
ORDER BY cluster;

ALTER TABLE apo.ingest_ledger_local ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String;

ALTER TABLE apo.ingest_ledger ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `signal` LowCardinality(String), ADD COLUMN IF NOT EXISTS `digest` String;

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS red_service_hourly (SELECT toStartOfHour(minute), cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service);

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS red_service_minutely (SELECT minute, cluster, service, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service);

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS red_hourly (SELECT toStartOfHour(minute), cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY toStartOfHour(minute), cluster, service, endpoint);

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS red_minutely (SELECT minute, cluster, service, endpoint, sum(count), sum(error_count), sum(duration_sum_ms), sumForEach(bucket_counts) GROUP BY minute, cluster, service, endpoint);

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_service_hourly;

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_service_minutely;

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_hourly;

ALTER TABLE apo.red_server_1m_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION red_minutely;

CREATE TABLE IF NOT EXISTS apo.topology_edges_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/topology_edges_local', '{replica}', seen_window)
PARTITION BY toDate(hour)
ORDER BY (caller_cluster, caller_service, hour, callee_kind, callee_cluster, callee_name, caller_endpoint, callee_endpoint, call_type, peer, system, db_namespace, destination, role)
TTL hour + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.topology_edges ON CLUSTER apo_cluster
(
    `hour` DateTime('UTC'),
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
ENGINE = Distributed(apo_cluster, apo, topology_edges_local, cityHash64(caller_cluster, caller_service));

CREATE TABLE IF NOT EXISTS apo.topology_windows ON CLUSTER apo_cluster
(
    `window` DateTime('UTC'),
    `computed_at` DateTime64(3),
    `edge_rows` UInt32,
    `delay_rows` Nullable(UInt32)
)
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/all/{database}/topology_windows', '{replica}', computed_at)
PARTITION BY toDate(window)
ORDER BY window
TTL window + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.delay_source_1m_local ON CLUSTER apo_cluster
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
ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/delay_source_1m_local', '{replica}', computed_at)
PARTITION BY toDate(window)
ORDER BY (cluster, service, window, endpoint, bucket)
TTL window + INTERVAL 40 DAY
SETTINGS ttl_only_drop_parts = 1;

CREATE TABLE IF NOT EXISTS apo.delay_source_1m ON CLUSTER apo_cluster
(
    `window` DateTime('UTC'),
    `computed_at` DateTime64(3),
    `cluster` LowCardinality(String),
    `service` LowCardinality(String),
    `endpoint` LowCardinality(String),
    `bucket` UInt8,
    `requests` UInt32,
    `duration_ns` UInt64,
    `dependency_ns` UInt64
)
ENGINE = Distributed(apo_cluster, apo, delay_source_1m_local, cityHash64(cluster, service));

ALTER TABLE apo.topology_windows ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `delay_rows` Nullable(UInt32);

ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name'];

ALTER TABLE apo.metrics ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `host_name` LowCardinality(String) MATERIALIZED resource_attributes['host.name'];

ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS metrics_by_host (SELECT cluster, name, host_name, ts, labels, value ORDER BY cluster, name, host_name, ts);

ALTER TABLE apo.metrics_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION metrics_by_host;

ALTER TABLE apo.spans_local ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `entry_endpoint` LowCardinality(String) MATERIALIZED if(kind NOT IN (2, 5), '', multiIf(
  kind = 2 AND http_route != '',
    if(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']) = '', http_route,
       concat(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']), ' ', http_route)),
  kind = 5 AND coalesce(nullIf(attributes['messaging.destination.template'], ''), nullIf(attributes['messaging.destination.name'], ''), '') != '',
    coalesce(nullIf(attributes['messaging.destination.template'], ''), attributes['messaging.destination.name']),
  name));

ALTER TABLE apo.spans ON CLUSTER apo_cluster ADD COLUMN IF NOT EXISTS `entry_endpoint` LowCardinality(String) MATERIALIZED if(kind NOT IN (2, 5), '', multiIf(
  kind = 2 AND http_route != '',
    if(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']) = '', http_route,
       concat(coalesce(nullIf(attributes['http.request.method'], ''), attributes['http.method']), ' ', http_route)),
  kind = 5 AND coalesce(nullIf(attributes['messaging.destination.template'], ''), nullIf(attributes['messaging.destination.name'], ''), '') != '',
    coalesce(nullIf(attributes['messaging.destination.template'], ''), attributes['messaging.destination.name']),
  name));

ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MODIFY SETTING ttl_only_drop_parts = 1, index_granularity = 1024, merge_selector_base = 10, lightweight_mutation_projection_mode = 'rebuild';

ALTER TABLE apo.spans_local ON CLUSTER apo_cluster ADD PROJECTION IF NOT EXISTS spans_by_time (SELECT cluster, service, trace_id, kind, ts, duration_ns, entry_endpoint ORDER BY ts);

ALTER TABLE apo.spans_local ON CLUSTER apo_cluster MATERIALIZE PROJECTION spans_by_time;
