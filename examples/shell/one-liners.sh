#!/bin/sh
# Plain shell. Filter mode: the pipe's status is jes-metrics-pipe's, so use it where the
# tool's own failure does not matter (or with bash's `set -o pipefail`).
echo 'coverage=87.5' | jes-metrics-pipe --integration tests
go test -bench . ./... | jes-metrics-pipe --integration gobench --parsers none --pattern 'ns_per_op=^Benchmark(?<benchmark>\S+)-\d+\s+\d+\s+(?<value>[\d.]+) ns/op'
# Wrap mode: no shell between, and the tool's exit status is the command's.
jes-metrics-pipe --integration k6 -- k6 run load.js
