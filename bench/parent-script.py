# The "parent script" of the JES "Output Metrics" docs, adapted the way its users adapt it to
# a streamed tool: read stdin line by line, print each line (passthrough), collect
# `name=value` lines with a regex, then push them with prometheus_client (Pushgateway) and
# requests (Dynatrace), exactly as the docs' two samples do. This is the baseline
# jes-metrics-pipe replaces; bench/run.js times it.
#
#   tool | /usr/bin/python3 bench/parent-script.py            parse only, no push (throughput run)
#   tool | /usr/bin/python3 bench/parent-script.py --push     push to PROM_GATEWAY and DT_TENANT (latency run)
#
# Run with the Debian python3 (apt-get install python3-prometheus-client python3-requests).
import os
import re
import sys

INTEGRATION_NAME = os.getenv("INTEGRATION_NAME", "bench")
KEPTN_PROJECT = os.getenv("KEPTN_PROJECT", "NULL")
KEPTN_SERVICE = os.getenv("KEPTN_SERVICE", "NULL")
KEPTN_STAGE = os.getenv("KEPTN_STAGE", "NULL")

METRIC_LINE = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*$")

some_metrics = {}
for line in sys.stdin:
    sys.stdout.write(line)
    match = METRIC_LINE.match(line)
    if match:
        some_metrics[match.group(1)] = float(match.group(2))
sys.stdout.flush()

if "--push" in sys.argv:
    import requests
    from prometheus_client import CollectorRegistry, Gauge, push_to_gateway

    PROM_GATEWAY = os.getenv("PROM_GATEWAY")
    PROM_LABELS = ["ci_platform", "keptn_project", "keptn_service", "keptn_stage"]
    reg = CollectorRegistry()
    for metric_name, metric_value in some_metrics.items():
        g = Gauge(name=f"keptn_{INTEGRATION_NAME}_{metric_name}", documentation="", registry=reg, labelnames=PROM_LABELS)
        g.labels(ci_platform="keptn", keptn_project=KEPTN_PROJECT, keptn_service=KEPTN_SERVICE, keptn_stage=KEPTN_STAGE).set(metric_value)
    push_to_gateway(gateway=PROM_GATEWAY, job="job-executor-service", registry=reg)

    DT_TENANT = os.getenv("DT_TENANT", "NULL")
    DT_API_TOKEN = os.getenv("DT_API_TOKEN", "NULL")
    metric_string = ""
    for metric_name, metric_value in some_metrics.items():
        metric_line = f"keptn_{INTEGRATION_NAME}_{metric_name},ci_platform=keptn,keptn_project={KEPTN_PROJECT},keptn_service={KEPTN_SERVICE},keptn_stage={KEPTN_STAGE} {metric_value}"
        metric_string += f"{metric_line}\n"
    headers = {"Authorization": f"Api-Token {DT_API_TOKEN}", "Content-Type": "text/plain; charset=utf-8"}
    dt_response = requests.post(url=f"{DT_TENANT}/api/v2/metrics/ingest", headers=headers, data=metric_string)
    print(dt_response.status_code, file=sys.stderr)
    print(dt_response.text, file=sys.stderr)
