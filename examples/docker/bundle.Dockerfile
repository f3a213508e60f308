# An image that already has Node 20 or newer: add the single-file bundle, no npm install.
# Keep the .mjs name (it tells Node the file is an ES module); the link puts it on the PATH.
FROM jes-metrics-pipe:0.2.0 AS jes-metrics-pipe
FROM node:24.11.1-bookworm-slim
COPY --from=jes-metrics-pipe /opt/jes-metrics-pipe/jes-metrics-pipe.mjs /usr/local/lib/jes-metrics-pipe.mjs
RUN ln -s /usr/local/lib/jes-metrics-pipe.mjs /usr/local/bin/jes-metrics-pipe
