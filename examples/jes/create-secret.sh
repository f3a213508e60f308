#!/bin/sh
# The secret a JES task reads with `env: [{name: jes-metrics, valueFrom: secret}]`: each key
# becomes an environment variable of the job's container. Set only the backends you use.
set -eu
JES_NAMESPACE=keptn
kubectl create secret generic jes-metrics \
  --namespace "$JES_NAMESPACE" \
  --from-literal=PROM_GATEWAY=prometheus-pushgateway.monitoring.svc.cluster.local:9091 \
  --from-literal=DT_TENANT=https://abc12345.live.dynatrace.com \
  --from-literal=DT_API_TOKEN="$DT_API_TOKEN"
