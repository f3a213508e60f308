# jes-metrics-pipe plus k6: k6 is one static binary, so it is copied into this image.
FROM grafana/k6:1.3.0 AS k6
FROM jes-metrics-pipe:0.2.0
COPY --from=k6 /usr/bin/k6 /usr/local/bin/k6
