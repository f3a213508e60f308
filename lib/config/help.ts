// The --help text: every option, the environment, exit statuses, examples. At most 80 columns.

export const HELP = `Usage:
  TOOL | jes-metrics-pipe [OPTIONS]           filter mode
  jes-metrics-pipe [OPTIONS] -- TOOL [ARGS…]  wrap mode: runs TOOL, exits with
                                              its status

Passes the input to stdout byte for byte, extracts metrics from it, and at the
end pushes them to a Prometheus Pushgateway and/or the Dynatrace Metrics API v2.

Examples:
  infracost breakdown --path . --format json |
      jes-metrics-pipe --integration infracost --json-path cost=totalMonthlyCost
  jes-metrics-pipe --integration k6 \\
      --pattern 'rps=http_reqs\\.*:\\s+\\d+\\s+(?<value>[\\d.]+)/s' -- k6 run load.js
  echo 'coverage=87.5' | jes-metrics-pipe --integration tests --dry-run
  hyperfine 'sleep 0.1' | jes-metrics-pipe --explain --rules hyperfine.yaml

Naming and labels:
  --integration NAME     metric names become keptn_<NAME>_<name>
                         (env INTEGRATION_NAME)
  --prefix P             replaces keptn_ in the name (may be empty)
  --label K=V            add or override a label on every metric (repeatable);
                         ci_platform=keptn and keptn_project/stage/service
                         from KEPTN_PROJECT/KEPTN_STAGE/KEPTN_SERVICE are
                         always added when set

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
  --preset NAME          built-in rules for a tool's output (k6, junit,
                         go-bench, pytest, …; repeatable; default parsers off):
                         --preset list names them all, --preset auto (wrap
                         mode) picks one by the tool's name
  --explain              send nothing; print on stderr what each rule and
                         parser matched, made, overwrote and skipped, and why
  --max-series N         distinct series kept at most (default 1000); the
                         rest are counted
  --max-line-length B    longer lines are passed through but not parsed
                         (default 1048576)
  --parse-stderr         wrap mode: parse the tool's stderr as well
  A series set again with another value is warned about (with both lines).

Prometheus Pushgateway (env PROM_GATEWAY, host:port means http://host:port):
  --pushgateway URL      e.g. http://user:pass@pushgateway:9091 (credentials
                         are never printed)
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

Delivery:
  --timeout S            per request (default 10s; also 500ms, 2m)
  --deadline S           give up pushing after S (default 60s)
  --header 'K: V'        extra HTTP header for both backends (repeatable)
  --ca-file FILE         trust the CA certificates in FILE
                         (NODE_EXTRA_CA_CERTS works too)
  --insecure             do not verify TLS certificates (a warning is printed)
  --flush-interval S     also push the current values every S while input runs
  --fail-on-push-error   exit 3 when a backend did not accept everything
  HTTPS_PROXY, HTTP_PROXY and NO_PROXY are honoured.

Output:
  --dry-run              send nothing; print each backend's exact payload to
                         stderr
  --dry-run-file FILE    write the dry-run payloads to FILE (implies --dry-run)
  --no-run-metrics       wrap mode: do not add exit_code, duration_seconds and
                         last_success_timestamp_seconds
  -q, --quiet            only errors on stderr
  -v, --verbose          per-request detail on stderr
  -h, --help             this text
  -V, --version          the version

Exit status:
  0  input passed through (a failed push is a warning, see --fail-on-push-error)
  2  usage or configuration error, a rule file that does not load (reported at
     once; the input is still passed through)
  3  a backend did not accept everything and --fail-on-push-error was given
  130/143 interrupted by SIGINT/SIGTERM (after pushing what was collected)
  wrap mode: a non-zero status of TOOL wins (128+N if killed by signal N)
`;
