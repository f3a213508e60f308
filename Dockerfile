# syntax=docker/dockerfile:1
# jes-metrics-pipe as a container image: `docker build -t jes-metrics-pipe .`
#
# Two stages: `build` compiles with the dev dependencies and makes the single-file bundle (the
# CLI and its runtime dependencies, from the lockfile, in one ES module); the final stage holds
# just Node and that file, running as a non-root user. One file starts faster than the package's
# many (about 65 ms less for each run, bench/RESULTS.md), and a job image starts it at every run.
#
# Use it as a JES task image directly (the CLI is on the PATH and is the entrypoint), or
# take the CLI into an image of your own:
#   FROM jes-metrics-pipe  +  COPY --from=grafana/k6:<tag> /usr/bin/k6 /usr/bin/k6
#   COPY --from=jes-metrics-pipe /opt/jes-metrics-pipe/jes-metrics-pipe.mjs …  (an image with Node 20+)
#
# The base is pinned to an exact Node LTS release (24 is Active LTS); bump the tag (and, if you
# pin one, the digest: node:<tag>@sha256:…) deliberately, e.g. with Renovate or Dependabot.
ARG NODE_IMAGE=node:24.11.1-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY bin ./bin
COPY lib ./lib
COPY scripts ./scripts
RUN npm run bundle

FROM ${NODE_IMAGE} AS runtime
LABEL org.opencontainers.image.title="jes-metrics-pipe" \
      org.opencontainers.image.description="Pass a tool's output through, push the metrics in it to a Prometheus Pushgateway and Dynatrace" \
      org.opencontainers.image.licenses="Apache-2.0"
ENV NODE_ENV=production
WORKDIR /opt/jes-metrics-pipe
COPY --from=build /src/dist/jes-metrics-pipe.mjs ./jes-metrics-pipe.mjs
COPY package.json README.md LICENSE ./
# Node follows the link to the .mjs name, which tells it the file is an ES module.
RUN ln -s /opt/jes-metrics-pipe/jes-metrics-pipe.mjs /usr/local/bin/jes-metrics-pipe \
 && chmod 0755 jes-metrics-pipe.mjs \
 && mkdir compile-cache && chown node:node compile-cache
# The `node` user (uid 1000) of the official image: nothing here needs root.
USER node
# Node's compile cache (https://nodejs.org/api/module.html#module-compile-cache): the bundle's
# compiled code, made here once by a run that pushes (to a closed port: its push fails, quickly,
# and is only a warning), so every run of the image starts with it (bench/RESULTS.md,
# "Start-up"). Node keys the cache by user: it is made as `node`, the user the image runs as;
# run as another user, the image compiles as it would without it.
ENV NODE_COMPILE_CACHE=/opt/jes-metrics-pipe/compile-cache
RUN printf 'warm=1\n' | DT_API_TOKEN=warm jes-metrics-pipe --integration warm --quiet --deadline 1s \
      --pushgateway 127.0.0.1:9 --dt-url http://127.0.0.1:9 >/dev/null 2>&1 \
 && test -n "$(ls -A compile-cache)"
WORKDIR /work
ENTRYPOINT ["jes-metrics-pipe"]
CMD ["--help"]
