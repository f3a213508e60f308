// The --help text: every option, the environment, exit statuses, examples. At most 80 columns;
// the first screen answers "how do I push my tool's numbers to my Pushgateway".

export const HELP = `Usage:
  TOOL | jes-metrics-pipe [OPTIONS]           filter mode
  jes-metrics-pipe [OPTIONS] -- TOOL [ARGS…]  wrap mode: runs TOOL, exits with
                                              its status

Passes the input to stdout byte for byte, extracts the numbers in it, and at
the end pushes them to a Prometheus Pushgateway, Dynatrace, an OTLP receiver
or a Prometheus remote-write receiver.

Examples:
  jes-metrics-pipe --preset k6 --pushgateway http://pushgateway:9091 \\
      -- k6 run load.js
  infracost breakdown --path . --format json |
      jes-metrics-pipe --preset infracost --dt-url https://x.live.dynatrace.com
  echo 'coverage=87.5' | jes-metrics-pipe --integration tests --dry-run
  go test -bench . | jes-metrics-pipe --preset go-bench --explain

Start here:
  --preset NAME          built-in rules for a tool's output (k6, infracost,
                         trivy, junit, go-bench, pytest, …; repeatable; the
                         default parsers are off unless --parsers names them);
                         --preset list names them all, --preset auto (wrap
                         mode) picks one by the tool's name
  --integration NAME     metric names become keptn_<NAME>_<name> (default: the
                         preset's name; env INTEGRATION_NAME)
  --pushgateway URL      e.g. http://user:pass@pushgateway:9091 (env
                         PROM_GATEWAY; host:port means http://host:port)
  --dry-run              send nothing; print each backend's exact payload to
                         stderr
  --explain              send nothing; print on stderr what each rule and
                         parser matched, made, overwrote and skipped, and why

Extraction (every rule is tried on every line and every match counts; the
default parsers take a line only when no rule matched it):
  --parsers LIST         default parsers, comma-separated: kv,json,prom
                         (default all) or none
                           kv    a whole line name=value      cost=42.5
                           json  {"name":..,"value":..,"labels":{..}}
                           prom  Prometheus text (and OpenMetrics) samples
  --pattern [NAME=]REGEX a line rule: a JavaScript regex with named groups
                         value (required) and name (unless NAME= is given);
                         other named groups become labels (repeatable); a
                         rule that takes over 0.2 s on one line (a regex that
                         backtracks, such as ^(a+)+$ on many a's) is reported
                         and no longer applied
  --json-path NAME=PATH  a JSON document rule: JSONPath over the JSON document
                         in the input, at the end (repeatable)
  --rules FILE           rules from a YAML or JSON file: units, labels from
                         fields, context, defaults, aggregation, XML; see the
                         README's "Rule files" (repeatable)
  --max-series N         distinct series kept at most (default 1000); the
                         rest are counted
  --max-line-length B    longer lines are passed through but not parsed
                         (default 1048576)
  --parse-stderr         wrap mode: parse the tool's stderr as well
  A series set again with another value is warned about (with both lines).

Naming and labels:
  --prefix P             replaces keptn_ in the name (may be empty)
  --label K=V            add or override a label on every metric (repeatable);
                         ci_platform (keptn, or the CI below) and
                         keptn_project/stage/service from KEPTN_PROJECT/
                         KEPTN_STAGE/KEPTN_SERVICE are always added when set
  --ci-labels auto|none|list
                         outside Keptn, in a detected CI (GitHub Actions,
                         GitLab CI, Jenkins, Azure Pipelines, Buildkite,
                         CircleCI, Tekton, Argo): auto (default) sets
                         ci_platform to the CI and adds its repository,
                         workflow, stage and job as labels and grouping key
                         parts; none sets ci_platform only; list prints
                         what would be added and exits
  --ci-label K=VAR       add the variable VAR as label and grouping key
                         part K (repeatable), e.g. ci_matrix=MATRIX_OS

Prometheus Pushgateway:
  --job NAME             grouping key job (default job-executor-service)
  --grouping K=V         add K=V to the grouping key (repeatable)
  --method put|post      put replaces this run's group (default), post
                         merges families

Dynatrace Metrics API v2 (env DT_TENANT, token from env DT_API_TOKEN):
  --dt-url URL           https://<env>.live.dynatrace.com,
                         https://<host>/e/<env>, or a OneAgent endpoint
                         http://localhost:14499/metrics/ingest (no token)
  --dt-token-file FILE   read the API token from FILE (never pass it on the
                         command line)

OTLP/HTTP metrics (protobuf, gzip):
  --otlp URL             e.g. http://collector:4318/v1/metrics; or env
                         OTEL_EXPORTER_OTLP_METRICS_ENDPOINT (as is) or
                         OTEL_EXPORTER_OTLP_ENDPOINT (+ /v1/metrics)
                         env OTEL_EXPORTER_OTLP_HEADERS=k=v,k2=v2 (URL-encoded),
                         OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
                         OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta
                         (for delta-only receivers such as Dynatrace)

Prometheus remote write 1.0 (Mimir, Thanos, Cortex, VictoriaMetrics, Prometheus)
  --remote-write URL     e.g. http://prometheus:9090/api/v1/write (repeatable);
                         basic auth from http://user:pass@host/…, else a bearer
                         token from env REMOTE_WRITE_TOKEN or from:
  --remote-write-token-file FILE

Delivery:
  --timeout S            per request (default 10s; also 500ms, 2m)
  --deadline S           give up pushing after S (default 60s)
  --header 'K: V'        extra HTTP header for every backend (repeatable)
  --ca-file FILE         trust the CA certificates in FILE
                         (NODE_EXTRA_CA_CERTS works too)
  --insecure             do not verify TLS certificates (a warning is printed)
  --flush-interval S     also push the current values every S while input runs
  --fail-on-push-error   exit 3 when a backend did not accept everything
  HTTPS_PROXY, HTTP_PROXY (host:port means http://host:port) and NO_PROXY are
  honoured, in either case.

Quality gate (a Keptn SLO file evaluated on the numbers, before the push):
  --slo FILE             Keptn slo.yaml (spec_version "1.0"): objectives with
                         pass/warning criteria, weight, key_sli, comparison,
                         total_score; the result is pushed as
                         keptn_<integration>_slo_score (0-100) and _slo_result
                         (1 pass, 0.5 warning, 0 fail)
  --sli FILE             Keptn sli.yaml (indicators: {name: selector}): SLI
                         name → series, e.g. max(keptn_k6_x{stage="$STAGE"})
  --slo-history URL      a Prometheus that scrapes the Pushgateway: the earlier
                         results of compare_with several_results (default: the
                         last run on the gateway)
  --slo-history-window D how far back --slo-history looks (default 14d; also
                         12h, 30m)
  --slo-report FILE      write the evaluation as JSON (Keptn's evaluation
                         result shape)
  --slo-fail-on-warning  exit 4 on a warning too
  GITHUB_STEP_SUMMARY set: the result table is appended to it as Markdown.

Output:
  --dry-run-file FILE    write the dry-run payloads to FILE (implies --dry-run)
  --no-run-metrics       wrap mode: do not add exit_code, duration_seconds and
                         last_success_timestamp_seconds
  -q, --quiet            only errors on stderr
  -v, --verbose          per-request detail and the timings on stderr
  -h, --help             this text
  -V, --version          the version

Exit status:
  0    input passed through (a failed push is a warning: --fail-on-push-error)
  2    usage or configuration error, a rule file that does not load (reported
       at once; the input is still passed through)
  3    a backend did not accept everything and --fail-on-push-error was given
  4    the quality gate (--slo) failed, or warned with --slo-fail-on-warning
       (after the push)
  74   writing to stdout failed (disk full, EIO; not a reader gone, | head -1)
  129, 130, 143  filter mode: SIGHUP, SIGINT, SIGTERM (after pushing what was
       collected)
  131  SIGQUIT (a second signal: its own 128+N): left at once, values printed
  wrap mode: TOOL's status when it is not 0 (128+N if killed by signal N;
       127 when it cannot be started); a tool that exits 0 after a forwarded
       SIGTERM gives 0; the summary says what the tool returned
`;
