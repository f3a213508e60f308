# jes-metrics-pipe plus infracost: infracost is one static binary, so it is copied into this image.
FROM infracost/infracost:0.10.41 AS infracost
FROM jes-metrics-pipe:0.2.0
COPY --from=infracost /usr/bin/infracost /usr/local/bin/infracost
