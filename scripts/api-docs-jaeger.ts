/**
 * The "Jaeger query API" section of docs/api.md: plain HTTP routes (apps/server/src/features/jaeger/), not
 * tRPC procedures, so the generator cannot read them from the router; written here, next to the generator,
 * so the whole file still comes from one command.
 */
export const JAEGER_SECTION = `## Jaeger query API

The server also answers Jaeger's query API — the HTTP JSON API of \`jaeger-query\` — under \`/api\` on the same
port, so the Jaeger UI and Grafana's Jaeger data source read APO's traces. Same credentials as the procedures
(the viewer role or higher): \`Authorization: Bearer <API key or admin token>\`, or the console's session cookie.

| request                                        | answers                                                                                                                       |
| ---------------------------------------------- | ----------------------------------------------------------------------------------------------------------------------------- |
| \`GET /api/services\`                            | \`{data: [name…], total, limit: 0, offset: 0, errors: null}\`: every service with spans still stored (at most 10,000)          |
| \`GET /api/services/{service}/operations\`       | the service's operation names (the Jaeger UI's call)                                                                           |
| \`GET /api/operations?service=…[&spanKind=…]\`    | \`[{name, spanKind}]\`; \`spanKind\` is \`server\`, \`client\`, \`producer\`, \`consumer\`, \`internal\` or \`""\` (unspecified)          |
| \`GET /api/traces?service=…&…\`                   | \`{data: [trace…]}\`: the traces with a span matching every condition, whole, the latest match first                          |
| \`GET /api/traces?traceID=…&traceID=…\`           | those traces; each id not stored is named in \`errors\` (\`{msg: "trace not found", traceID}\`)                                  |
| \`GET /api/traces/{traceID}\`                     | \`{data: [trace]}\`; 404 when it is not stored                                                                                 |

Search parameters, as Jaeger takes them:

| parameter                      | value                                                                                                                                                                                   |
| ------------------------------ | --------------------------------------------------------------------------------------------------------------------------------------------------------------------------------------- |
| \`service\`                      | required (unless \`traceID\` is given)                                                                                                                                                    |
| \`operation\`                    | the span name                                                                                                                                                                           |
| \`tags\`, \`tag\`                  | \`tags={"http.route":"/orders"}\` (a JSON object of strings) and/or \`tag=key:value\` (repeatable), at most 16; each matches a span attribute or a resource attribute. \`error=true\` / \`error=false\`, \`otel.status_code=ERROR\\|OK\\|UNSET\` and \`span.kind=server…\` match the span's status and kind |
| \`start\`, \`end\`                 | microseconds since the epoch; \`end\` defaults to now                                                                                                                                     |
| \`lookback\`                     | without \`start\`: how far back from \`end\` — a whole number and \`m\`, \`h\`, \`d\` or \`w\` (\`1h\`, \`2d\`); \`custom\` leaves it to \`start\`. Neither: two days                                   |
| \`minDuration\`, \`maxDuration\`   | Go duration strings (\`1.5ms\`, \`300us\`, \`2s\`, \`1h30m\`) on the matching span                                                                                                             |
| \`limit\`                        | traces, 1–1000, default 20                                                                                                                                                              |

**The model.** Jaeger's JSON model (\`traceID\`, \`spans\`, \`processes\`, \`warnings\`), as Jaeger maps OpenTelemetry
spans: ids in lowercase hex (trace ids 32 digits; shorter ones are read with leading zeros), \`startTime\` and
\`duration\` in microseconds (nanoseconds truncated), the parent as the first \`CHILD_OF\` reference and links as
\`FOLLOWS_FROM\` references after it, events as \`logs\` (the name in an \`event\` field), the span kind as
\`span.kind\`, the status as \`otel.status_code\` / \`otel.status_description\` and a failed span as \`error=true\`
(a boolean), the scope as \`otel.scope.name\` / \`otel.scope.version\`, and the resource as the span's process
(\`serviceName\` and the other resource attributes as process tags). APO stores attribute values as text, so
attribute tags are of type \`string\` (\`"500"\`, \`"true"\`, \`["a","b"]\` for an array). Counts of what was dropped
from a span are in its \`warnings\`.

**Bounds.** A trace answer holds at most \`APO_MAX_TRACE_SPANS\` spans (10,000, the earliest by start time); the
traces of one search answer share that many, the largest cut first. A cut trace says so in its \`warnings\`
("showing the first N of M spans…"); the console shows every span. Events and links per span as in every
answer (\`APO_READ_MAX_SPAN_EVENTS\`, \`APO_READ_MAX_SPAN_LINKS\`).

**Errors** are in Jaeger's shape, \`{data: null, total: 0, limit: 0, offset: 0, errors: [{code, msg}]}\`: 400 naming
the parameter (\`unable to parse param 'minDuration': "fast" is not a duration…\`), 401 / 403 / 412 with the same
messages as the procedures, 404 for a trace not stored, 500 "see the server log". Not served (404):
\`/api/dependencies\`, \`/api/metrics/…\`, \`/api/archive\`, \`/api/transform\`.

**Grafana.** Add a *Jaeger* data source with the URL of the APO server (e.g. \`http://apo.internal:3300\`) and a
custom HTTP header \`Authorization\` = \`Bearer <API key>\` (a viewer key from \`apiKeys.create\`); the host name in
the URL must be one \`APO_ALLOWED_HOSTS\` accepts. Provisioned:

\`\`\`yaml
apiVersion: 1
datasources:
  - name: APO
    type: jaeger
    access: proxy
    url: http://apo.internal:3300
    jsonData:
      httpHeaderName1: Authorization
    secureJsonData:
      httpHeaderValue1: Bearer <API key>
\`\`\`

**The Jaeger UI** calls \`/api/…\` on the origin that served it: serve its static build (\`jaeger-ui\`'s
\`npm run build\`) and send \`/api/\` to APO through a reverse proxy that adds the credential, e.g. nginx:

\`\`\`nginx
server {
  listen 16686;
  root /srv/jaeger-ui/build;
  location /api/ {
    proxy_pass http://127.0.0.1:3300;
    proxy_set_header Host 127.0.0.1;  # a host APO_ALLOWED_HOSTS accepts
    proxy_set_header Authorization "Bearer <API key>";
  }
  location / { try_files $uri /index.html; }
}
\`\`\`

## Exporting a trace as a file

\`GET /api/console/traces/{traceID}/export?format=otlp|jaeger[&cluster=…]\` answers the whole stored trace as a
file to download (\`Content-Disposition: attachment; filename="trace-{traceID}.{format}.json"\`), every span with
its attributes, resource, events and links, however many spans: \`otlp\` is an OTLP JSON
\`ExportTraceServiceRequest\` (one \`ResourceSpans\` per resource, one \`ScopeSpans\` per scope in it), \`jaeger\` is
Jaeger JSON (\`{"data": [trace]}\`, the model above). It is written as it is read from storage, 2,000 spans at a
time, so neither the server nor the response holds the trace whole; a failure part way cuts the download short
rather than ending it as a file that looks whole. Same credentials as above; 400 for another format, 404 for a
trace not stored; \`x-apo-trace-spans\` gives the span count. Events and links per span are bounded as in every
span read (\`APO_READ_MAX_SPAN_EVENTS\`, \`APO_READ_MAX_SPAN_LINKS\`). The console's Export buttons use it.
`;
