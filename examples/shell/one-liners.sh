#!/bin/sh
# Plain shell. Filter mode: the pipe's status is jes-metrics-pipe's, so use it where the
# tool's own failure does not matter (or with bash's `set -o pipefail`).
echo 'coverage=87.5' | jes-metrics-pipe --integration tests
go test -run '^$' -bench . -benchmem ./... | jes-metrics-pipe --preset go-bench
# Wrap mode: no shell between, and the tool's exit status is the command's.
jes-metrics-pipe --preset k6 -- k6 run load.js
