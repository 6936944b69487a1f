#!/usr/bin/env bash
# Runs benchmarks side by side with their anchors and writes bench/results/<name>.{md,png}.
#   bench/run.sh --help          list the benchmarks
#   bench/run.sh turn            one benchmark, 3 rounds
#   bench/run.sh all --rounds 5
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -ntp -DskipTests package >&2
exec java -Djava.awt.headless=true -cp bench/target/classes dev.parley.bench.BenchMain "$@"
